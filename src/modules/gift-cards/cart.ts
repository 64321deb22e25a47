import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { ServiceError } from "../../shared/errors";
import { parseInput } from "../../shared/validation";
import { applyGiftCards, type CardSnapshot } from "./apply";
import { ApplyGiftCardInput } from "./schemas";
import { cardSnapshots, findByCode } from "./service";
import { cartGiftCards, giftCards } from "./tables";

/**
 * Gift cards and store credit applied to a cart. The carts module authorises the caller for the
 * cart, then calls these. Nothing is held at this point: the balance is spent only by the order's
 * batch, so applying a card to a cart that is never checked out costs its owner nothing.
 */
export const MAX_CART_GIFT_CARDS = 5;

export async function cartGiftCardSnapshots(db: Database, cartId: string): Promise<CardSnapshot[]> {
  const rows = await db.select({ id: cartGiftCards.giftCardId }).from(cartGiftCards).where(eq(cartGiftCards.cartId, cartId)).orderBy(asc(cartGiftCards.addedAt), asc(cartGiftCards.giftCardId));
  return cardSnapshots(
    db,
    rows.map((r) => r.id),
  );
}

/** Apply a card by code (anyone with the code) or by id (a customer's own card or store credit). */
export async function addCartGiftCard(ctx: ServiceContext, cart: { id: string; currency: string | null }, rawInput: unknown): Promise<string> {
  const input = parseInput(ApplyGiftCardInput, rawInput);
  const pointer = input.code ? "/code" : "/giftCardId";
  const refuse = (detail: string) => new ServiceError("VALIDATION_FAILED", detail, { errors: [{ pointer, detail }] });
  const card = input.code
    ? await findByCode(ctx.db, input.code)
    : await ctx.db.select().from(giftCards).where(eq(giftCards.id, input.giftCardId!)).get();
  // A card by id is only the owner's to apply; anyone else learns nothing about it.
  if (!card || (input.giftCardId && (ctx.actor.kind !== "customer" || card.customerId !== ctx.actor.customerId))) {
    throw refuse(input.code ? "No gift card has this code." : "You have no gift card or store credit with this id.");
  }
  if (card.status !== "active") throw refuse("This gift card is disabled.");
  if (card.expiresAt !== null && card.expiresAt <= new Date().toISOString()) throw refuse("This gift card has expired.");
  if (card.balance === 0) throw refuse("This gift card has no balance left.");
  if (cart.currency && cart.currency !== card.currency) throw refuse(`This gift card is in ${card.currency}; the cart is in ${cart.currency}.`);
  const inserted = await ctx.db
    .insert(cartGiftCards)
    .select(
      sql`SELECT ${cart.id}, ${card.id}, ${new Date().toISOString()} WHERE (SELECT count(*) FROM ${cartGiftCards} WHERE ${cartGiftCards.cartId} = ${cart.id}) < ${MAX_CART_GIFT_CARDS}`,
    )
    .onConflictDoNothing()
    .returning({ id: cartGiftCards.giftCardId });
  if (inserted.length === 0) {
    const already = await ctx.db.select().from(cartGiftCards).where(and(eq(cartGiftCards.cartId, cart.id), eq(cartGiftCards.giftCardId, card.id))).get();
    if (!already) throw new ServiceError("CONFLICT", `A cart holds at most ${MAX_CART_GIFT_CARDS} gift cards; remove one first.`);
  }
  return card.id;
}

export async function removeCartGiftCard(db: Database, cartId: string, giftCardId: string): Promise<boolean> {
  const removed = await db
    .delete(cartGiftCards)
    .where(and(eq(cartGiftCards.cartId, cartId), eq(cartGiftCards.giftCardId, giftCardId)))
    .returning({ id: cartGiftCards.giftCardId });
  return removed.length > 0;
}

/**
 * The pricing pipeline's step 6 for a cart (installed by the composition root with
 * `provideGiftCardStep`): the cart's cards pay what is left of the total, in the order applied.
 * A card that cannot pay (spent, disabled or expired since it was applied) stays on the cart with
 * the reason and pays 0.
 */
export async function giftCardsForCart(ctx: ServiceContext, input: { cartId: string; currency: string; total: number; at: string }) {
  const cards = await cartGiftCardSnapshots(ctx.db, input.cartId);
  const { applied, amountDue } = applyGiftCards(cards, { amount: input.total, currency: input.currency }, input.at);
  return { applied: applied.map((a) => ({ giftCardId: a.giftCardId, kind: a.kind, last4: a.last4, amount: a.amount.amount, reason: a.reason })), amountDue };
}

/**
 * Checkout never silently charges more: a card on the cart that cannot pay now (disabled,
 * expired, emptied or in another currency since it was applied) is a 409 naming it.
 */
export function assertGiftCardsPay(applied: readonly { giftCardId: string; last4: string; reason?: string | null }[]): void {
  const unusable = applied.filter((a) => a.reason);
  if (unusable.length === 0) return;
  throw new ServiceError("CONFLICT", `Gift card${unusable.length > 1 ? "s" : ""} ${unusable.map((u) => `…${u.last4} (${u.reason})`).join(", ")} cannot pay any more. Remove ${unusable.length > 1 ? "them" : "it"} from the cart and check out again.`, {
    extra: { reason: "gift_card_unusable", giftCards: unusable.map((u) => ({ giftCardId: u.giftCardId, last4: u.last4, reason: u.reason })) },
  });
}

/** A guest cart merging into a customer's cart at sign-in brings its cards (see moveCartCodesStatement). */
export function moveCartGiftCardsStatement(db: Database, fromCartId: string, toCartId: string, guard: SQL) {
  return db
    .insert(cartGiftCards)
    .select(sql`SELECT ${toCartId}, ${cartGiftCards.giftCardId}, ${cartGiftCards.addedAt} FROM ${cartGiftCards} WHERE ${cartGiftCards.cartId} = ${fromCartId} AND ${guard}`)
    .onConflictDoNothing();
}
