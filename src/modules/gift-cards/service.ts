import { and, asc, desc, eq, inArray, lt, sql, type SQL } from "drizzle-orm";
import { requireAdmin, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { sha256Hex } from "../../shared/crypto";
import { isUniqueViolation } from "../../shared/db-errors";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, type Page, pageOf } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import type { CardSnapshot } from "./apply";
import { changeBalance } from "./ledger";
import {
  AdjustBalanceInput,
  BalanceQuery,
  IssueGiftCardInput,
  ListGiftCardsInput,
  ListTransactionsInput,
  normaliseGiftCardCode,
  UpdateGiftCardInput,
  type GiftCard,
  type GiftCardBalance,
  type GiftCardTransaction,
  type IssuedGiftCard,
} from "./schemas";
import { giftCards, giftCardTransactions } from "./tables";

type GiftCardRow = typeof giftCards.$inferSelect;
const SCOPE = "gift_cards:write";
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const now = () => new Date().toISOString();

export const codeHash = (code: string) => sha256Hex(`giftcard:${normaliseGiftCardCode(code)}`);

/** 16 characters of Crockford base32 (80 random bits), shown in groups of four. */
function generateCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % 32]).join("");
  return chars.match(/.{4}/g)!.join("-");
}

export function toGiftCard(row: GiftCardRow): GiftCard {
  return {
    id: row.id,
    kind: row.kind,
    last4: row.last4,
    customerId: row.customerId,
    balance: { amount: row.balance, currency: row.currency },
    initialAmount: { amount: row.initialAmount, currency: row.currency },
    status: row.status,
    expiresAt: row.expiresAt,
    note: row.note,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toSnapshot(row: GiftCardRow): CardSnapshot {
  return { id: row.id, kind: row.kind, last4: row.last4, currency: row.currency, balance: row.balance, status: row.status, expiresAt: row.expiresAt };
}

function actorLabel(ctx: ServiceContext): string {
  const a = ctx.actor;
  return a.kind === "admin" ? `admin:${a.keyId}` : a.kind === "customer" ? `customer:${a.customerId}` : "anonymous";
}

async function cardRow(db: Database, id: string): Promise<GiftCardRow> {
  const row = await db.select().from(giftCards).where(eq(giftCards.id, id)).get();
  if (!row) throw notFound("Gift card", id);
  return row;
}

export async function findByCode(db: Database, code: string): Promise<GiftCardRow | undefined> {
  return db
    .select()
    .from(giftCards)
    .where(eq(giftCards.codeHash, await codeHash(code)))
    .get();
}

// ---------------------------------------------------------------------------------------------
// Admin

export async function issueGiftCard(ctx: ServiceContext, rawInput: unknown): Promise<IssuedGiftCard> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(IssueGiftCardInput, rawInput);
  const id = newId("giftCard");
  const code = input.kind === "gift_card" ? (input.code ?? generateCode()) : null;
  const at = now();
  const row: GiftCardRow = {
    id,
    kind: input.kind,
    codeHash: code ? await codeHash(code) : null,
    last4: (code ? normaliseGiftCardCode(code) : id.toUpperCase()).slice(-4),
    customerId: input.customerId ?? null,
    currency: input.amount.currency,
    initialAmount: input.amount.amount,
    balance: input.amount.amount,
    status: "active",
    expiresAt: input.expiresAt ?? null,
    note: input.note ?? "",
    createdAt: at,
    updatedAt: at,
  };
  try {
    await ctx.db.batch([
      ctx.db.insert(giftCards).values(row),
      ctx.db.insert(giftCardTransactions).values({
        id: newId("giftCardTransaction"),
        giftCardId: id,
        kind: "issue",
        amount: row.balance,
        balanceAfter: row.balance,
        reference: "issue",
        note: row.note,
        actor: actorLabel(ctx),
        createdAt: at,
      }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "gift_cards.code_hash")) {
      throw new ServiceError("CONFLICT", "A gift card with this code exists already.", { errors: [{ pointer: "/code", detail: "Already used." }] });
    }
    throw error;
  }
  return { giftCard: toGiftCard(row), code };
}

export async function getGiftCard(ctx: ServiceContext, id: string): Promise<GiftCard> {
  requireAdmin(ctx.actor, SCOPE);
  return toGiftCard(await cardRow(ctx.db, id));
}

export async function listGiftCards(ctx: ServiceContext, rawInput: unknown): Promise<Page<GiftCard>> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(ListGiftCardsInput, rawInput);
  const where: (SQL | undefined)[] = [];
  if (input.customerId) where.push(eq(giftCards.customerId, input.customerId));
  if (input.kind) where.push(eq(giftCards.kind, input.kind));
  if (input.status) where.push(eq(giftCards.status, input.status));
  if (input.cursor) where.push(lt(giftCards.id, decodeCursor(input.cursor).id));
  const rows = await ctx.db
    .select()
    .from(giftCards)
    .where(and(...where))
    .orderBy(desc(giftCards.id))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: null, id: r.id }), Boolean(input.cursor));
  return { ...page, items: page.items.map(toGiftCard) };
}

