import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type ServiceContext, hasAnyScope, ORDER_READ_SCOPES } from "../../context";
import type { Database } from "../../db/client";
import type { Env } from "../../env";
import { randomToken, sha256Hex, timingSafeEqualStrings } from "../../shared/crypto";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { parseInput } from "../../shared/validation";
import { getProductRecord, getVariant, unsellableVariants, type UnsellableReason } from "../catalog";
import { moveCartGiftCardsStatement } from "../gift-cards";
import { holdStock, releaseStock } from "../inventory";
import { moveCartCodesStatement } from "../promotions";
import { requireMarket } from "../pricing";
import { priceCart, resolveLinePrices, type PricedCart } from "./pricing";
import { AddLineInput, CreateCartInput, UpdateCartInput, UpdateLineInput, type Cart, type CartLine, type CreatedCart } from "./schemas";
import { cartLines, carts } from "./tables";

export type CartRow = typeof carts.$inferSelect;
export type CartLineRow = typeof cartLines.$inferSelect;

const now = () => new Date().toISOString();
export const CART_TOKEN_PREFIX = "ctok_";
const MAX_LINES = 50;
/** A checkout claim older than this is presumed dead (its Worker crashed) and may be taken over. */
const CHECKOUT_LEASE_MS = 2 * 60 * 1000;

export function holdMinutes(env: Pick<Env, "CART_HOLD_MINUTES">): number {
  const minutes = Number(env.CART_HOLD_MINUTES ?? 15);
  return Number.isFinite(minutes) && minutes > 0 ? minutes : 15;
}

export function holdTtlMs(env: Pick<Env, "CART_HOLD_MINUTES">): number {
  return holdMinutes(env) * 60_000;
}

/** The inventory owner of a cart's holds; checkout commits the same owner's holds. */
export const holdOwner = (cartId: string) => `cart:${cartId}`;

// ---------------------------------------------------------------------------------------------
// Reading and access

/** The pipeline's input for a cart as stored (checkout passes its own address and moment). */
export function pricingInput(row: CartRow, lines: readonly CartLineRow[], overrides: { shippingAddress?: CartRow["shippingAddress"]; email?: string; at?: string } = {}) {
  const address = overrides.shippingAddress !== undefined ? overrides.shippingAddress : row.shippingAddress;
  return {
    cartId: row.id,
    customerId: row.customerId,
    email: overrides.email ?? row.email,
    marketId: row.marketId,
    shippingMethodId: row.shippingMethodId,
    shippingAddress: address ?? null,
    lines: lines.map((l) => ({ id: l.id, variantId: l.variantId, productId: l.productId, sku: l.sku, quantity: l.quantity })),
    ...(overrides.at && { at: overrides.at }),
  };
}

function toCartLine(row: CartLineRow, priced: PricedCart, unavailable: ReadonlyMap<string, UnsellableReason>): CartLine {
  const line = priced.lines.find((l) => l.lineId === row.id)!;
  const money = (amount: number) => ({ amount, currency: priced.currency });
  const reason = unavailable.get(row.variantId) ?? null;
  return {
    id: row.id,
    variantId: row.variantId,
    productId: row.productId,
    sku: row.sku,
    title: row.title,
    quantity: row.quantity,
    unitPrice: money(line.unitPrice),
    compareAtPrice: line.compareAtPrice === null ? null : money(line.compareAtPrice),
    priceSource: line.source,
    discounts: line.discounts.map((d) => ({ ...d, amount: money(d.amount) })),
    lineTotal: money(line.lineTotal),
    tax: money(line.tax),
    taxRate: line.taxRate,
    available: reason === null,
    unavailableReason: reason,
  };
}

