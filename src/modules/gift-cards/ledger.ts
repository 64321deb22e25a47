import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { giftCards, giftCardTransactions } from "./tables";

/**
 * Every balance change is two statements in one batch: the conditional UPDATE of the card's
 * balance (guarded by the CHECK `balance >= 0`) and its ledger entry (unique per card and
 * reference, carrying the balance right after). See tables.ts for why this is the card's one writer.
 */

const balanceNow = (giftCardId: string) => sql`(SELECT ${giftCards.balance} FROM ${giftCards} WHERE ${giftCards.id} = ${giftCardId})`;
const notYet = (giftCardId: string, reference: string) =>
  sql`NOT EXISTS (SELECT 1 FROM ${giftCardTransactions} WHERE ${giftCardTransactions.giftCardId} = ${giftCardId} AND ${giftCardTransactions.reference} = ${reference})`;

export interface GiftCardCharge {
  giftCardId: string;
  amount: number;
}

/**
 * Checkout: spend each card's share of the order, for the order's own batch. A balance that
 * fell below the share (another checkout spent it), or a card disabled or expired since the cart
 * was priced, makes the UPDATE break the CHECK, so the order is not written.
 */
export function chargeStatements(db: Database, args: { orderId: string; charges: readonly GiftCardCharge[]; at: string }) {
  return args.charges
    .filter((c) => c.amount > 0)
    .flatMap((c) => [
      db
        .update(giftCards)
        .set({
          balance: sql`CASE WHEN ${giftCards.status} = 'active' AND (${giftCards.expiresAt} IS NULL OR ${giftCards.expiresAt} > ${args.at}) THEN ${giftCards.balance} - ${c.amount} ELSE -1 END`,
          updatedAt: args.at,
        })
        .where(eq(giftCards.id, c.giftCardId)),
      db.insert(giftCardTransactions).values({
        id: newId("giftCardTransaction"),
        giftCardId: c.giftCardId,
        kind: "charge",
        amount: -c.amount,
        balanceAfter: balanceNow(c.giftCardId),
        orderId: args.orderId,
        reference: `charge:${args.orderId}`,
        actor: "checkout",
        createdAt: args.at,
      }),
    ]);
}

/**
 * A cancelled order: each card gets back what the order charged it, once. Reads the order's
 * charges (fixed since its batch), then returns statements for the cancellation's batch that
 * only act while no `return:<order>` entry exists.
 */
export async function returnStatements(db: Database, orderId: string, at: string) {
  const charges = await db
    .select({ giftCardId: giftCardTransactions.giftCardId, amount: giftCardTransactions.amount })
    .from(giftCardTransactions)
    .where(and(eq(giftCardTransactions.orderId, orderId), eq(giftCardTransactions.kind, "charge")));
  const reference = `return:${orderId}`;
  return charges.flatMap((c) => [
    db
      .update(giftCards)
      .set({ balance: sql`${giftCards.balance} + ${-c.amount}`, updatedAt: at })
      .where(and(eq(giftCards.id, c.giftCardId), notYet(c.giftCardId, reference))),
    db
      .insert(giftCardTransactions)
      .values({
        id: newId("giftCardTransaction"),
        giftCardId: c.giftCardId,
        kind: "return",
        amount: -c.amount,
        balanceAfter: balanceNow(c.giftCardId),
        orderId,
        reference,
        note: "Order cancelled.",
        actor: "orders",
        createdAt: at,
      })
      .onConflictDoNothing(),
  ]);
}

/**
 * An admin adjustment or a refund credited to a card: once per (card, reference). Returns false
 * when this reference was already applied (nothing changed).
 */
export async function changeBalance(
  db: Database,
  args: { giftCardId: string; amount: number; kind: "refund" | "adjustment"; reference: string; orderId: string | null; note: string; actor: string; at: string },
): Promise<boolean> {
  try {
    const [, inserted] = await db.batch([
      db
        .update(giftCards)
        .set({ balance: sql`${giftCards.balance} + ${args.amount}`, updatedAt: args.at })
        .where(and(eq(giftCards.id, args.giftCardId), notYet(args.giftCardId, args.reference))),
      db
        .insert(giftCardTransactions)
        .values({
          id: newId("giftCardTransaction"),
          giftCardId: args.giftCardId,
          kind: args.kind,
          amount: args.amount,
          balanceAfter: balanceNow(args.giftCardId),
          orderId: args.orderId,
          reference: args.reference,
          note: args.note,
          actor: args.actor,
          createdAt: args.at,
        })
        .onConflictDoNothing()
        .returning({ id: giftCardTransactions.id }),
    ]);
    return inserted.length > 0;
  } catch (error) {
    if (isBalanceViolation(error)) throw new ServiceError("CONFLICT", "The balance cannot go below 0.", { errors: [{ pointer: "/amount", detail: "More than the balance." }] });
    throw error;
  }
}

/** True when a failed batch hit a gift card's `balance >= 0` CHECK. */
export function isBalanceViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes("CHECK constraint failed") && e.message.includes("gift_cards_balance_not_negative")) return true;
  }
  return false;
}

/** A checkout batch refused by a gift card's balance, as the 409 the shopper sees; null for other errors. */
export function giftCardProblem(error: unknown): ServiceError | null {
  if (!isBalanceViolation(error)) return null;
  return new ServiceError(
    "CONFLICT",
    "A gift card on this cart no longer covers its share (it was spent, disabled or expired meanwhile). Review the cart and try again.",
    { extra: { reason: "gift_card_balance_changed" } },
  );
}