export async function updateGiftCard(ctx: ServiceContext, id: string, rawInput: unknown): Promise<GiftCard> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(UpdateGiftCardInput, rawInput);
  await cardRow(ctx.db, id);
  await ctx.db
    .update(giftCards)
    .set({
      ...(input.status !== undefined && { status: input.status }),
      ...(input.expiresAt !== undefined && { expiresAt: input.expiresAt }),
      ...(input.note !== undefined && { note: input.note }),
      updatedAt: now(),
    })
    .where(eq(giftCards.id, id));
  return toGiftCard(await cardRow(ctx.db, id));
}

/**
 * Add to or take from a balance: an admin's adjustment, or (with `orderId` and a positive amount)
 * a refund credited to the card. Once per reference: a repeat with the same reference and amount
 * returns the first entry; with another amount it is a 409.
 */
export async function adjustGiftCardBalance(ctx: ServiceContext, id: string, rawInput: unknown): Promise<{ giftCard: GiftCard; transaction: GiftCardTransaction }> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(AdjustBalanceInput, rawInput);
  await cardRow(ctx.db, id);
  const kind = input.orderId && input.amount > 0 ? "refund" : "adjustment";
  await changeBalance(ctx.db, {
    giftCardId: id,
    amount: input.amount,
    kind,
    reference: input.reference,
    orderId: input.orderId ?? null,
    note: input.note ?? "",
    actor: actorLabel(ctx),
    at: now(),
  });
  const [card, entry] = await Promise.all([
    cardRow(ctx.db, id),
    ctx.db
      .select()
      .from(giftCardTransactions)
      .where(and(eq(giftCardTransactions.giftCardId, id), eq(giftCardTransactions.reference, input.reference)))
      .get(),
  ]);
  if (!entry || entry.amount !== input.amount || entry.kind !== kind) {
    throw new ServiceError("CONFLICT", `Reference '${input.reference}' was already used on this card for another change.`, {
      errors: [{ pointer: "/reference", detail: "Already used with another amount." }],
    });
  }
  return { giftCard: toGiftCard(card), transaction: toTransaction(entry, card.currency) };
}

/**
 * What other modules call to refund to a gift card (payments): `amount` minor units back onto the
 * card, once per `reference`. The caller has already authorised the refund.
 */