export function toCart(env: Env, row: CartRow, lines: CartLineRow[], priced: PricedCart, unavailable: ReadonlyMap<string, UnsellableReason>): Cart {
  const money = (amount: number) => ({ amount, currency: priced.currency });
  const { market, totals } = priced;
  return {
    id: row.id,
    status: row.status,
    customerId: row.customerId,
    email: row.email,
    shippingAddress: row.shippingAddress ?? null,
    billingAddress: row.billingAddress ?? null,
    market: { id: market.id, handle: market.handle, name: market.name, currency: market.currency, pricesIncludeTax: market.pricesIncludeTax },
    taxExempt: priced.taxExempt,
    lines: lines.map((l) => toCartLine(l, priced, unavailable)),
    shippingMethodId: row.shippingMethodId,
    shippingMethods: priced.shippingMethods,
    shipping: priced.shipping
      ? { methodId: priced.shipping.methodId, name: priced.shipping.name, amount: money(priced.shipping.amount), discount: money(priced.shipping.discount), discounts: priced.shipping.discounts.map((d) => ({ ...d, amount: money(d.amount) })), tax: money(priced.shipping.tax), taxRate: priced.shipping.taxRate }
      : null,
    discounts: { applied: priced.discounts.applied.map((a) => ({ ...a, amount: money(a.amount) })), rejectedCodes: priced.discounts.rejectedCodes },
    giftCards: priced.giftCards.map((g) => ({ ...g, amount: money(g.amount) })),
    totals:
      lines.length > 0
        ? {
            subtotal: money(totals.subtotal),
            discount: money(totals.discount),
            shipping: money(totals.shipping),
            tax: money(totals.tax),
            taxIncluded: priced.pricesIncludeTax,
            total: money(totals.total),
            giftCards: money(totals.giftCards),
            amountDue: money(totals.amountDue),
          }
        : null,
    orderId: row.orderId,
    holdMinutes: holdMinutes(env),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function linesOf(db: Database, cartId: string): Promise<CartLineRow[]> {
  return db.select().from(cartLines).where(eq(cartLines.cartId, cartId)).orderBy(asc(cartLines.createdAt), asc(cartLines.id));
}

/**
 * Whether the caller may see this cart: its customer, a holder of its token, or an admin key with an
 * orders scope (carts hold shoppers' emails and addresses, like orders). Everyone else gets the same
 * 404 as for a cart that does not exist, so ids cannot be probed.
 */
async function canAccess(ctx: ServiceContext, row: CartRow): Promise<boolean> {
  if (ctx.actor.kind === "admin") return hasAnyScope(ctx.actor, ORDER_READ_SCOPES);
  if (ctx.actor.kind === "customer" && row.customerId === ctx.actor.customerId) return true;
  if (ctx.cartToken && row.tokenHash) return timingSafeEqualStrings(await sha256Hex(ctx.cartToken), row.tokenHash);
  return false;
}

export async function loadCart(ctx: ServiceContext, id: string): Promise<{ row: CartRow; lines: CartLineRow[] }> {
  const row = await ctx.db.select().from(carts).where(eq(carts.id, id)).get();
  if (!row || !(await canAccess(ctx, row))) throw notFound("Cart", id);
  return { row, lines: await linesOf(ctx.db, id) };
}

export async function loadOpenCart(ctx: ServiceContext, id: string) {
  const cart = await loadCart(ctx, id);
  if (cart.row.status !== "open") {
    throw new ServiceError("CONFLICT", `Cart '${id}' is ${cart.row.status.replace("_", " ")} and can no longer change.`, {
      extra: { cartStatus: cart.row.status, orderId: cart.row.orderId },
    });
  }
  return cart;
}

export async function getCart(ctx: ServiceContext, id: string): Promise<Cart> {
  const { row, lines } = await loadCart(ctx, id);
  const priced = await priceCart(ctx, pricingInput(row, lines));
  // A completed cart's lines are history (the order has them); only an active cart says what is gone.
  return toCart(ctx.env, row, lines, priced, row.status === "completed" || row.status === "merged" ? new Map() : priced.unavailable);
}

/** A cart line that can no longer be bought, with its position in the cart (for problem pointers). */
export interface UnavailableLine {
  index: number;
  line: CartLineRow;
  reason: UnsellableReason;
}

/** The lines whose variant was deleted or whose product was archived or unpublished since they were added. */
export async function unavailableLines(db: Database, lines: readonly CartLineRow[]): Promise<UnavailableLine[]> {
  const unavailable = await unsellableVariants(db, lines.map((l) => l.variantId));
  return lines.flatMap((line, index) => {
    const reason = unavailable.get(line.variantId);
    return reason ? [{ index, line, reason }] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Writes

export async function createCart(ctx: ServiceContext, rawInput: unknown = {}): Promise<CreatedCart> {
  const input = parseInput(CreateCartInput, rawInput);
  const id = newId("cart");
  const at = now();
  // Customers' carts are theirs by identity; only guests need a bearer secret.
  const cartToken = ctx.actor.kind === "customer" ? null : CART_TOKEN_PREFIX + randomToken(24);
  await ctx.db.insert(carts).values({
    id,
    tokenHash: cartToken ? await sha256Hex(cartToken) : null,
    customerId: ctx.actor.kind === "customer" ? ctx.actor.customerId : null,
    status: "open",
    email: input.email ?? null,
    shippingAddress: input.shippingAddress ?? null,
    billingAddress: input.billingAddress ?? null,
    marketId: input.market ? (await requireMarket(ctx, input.market, "/market")).id : null,
    shippingMethodId: input.shippingMethodId ?? null,
    createdAt: at,
    updatedAt: at,
  });
  // The new cart's own token authorises the lines added on creation.
  const owner: ServiceContext = { ...ctx, cartToken: cartToken ?? undefined };
  try {
    for (const [i, line] of (input.lines ?? []).entries()) await addLineAt(owner, id, line, `/lines/${i}`);
  } catch (error) {
    await discardCart(ctx, id);
    throw error;
  }
  return { cart: await getCart(owner, id), cartToken };
}

/** Undo a cart whose creation failed half way: its holds and rows go, so bad input writes nothing. */
async function discardCart(ctx: ServiceContext, id: string): Promise<void> {
  const skus = await ctx.db.selectDistinct({ sku: cartLines.sku }).from(cartLines).where(eq(cartLines.cartId, id));
  await Promise.all(skus.map(({ sku }) => releaseStock(ctx.env, { sku, owner: holdOwner(id) })));
  await ctx.db.batch([ctx.db.delete(cartLines).where(eq(cartLines.cartId, id)), ctx.db.delete(carts).where(eq(carts.id, id))]);
}

export async function updateCart(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Cart> {
  const input = parseInput(UpdateCartInput, rawInput);
  const { row, lines } = await loadOpenCart(ctx, id);
  const marketId = input.market ? (await requireMarket(ctx, input.market, "/market")).id : input.market;
  const next: CartRow = {
    ...row,
    ...(input.email !== undefined && { email: input.email }),
    ...(input.shippingAddress !== undefined && { shippingAddress: input.shippingAddress }),
    ...(input.billingAddress !== undefined && { billingAddress: input.billingAddress }),
    ...(marketId !== undefined && { marketId }),
    ...(input.shippingMethodId !== undefined && { shippingMethodId: input.shippingMethodId }),
  };
  const priced = await priceCart(ctx, pricingInput(next, lines));
  // A chosen method must be one that ships this cart there now (it may stop applying later: then the cheapest does).
  if (input.shippingMethodId && !priced.shippingMethods.some((m) => m.id === input.shippingMethodId)) {
    throw new ServiceError("VALIDATION_FAILED", `Shipping method '${input.shippingMethodId}' cannot ship this cart.`, {
      errors: [{ pointer: "/shippingMethodId", detail: `Choose one of: ${priced.shippingMethods.map((m) => m.id).join(", ") || "none applies"}.` }],
    });
  }
  await ctx.db
    .update(carts)
    .set({
      email: next.email,
      shippingAddress: next.shippingAddress,
      billingAddress: next.billingAddress,
      marketId: next.marketId,
      shippingMethodId: next.shippingMethodId,
      currency: lines.length > 0 ? priced.currency : row.currency,
      updatedAt: now(),
    })
    .where(and(eq(carts.id, id), eq(carts.status, "open")));
  return getCart(ctx, id);
}

/** Hold `total` units of `sku` for the cart, or explain how many the caller could still add. */
async function holdForCart(ctx: ServiceContext, cartId: string, sku: string, total: number, otherLines: number, pointer: string): Promise<void> {
  const result = await holdStock(ctx.env, { sku, owner: holdOwner(cartId), quantity: total, ttlMs: holdTtlMs(ctx.env) });
  if (!result.ok) {
    const available = Math.max(0, result.available - otherLines);
    throw new ServiceError("INSUFFICIENT_STOCK", `Only ${available} of '${sku}' ${available === 1 ? "is" : "are"} available for this line.`, {
      errors: [{ pointer, detail: `At most ${available} available.` }],
      extra: { failures: [{ sku, requested: total - otherLines, available }] },
    });
  }
}

async function variantForCart(ctx: ServiceContext, variantId: string, pointer: string) {
  try {
    const variant = await getVariant(ctx, variantId);
    const product = await getProductRecord({ ...ctx, actor: { kind: "anonymous" } }, variant.productId);
    return { variant, product };
  } catch (error) {
    if (error instanceof ServiceError && error.code === "NOT_FOUND") {
      throw new ServiceError("VALIDATION_FAILED", `Variant '${variantId}' is not for sale.`, { errors: [{ pointer, detail: "Unknown or unavailable variant." }] });
    }
    throw error;
  }
}

/** A new line's row; its price is what the pipeline resolves when it is added (and again on every read). */
function lineSnapshot(cartId: string, variant: { id: string; productId: string; sku: string; title: string }, productTitle: string, quantity: number, at: string, price = { amount: 0, currency: "" }): CartLineRow {
  return {
    id: newId("cartLine"),
    cartId,
    variantId: variant.id,
    productId: variant.productId,
    sku: variant.sku,
    title: variant.title === productTitle ? productTitle : `${productTitle} – ${variant.title}`,
    unitPrice: price.amount,
    currency: price.currency,
    quantity,
    createdAt: at,
  };
}

const sumOf = (lines: CartLineRow[], sku: string, exceptLineId?: string) =>
  lines.filter((l) => l.sku === sku && l.id !== exceptLineId).reduce((n, l) => n + l.quantity, 0);

/**
 * Every line is its own entry (two lines may carry one SKU); the cart's hold on a SKU is always the
 * sum of its lines of that SKU. Each change re-holds the SKU it touches, which also restarts the
 * hold's expiry clock.
 */
async function addLineAt(ctx: ServiceContext, cartId: string, rawInput: unknown, pointerBase = ""): Promise<void> {
  const input = parseInput(AddLineInput, rawInput);
  const { row, lines } = await loadOpenCart(ctx, cartId);
  if (lines.length >= MAX_LINES) throw new ServiceError("CONFLICT", `A cart holds at most ${MAX_LINES} lines.`);
  const { variant, product } = await variantForCart(ctx, input.variantId, `${pointerBase}/variantId`);
  // The variant must be sold in the cart's market (have a price in its currency, or a list's).
  const priced = await resolveLinePrices(ctx, pricingInput(row, [{ ...lineSnapshot(cartId, variant, product.title, input.quantity, ""), id: "new" }]));
  const line = priced.lines[0]!;
  if (line.source.kind === "none") {
    throw new ServiceError("VALIDATION_FAILED", `Variant '${variant.id}' is not sold in market '${priced.market.handle}'.`, {
      errors: [{ pointer: `${pointerBase}/variantId`, detail: `No price in ${priced.market.currency}.` }],
    });
  }
  const others = sumOf(lines, variant.sku);
  await holdForCart(ctx, cartId, variant.sku, others + input.quantity, others, `${pointerBase}/quantity`);
  const at = now();
  try {
    await ctx.db.batch([
      ctx.db.insert(cartLines).values(lineSnapshot(cartId, variant, product.title, input.quantity, at, { amount: line.unitPrice, currency: priced.market.currency })),
      ctx.db.update(carts).set({ currency: priced.market.currency, updatedAt: at }).where(eq(carts.id, cartId)),
    ]);
  } catch (error) {
    await holdStock(ctx.env, { sku: variant.sku, owner: holdOwner(cartId), quantity: others, ttlMs: holdTtlMs(ctx.env) });
    throw error;
  }
}

export async function addLine(ctx: ServiceContext, cartId: string, rawInput: unknown): Promise<Cart> {
  await addLineAt(ctx, cartId, rawInput);
  return getCart(ctx, cartId);
}

export async function updateLine(ctx: ServiceContext, cartId: string, lineId: string, rawInput: unknown): Promise<Cart> {
  const input = parseInput(UpdateLineInput, rawInput);
  const { lines } = await loadOpenCart(ctx, cartId);
  const line = lines.find((l) => l.id === lineId);
  if (!line) throw notFound("Cart line", lineId);
  const others = sumOf(lines, line.sku, line.id);
  await holdForCart(ctx, cartId, line.sku, others + input.quantity, others, "/quantity");
  const [changed] = await ctx.db.batch([
    // Only while the cart is open: a checkout that claimed it meanwhile owns its lines.
    ctx.db
      .update(cartLines)
      .set({ quantity: input.quantity })
      .where(and(eq(cartLines.id, lineId), sql`EXISTS (SELECT 1 FROM ${carts} WHERE ${carts.id} = ${cartId} AND ${carts.status} = 'open')`))
      .returning({ id: cartLines.id }),
    ctx.db.update(carts).set({ updatedAt: now() }).where(eq(carts.id, cartId)),
  ]);
  if (changed.length === 0) throw new ServiceError("CONFLICT", `Cart '${cartId}' is being checked out or was checked out; it can no longer change.`);
  return getCart(ctx, cartId);
}

export async function removeLine(ctx: ServiceContext, cartId: string, lineId: string): Promise<Cart> {
  const { lines } = await loadOpenCart(ctx, cartId);
  const line = lines.find((l) => l.id === lineId);
  if (!line) throw notFound("Cart line", lineId);
  await ctx.db.batch([
    ctx.db.delete(cartLines).where(eq(cartLines.id, lineId)),
    ctx.db.update(carts).set({ updatedAt: now() }).where(eq(carts.id, cartId)),
  ]);
  // Lowering a hold never fails; 0 releases it.
  await holdStock(ctx.env, { sku: line.sku, owner: holdOwner(cartId), quantity: sumOf(lines, line.sku, line.id), ttlMs: holdTtlMs(ctx.env) });
  return getCart(ctx, cartId);
}

// ---------------------------------------------------------------------------------------------
// Sign-in merge (called by the customers module)

/**
 * Fold a guest cart into the customer's open cart at sign-in. Without an open customer cart the
 * guest cart simply becomes the customer's. The guest token stops working either way. Lines move
 * as they are; their holds move to the customer's cart on a best-effort basis (checkout re-holds
 * authoritatively). A cart in another currency is left alone rather than mixed.
 */
export async function mergeGuestCart(ctx: ServiceContext, input: { cartToken: string; customerId: string }): Promise<void> {
  const tokenHash = await sha256Hex(input.cartToken);
  const guest = await ctx.db
    .select()
    .from(carts)
    .where(and(eq(carts.tokenHash, tokenHash), eq(carts.status, "open"), isNull(carts.customerId)))
    .get();
  if (!guest) return;
  const target = await ctx.db
    .select()
    .from(carts)
    .where(and(eq(carts.customerId, input.customerId), eq(carts.status, "open")))
    .orderBy(desc(carts.updatedAt))
    .get();
  const at = now();
  if (!target) {
    await ctx.db
      .update(carts)
      .set({ customerId: input.customerId, tokenHash: null, updatedAt: at })
      .where(and(eq(carts.id, guest.id), eq(carts.status, "open")));
    return;
  }
  const guestLines = await linesOf(ctx.db, guest.id);
  const targetLines = await linesOf(ctx.db, target.id);
  if (guestLines.length > 0 && target.currency && targetLines.length > 0 && guest.currency !== target.currency) return;
  // Every statement re-checks that the guest cart is still open: a checkout that claimed it meanwhile
  // (status checking_out) keeps its lines, and then nothing here changes.
  const guestStillOpen = sql`EXISTS (SELECT 1 FROM ${carts} WHERE ${carts.id} = ${guest.id} AND ${carts.status} = 'open')`;
  const statements: BatchItem<"sqlite">[] = [
    ctx.db.update(cartLines).set({ cartId: target.id }).where(and(eq(cartLines.cartId, guest.id), guestStillOpen)),
    ctx.db
      .update(carts)
      .set({ currency: target.currency ?? guest.currency, email: target.email ?? guest.email, updatedAt: at })
      .where(and(eq(carts.id, target.id), guestStillOpen)),
    // Codes and gift cards entered on the guest cart come along.
    moveCartCodesStatement(ctx.db, guest.id, target.id, guestStillOpen),
    moveCartGiftCardsStatement(ctx.db, guest.id, target.id, guestStillOpen),
    ctx.db
      .update(carts)
      .set({ status: "merged", tokenHash: null, updatedAt: at })
      .where(and(eq(carts.id, guest.id), eq(carts.status, "open")))
      .returning({ id: carts.id }),
  ];
  const results = await ctx.db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  if ((results.at(-1) as { id: string }[]).length === 0) return;
  const merged = [...targetLines, ...guestLines];
  for (const sku of new Set(guestLines.map((l) => l.sku))) {
    await releaseStock(ctx.env, { sku, owner: holdOwner(guest.id) });
    await holdStock(ctx.env, { sku, owner: holdOwner(target.id), quantity: sumOf(merged, sku), ttlMs: holdTtlMs(ctx.env) });
  }
}

// ---------------------------------------------------------------------------------------------
// Checkout support (used by the orders module inside its own batch)

/**
 * Claim the cart for one checkout: open -> checking_out, or take over a claim whose Worker died.
 * Exactly one concurrent caller gets the claim; the others get a 409 without touching stock.
 */
export async function claimCheckout(ctx: ServiceContext, cartId: string): Promise<string> {
  const claim = crypto.randomUUID();
  const at = new Date();
  const staleBefore = new Date(at.getTime() - CHECKOUT_LEASE_MS).toISOString();
  const claimed = await ctx.db
    .update(carts)
    .set({ status: "checking_out", checkoutClaim: claim, checkoutClaimedAt: at.toISOString() })
    .where(and(eq(carts.id, cartId), or(eq(carts.status, "open"), and(eq(carts.status, "checking_out"), lt(carts.checkoutClaimedAt, staleBefore)))))
    .returning({ id: carts.id });
  if (claimed.length === 0) {
    const row = await ctx.db.select({ status: carts.status, orderId: carts.orderId }).from(carts).where(eq(carts.id, cartId)).get();
    throw new ServiceError(
      "CONFLICT",
      row?.status === "completed" ? `Cart '${cartId}' was already checked out.` : `Cart '${cartId}' is being checked out by another request.`,
      { extra: { cartStatus: row?.status ?? null, orderId: row?.orderId ?? null } },
    );
  }
  return claim;
}

/** Give the claim back after a failed checkout, so the customer can fix the cart and retry. */
export async function releaseCheckout(ctx: ServiceContext, cartId: string, claim: string): Promise<void> {
  await reopenCheckout(ctx.db, cartId, claim);
}

/** Reopen the cart if `claim` still holds it; false when another checkout took it over or completed it. */
export async function reopenCheckout(db: Database, cartId: string, claim: string): Promise<boolean> {
  const reopened = await db
    .update(carts)
    .set({ status: "open", checkoutClaim: null, checkoutClaimedAt: null })
    .where(and(eq(carts.id, cartId), eq(carts.checkoutClaim, claim), eq(carts.status, "checking_out")))
    .returning({ id: carts.id });
  return reopened.length > 0;
}

/**
 * Checkouts whose Worker died before writing the order: carts still `checking_out` under a claim older than the
 * lease (a live checkout finishes well within it). Oldest first, with their lines. For the orders reconciler.
 */
export async function abandonedCheckouts(db: Database, now: Date, limit = 25): Promise<{ cartId: string; claim: string; lines: CartLineRow[] }[]> {
  const staleBefore = new Date(now.getTime() - CHECKOUT_LEASE_MS).toISOString();
  const rows = await db
    .select({ id: carts.id, claim: carts.checkoutClaim })
    .from(carts)
    .where(and(eq(carts.status, "checking_out"), lt(carts.checkoutClaimedAt, staleBefore)))
    .orderBy(asc(carts.checkoutClaimedAt))
    .limit(limit);
  return Promise.all(rows.filter((r) => r.claim !== null).map(async (r) => ({ cartId: r.id, claim: r.claim!, lines: await linesOf(db, r.id) })));
}

/** The statement that completes the cart, for the checkout batch that writes the order. */
export function completeCheckoutStatement(db: Database, cartId: string, orderId: string) {
  return db
    .update(carts)
    .set({ status: "completed", orderId, checkoutClaim: null, updatedAt: now() })
    .where(and(eq(carts.id, cartId), inArray(carts.status, ["checking_out"])));
}