export async function creditGiftCard(
  ctx: ServiceContext,
  args: { giftCardId: string; amount: { amount: number; currency: string }; reference: string; orderId?: string | null; note?: string },
): Promise<{ credited: boolean; balance: { amount: number; currency: string } }> {
  const card = await cardRow(ctx.db, args.giftCardId);
  if (card.currency !== args.amount.currency) {
    throw new ServiceError("VALIDATION_FAILED", `The card is in ${card.currency}.`, { errors: [{ pointer: "/amount/currency", detail: `The card is in ${card.currency}.` }] });
  }
  if (!Number.isSafeInteger(args.amount.amount) || args.amount.amount <= 0) {
    throw new ServiceError("VALIDATION_FAILED", "A credit is a positive integer amount.", { errors: [{ pointer: "/amount/amount", detail: "Must be above 0." }] });
  }
  const credited = await changeBalance(ctx.db, {
    giftCardId: card.id,
    amount: args.amount.amount,
    kind: "refund",
    reference: args.reference,
    orderId: args.orderId ?? null,
    note: args.note ?? "",
    actor: actorLabel(ctx),
    at: now(),
  });
  const after = await cardRow(ctx.db, card.id);
  return { credited, balance: { amount: after.balance, currency: after.currency } };
}

function toTransaction(row: typeof giftCardTransactions.$inferSelect, currency: string): GiftCardTransaction {
  return {
    id: row.id,
    kind: row.kind,
    amount: row.amount,
    balanceAfter: row.balanceAfter,
    currency,
    orderId: row.orderId,
    reference: row.reference,
    note: row.note,
    actor: row.actor,
    createdAt: row.createdAt,
  };
}

/** The card's ledger, newest first. */
export async function listGiftCardTransactions(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Page<GiftCardTransaction>> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(ListTransactionsInput, rawInput);
  const card = await cardRow(ctx.db, id);
  // Commit order is rowid order (ids are made before their batch runs, so racing charges may commit
  // out of id order); balance_after follows commit order.
  const seq = sql<number>`${giftCardTransactions}.rowid`;
  const rows = await ctx.db
    .select({ entry: giftCardTransactions, seq })
    .from(giftCardTransactions)
    .where(and(eq(giftCardTransactions.giftCardId, id), input.cursor ? lt(seq, Number(decodeCursor(input.cursor).v)) : undefined))
    .orderBy(desc(seq))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: r.seq, id: r.entry.id }), Boolean(input.cursor));
  return { ...page, items: page.items.map((r) => toTransaction(r.entry, card.currency)) };
}

// ---------------------------------------------------------------------------------------------
// Shoppers

/** Anyone holding a code may read its balance (nothing else); an unknown code is a 404. */
export async function checkGiftCardBalance(ctx: ServiceContext, rawInput: unknown): Promise<GiftCardBalance> {
  const { code } = parseInput(BalanceQuery, rawInput);
  const row = await findByCode(ctx.db, code);
  if (!row) throw new ServiceError("NOT_FOUND", "No gift card has this code.");
  const expired = row.expiresAt !== null && row.expiresAt <= now();
  return {
    last4: row.last4,
    balance: { amount: row.balance, currency: row.currency },
    status: row.status,
    expiresAt: row.expiresAt,
    usable: row.status === "active" && !expired && row.balance > 0,
  };
}

/** A signed-in customer's own gift cards and store credit, newest first. */
export async function listMyGiftCards(ctx: ServiceContext): Promise<GiftCard[]> {
  if (ctx.actor.kind !== "customer") throw new ServiceError("UNAUTHENTICATED", "Sign in to see your gift cards and store credit.");
  const rows = await ctx.db.select().from(giftCards).where(eq(giftCards.customerId, ctx.actor.customerId)).orderBy(desc(giftCards.id)).limit(100);
  return rows.map(toGiftCard);
}

/** Snapshots of cards by id, in the order asked (for the cart's step 6). */
export async function cardSnapshots(db: Database, ids: readonly string[]): Promise<CardSnapshot[]> {
  if (ids.length === 0) return [];
  const rows = await db.select().from(giftCards).where(inArray(giftCards.id, [...ids])).orderBy(asc(giftCards.id));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [toSnapshot(byId.get(id)!)] : []));
}
