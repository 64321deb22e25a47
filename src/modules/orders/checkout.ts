import type { ServiceContext } from "../../context";
import { randomToken, sha256Hex } from "../../shared/crypto";
import { isUniqueViolation } from "../../shared/db-errors";
import { ServiceError, type FieldError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { log } from "../../shared/log";
import { parseInput } from "../../shared/validation";
import {
  assertPurchasable,
  claimCheckout,
  completeCheckoutStatement,
  holdOwner,
  holdTtlMs,
  loadCart,
  priceCart,
  pricingInput,
  releaseCheckout,
  unavailableLines,
  type Address,
  type CartLineRow,
  type PricedCart,
} from "../carts";
import { CheckoutInput } from "../carts";
import { accountCreatedAt } from "../customers";
import { eventInsert, publishAfterResponse } from "../events";
import { assertGiftCardsPay, chargeStatements, giftCardProblem } from "../gift-cards";
import { holdAll, holdStock, releaseStock } from "../inventory";
import { configuredProvider, startPayment } from "../payments";
import { assertCodesStillApply, customerKeyOf, redemptionStatements, usageLimitProblem } from "../promotions";
import { assessmentInsert, riskMode, riskRejected, scoreCheckout, type RiskAssessment } from "../risk";
import type { PlacedOrder } from "./schemas";
import { getOrder, orderEventData, toOrder } from "./service";
import { replayable, replayCheckout } from "./checkout-replay";
import { attemptOwner, CHECKOUT_HOLD_MS, inventoryStock, settleOrTellTheCron, type StockPort } from "./stock";
import { orderLines, orders } from "./tables";

export const ORDER_TOKEN_PREFIX = "otok_";
const NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Short human order number, e.g. ES-7K3M9QPX (40 random bits; the unique index has the last word). */
function orderNumber(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return "ES-" + [...bytes].map((b) => NUMBER_ALPHABET[b % 32]).join("");
}

export interface CheckoutOptions {
  /**
   * The request's Idempotency-Key. Stored (hashed, with the cart id) on the order: a retry with the same key
   * after a crash, when the key's stored response is gone, gets the order back as a replay (checkout-replay.ts).
   */
  idempotencyKey?: string | undefined;
  /** Seam for tests: the inventory calls that settle the order's stock after its batch (tests make them fail). */
  stock?: StockPort;
}

/**
 * Turn a cart into an order.
 *
 * 0. A cart already checked out with the same Idempotency-Key answers with its order (a replay after a crash).
 * 1. Claim the cart (open -> checking_out): one checkout per cart at a time, others get 409. Every line must
 *    still be sellable (variant not deleted, product active), or LINES_UNAVAILABLE names the lines.
 *    Price it with the pricing pipeline (priceForCheckout): what the order stores and charges.
 * 2. In parallel: hold every SKU (quantities of one SKU summed) all-or-nothing for this checkout attempt,
 *    taking over the cart's holds (and those of an attempt whose lease expired) in the same inventory
 *    transaction; and score the checkout's risk (which records it in the velocity counters). Short stock wins
 *    over a risk decision. If the Worker dies before the order is written, the cron gives the attempt's holds
 *    back to the cart and reopens it (abandoned.ts) once the claim's lease has expired.
 * 3. Risk: reject -> RISK_REJECTED, nothing written; review -> the order is written `on_hold`
 *    (event order.held) for an admin; approve -> `placed` (event order.placed).
 * 4. Write the order, its lines, its risk assessment, its first event, its promotion redemptions
 *    and gift-card charges (under their usage-limit and balance CHECKs) and the cart's completion in
 *    ONE batch; the unique index on orders.cart_id is the last word on "one order per cart".
 * 5. Turn the holds into sales (settleOrderStock). On any failure before the batch commits, holds
 *    and claim go back; a failure after it is left to the cron, the order stands.
 */
export async function checkout(ctx: ServiceContext, cartId: string, rawInput: unknown = {}, options: CheckoutOptions = {}): Promise<PlacedOrder> {
  const input = parseInput(CheckoutInput, rawInput);
  const { row: cart, lines } = await loadCart(ctx, cartId);
  const replayed = await replayCheckout(ctx, cart, options.idempotencyKey);
  if (replayed) return replayed;
  const ready = readiness(cartId, cart, lines, input);

  const claim = await claimCheckout(ctx, cartId);
  // A claim that was taken over (its Worker died) may still hold stock under its attempt: take that over too.
  const previousAttempt = cart.status === "checking_out" && cart.checkoutClaim ? [attemptOwner(cart.checkoutClaim)] : [];
  const stock: HeldStock = { owner: attemptOwner(claim), from: [holdOwner(cartId), ...previousAttempt], quantities: quantitiesBySku(lines), held: false };
  const orderToken = ORDER_TOKEN_PREFIX + randomToken(24);
  let orderId: string;
  let codes: string[] = [];
  try {
    await assertSellable(ctx, lines);
    const priced = await priceForCheckout(ctx, cart, lines, ready);
    codes = priced.discounts.applied.flatMap((a) => (a.code ? [a.code] : []));
    const pricedLines = lines.map((l, i) => ({ ...l, unitPrice: priced.lines[i]!.unitPrice, currency: priced.currency }));
    const assessment = await holdAndScore(ctx, stock, { ...ready, customerId: cart.customerId, lines: pricedLines, total: { amount: priced.totals.total, currency: priced.currency } });
    const mode = riskMode(ctx.env);
    if (mode === "enforce" && assessment.decision === "reject") {
      log.warn("checkout rejected by risk", { requestId: ctx.requestId, cartId, score: assessment.score, reasons: assessment.reasons.map((r) => r.feature), modelVersion: assessment.modelVersion });
      throw riskRejected(assessment);
    }
    const status = mode === "enforce" && assessment.decision === "review" ? ("on_hold" as const) : ("placed" as const);
    const at = new Date().toISOString();
    const forReplay = await replayable(ctx, cartId, orderToken, options.idempotencyKey);
    const { orderRow, lineRows } = await orderRows({ cartId, cart, lines, ready, priced, status, orderToken, at, paymentProvider: configuredProvider(ctx.env), extra: { holdOwner: stock.owner, ...forReplay } });
    orderId = orderRow.id;
    const placed = toOrder(orderRow, lineRows, null);
    // A held order is announced as order.held; order.placed follows when an admin approves it, so
    // a consumer of order.placed (fulfilment, the recommender) never acts on an order under review.
    const type = status === "on_hold" ? "order.held" : "order.placed";
    await ctx.db.batch([
      ctx.db.insert(orders).values(orderRow),
      ctx.db.insert(orderLines).values(lineRows),
      ...spendingStatements(ctx, { orderId, customerId: cart.customerId, email: ready.email, priced, at }),
      assessmentInsert(ctx.db, orderId, assessment, mode, at),
      eventInsert(ctx.db, { type, resource: { type: "order", id: orderId }, data: orderEventData(placed) }, at),
      completeCheckoutStatement(ctx.db, cartId, orderId),
    ]);
  } catch (error) {
    // A usage limit or a gift-card balance taken by a concurrent checkout: a 409 the shopper can act on.
    throw await rollback(ctx, cartId, claim, stock, usageLimitProblem(error, codes) ?? giftCardProblem(error) ?? error);
  }

  publishAfterResponse(ctx);
  // The order exists; its holds must become sales. If that fails here, the cron finishes it
  // (orders.stock_committed_at stays null until it does); the hold lasts CHECKOUT_HOLD_MS.
  await settleOrTellTheCron(ctx.env, ctx.db, orderId, options.stock ?? inventoryStock);
  // The payment step (payments module): a PaymentIntent for the amount due when the order's
  // provider is remote. Its failure leaves the order standing with a failed attempt to retry.
  await startPayment(ctx, orderId).catch((error: unknown) => log.error("payment not started", { requestId: ctx.requestId, orderId, error: String(error) }));
  const readable: ServiceContext = { ...ctx, orderToken };
  return { order: await getOrder(readable, orderId), orderToken };
}

type CartRow = Awaited<ReturnType<typeof loadCart>>["row"];

/** What a checkout needs beyond the cart's lines, from the request or the cart. */
interface Readiness {
  email: string;
  shippingAddress: Address;
  billingAddress: Address | null;
  /** The storefront's device id for the risk scorer (optional). */
  deviceId: string | null;
}

/** 1. The cart can be checked out: not already completed, not empty, with an email and a shipping address. */
function readiness(cartId: string, cart: CartRow, lines: readonly CartLineRow[], input: CheckoutInput): Readiness {
  if (cart.status === "completed") {
    throw new ServiceError("CONFLICT", `Cart '${cartId}' was already checked out.`, { extra: { cartStatus: cart.status, orderId: cart.orderId } });
  }
  const email = input.email ?? cart.email;
  const shippingAddress = input.shippingAddress ?? cart.shippingAddress;
  const billingAddress = input.billingAddress ?? cart.billingAddress ?? null;
  const missing: FieldError[] = [];
  if (lines.length === 0) missing.push({ pointer: "/lines", detail: "The cart is empty." });
  if (!email) missing.push({ pointer: "/email", detail: "An email is required, on the cart or in the checkout request." });
  if (!shippingAddress) missing.push({ pointer: "/shippingAddress", detail: "A shipping address is required." });
  if (missing.length > 0 || !email || !shippingAddress) {
    throw new ServiceError("VALIDATION_FAILED", "The cart is not ready for checkout.", { errors: missing });
  }
  return { email, shippingAddress, billingAddress, deviceId: input.deviceId ?? null };
}

/**
 * The pricing step: the cart priced by the pipeline (contracts/pricing-and-checkout.md) for the
 * checkout's address at this moment. Lines without a price in the market, or a destination no shipping
 * method serves, are a 400 naming them. The order stores this snapshot.
 */
async function priceForCheckout(ctx: ServiceContext, cart: CartRow, lines: readonly CartLineRow[], ready: Readiness): Promise<PricedCart> {
  const priced = await priceCart(ctx, pricingInput(cart, lines, { shippingAddress: ready.shippingAddress, email: ready.email }));
  assertPurchasable(priced);
  // What the shopper saw applied must still apply: a vanished code or an unusable card is a 409.
  assertCodesStillApply(priced.discounts.rejectedCodes);
  assertGiftCardsPay(priced.giftCards);
  return priced;
}

/**
 * The order's promotion uses and gift-card charges, for its own batch: written under CHECKs on the
 * usage counters and balances, so a limit or balance that a concurrent checkout used up fails the
 * whole batch (turned into a 409 by the caller). Nothing is reserved before, nothing to release after.
 */
function spendingStatements(ctx: ServiceContext, args: { orderId: string; customerId: string | null; email: string; priced: PricedCart; at: string }) {
  const { orderId, priced, at } = args;
  const customerKey = customerKeyOf({ customerId: args.customerId, email: args.email })!;
  const applied = priced.discounts.applied.map((a) => ({ promotionId: a.promotionId, code: a.code ?? undefined, amount: a.amount }));
  return [
    ...redemptionStatements(ctx.db, { orderId, customerKey, currency: priced.currency, applied, at }),
    ...chargeStatements(ctx.db, { orderId, charges: priced.giftCards.map((g) => ({ giftCardId: g.giftCardId, amount: g.amount })), at }),
  ];
}

/**
 * The checkout's stock holds: owned by the attempt (`owner`), taken over from the cart and any abandoned attempt
 * (`from`); quantities of one SKU summed, and whether they are held (for the rollback).
 */
interface HeldStock {
  owner: string;
  from: string[];
  quantities: Map<string, number>;
  held: boolean;
}

/** 1b. Every line can still be bought: a deleted variant or an archived product is refused, naming the lines. */
async function assertSellable(ctx: ServiceContext, lines: readonly CartLineRow[]): Promise<void> {
  const unavailable = await unavailableLines(ctx.db, lines);
  if (unavailable.length === 0) return;
  const why = { variant_deleted: "its variant was deleted", product_archived: "its product was archived", product_draft: "its product is no longer published" };
  throw new ServiceError("LINES_UNAVAILABLE", `${unavailable.map((u) => `'${u.line.title}' (${u.line.sku})`).join(", ")} can no longer be bought; remove ${unavailable.length === 1 ? "it" : "them"} from the cart.`, {
    errors: unavailable.map((u) => ({ pointer: `/lines/${u.index}`, detail: `Line ${u.line.id} (${u.line.sku}): ${why[u.reason]}.` })),
    extra: { unavailableLines: unavailable.map((u) => ({ lineId: u.line.id, variantId: u.line.variantId, sku: u.line.sku, title: u.line.title, reason: u.reason })) },
  });
}

function quantitiesBySku(lines: readonly CartLineRow[]): Map<string, number> {
  const quantities = new Map<string, number>();
  for (const l of lines) quantities.set(l.sku, (quantities.get(l.sku) ?? 0) + l.quantity);
  return quantities;
}

/**
 * 2. In parallel: hold every SKU all-or-nothing and score the checkout's risk. Short stock wins
 * over a risk decision; a scoring failure (a counter object unreachable) fails closed.
 */
async function holdAndScore(
  ctx: ServiceContext,
  stock: HeldStock,
  checkout: Readiness & { customerId: string | null; lines: CartLineRow[]; total: { amount: number; currency: string } },
): Promise<RiskAssessment> {
  const lines = [...stock.quantities].map(([sku, quantity]) => ({ sku, quantity }));
  const [holding, scoring] = await Promise.allSettled([holdAll(ctx.env, { owner: stock.owner, lines, ttlMs: CHECKOUT_HOLD_MS, absorb: stock.from }), assessCheckout(ctx, checkout)]);
  if (holding.status === "rejected") throw holding.reason;
  const hold = holding.value;
  stock.held = hold.ok;
  if (!hold.ok) {
    const list = hold.failures.map((f) => `${f.sku} (requested ${f.requested}, available ${f.available})`).join(", ");
    throw new ServiceError("INSUFFICIENT_STOCK", `Not enough stock for: ${list}.`, {
      errors: hold.failures.map((f) => ({ pointer: `/lines/${checkout.lines.findIndex((l) => l.sku === f.sku)}/quantity`, detail: `Only ${f.available} of ${f.sku} available.` })),
      extra: { failures: hold.failures },
    });
  }
  // Scoring failed (a counter object unreachable): fail closed, nothing written; the client may retry.
  if (scoring.status === "rejected") throw scoring.reason;
  return scoring.value;
}

/** 3. The order's row and its lines: the priced cart's snapshot. */
async function orderRows(args: {
  cartId: string;
  cart: CartRow;
  lines: readonly CartLineRow[];
  ready: Readiness;
  priced: PricedCart;
  status: "placed" | "on_hold";
  orderToken: string;
  at: string;
  /** Who holds the stock, and what a replay of this checkout needs. */
  extra: { holdOwner: string; checkoutKeyHash: string | null; orderTokenSealed: string | null };
  paymentProvider: string;
}) {
  const { cart, ready, priced, at } = args;
  const { totals, market } = priced;
  const orderId = newId("order");
  const orderRow = {
    id: orderId,
    number: orderNumber(),
    cartId: args.cartId,
    customerId: cart.customerId,
    email: ready.email,
    status: args.status,
    // Gift cards and store credit paying everything leave nothing for a payment provider.
    paymentStatus: totals.amountDue === 0 ? ("not_required" as const) : ("pending" as const),
    fulfillmentStatus: "unfulfilled" as const,
    version: 0,
    currency: priced.currency,
    subtotal: totals.subtotal,
    shipping: totals.shipping,
    tax: totals.tax,
    total: totals.total,
    discount: totals.discount,
    giftCards: totals.giftCards,
    amountDue: totals.amountDue,
    pricesIncludeTax: priced.pricesIncludeTax,
    marketId: market.id,
    pricing: {
      market: { id: market.id, handle: market.handle, name: market.name, currency: market.currency, pricesIncludeTax: market.pricesIncludeTax },
      taxExempt: priced.taxExempt,
      shipping: priced.shipping && { methodId: priced.shipping.methodId, name: priced.shipping.name, amount: priced.shipping.amount, discount: priced.shipping.discount, discounts: priced.shipping.discounts, tax: priced.shipping.tax, taxRate: priced.shipping.taxRate },
      discounts: priced.discounts.applied,
      // What each card paid (a card that paid nothing is not on the order).
      giftCards: priced.giftCards.filter((g) => g.amount > 0).map((g) => ({ giftCardId: g.giftCardId, kind: g.kind, last4: g.last4, amount: g.amount })),
    },
    shippingAddress: ready.shippingAddress,
    billingAddress: ready.billingAddress,
    orderTokenHash: await sha256Hex(args.orderToken),
    cartTokenHash: cart.tokenHash,
    paymentProvider: args.paymentProvider,
    placedAt: at,
    updatedAt: at,
    stockCommittedAt: null,
    stockReturnedAt: null,
    ...args.extra,
  };
  const lineRows = args.lines.map((l, position) => {
    const p = priced.lines[position]!;
    return {
      id: newId("orderLine"),
      orderId,
      position,
      variantId: l.variantId,
      productId: l.productId,
      sku: l.sku,
      title: l.title,
      unitPrice: p.unitPrice,
      quantity: l.quantity,
      lineTotal: p.lineTotal,
      compareAtPrice: p.compareAtPrice,
      priceSource: p.source,
      discount: p.discount,
      discounts: p.discounts,
      tax: p.tax,
      taxRate: p.taxRate,
    };
  });
  return { orderRow, lineRows };
}

/**
 * 4. A checkout that failed before its batch committed gives back what it took: the cart's own
 * holds and the claim. Returns the error to throw.
 */
async function rollback(ctx: ServiceContext, cartId: string, claim: Awaited<ReturnType<typeof claimCheckout>>, stock: HeldStock, error: unknown): Promise<unknown> {
  // Another checkout of this cart committed first (only after a lease takeover): its order has its own
  // holds, so this attempt's go.
  const lostRace = isUniqueViolation(error, "orders.cart_id");
  // Checkout held the cart's own quantities for longer, under its attempt: give the cart back its ordinary
  // holds (same quantities, the cart's expiry) rather than dropping them, so a declined or failed checkout
  // does not cost the shopper the units in the cart. Failing that, the cron does it (abandoned.ts).
  if (stock.held) {
    await Promise.all(
      [...stock.quantities].map(([sku, quantity]) =>
        (lostRace ? releaseStock(ctx.env, { sku, owner: stock.owner }) : holdStock(ctx.env, { sku, owner: holdOwner(cartId), quantity, ttlMs: holdTtlMs(ctx.env), absorb: [stock.owner] })).catch(
          () => undefined,
        ),
      ),
    );
  }
  await releaseCheckout(ctx, cartId, claim);
  return lostRace ? new ServiceError("CONFLICT", `Cart '${cartId}' was already checked out.`) : error;
}

/** What the risk scorer is told about this checkout, including where the request came from. */
async function assessCheckout(
  ctx: ServiceContext,
  input: { customerId: string | null; email: string; deviceId: string | null; shippingAddress: Address; billingAddress: Address | null; lines: CartLineRow[]; total: { amount: number; currency: string } },
): Promise<RiskAssessment> {
  return scoreCheckout(ctx, {
    customerId: input.customerId,
    email: input.email,
    ip: ctx.clientIp ?? null,
    deviceId: input.deviceId,
    cf: ctx.clientNetwork ?? null,
    shippingAddress: input.shippingAddress,
    billingAddress: input.billingAddress,
    lines: input.lines.map((l) => ({ sku: l.sku, productId: l.productId, quantity: l.quantity, unitPrice: { amount: l.unitPrice, currency: l.currency } })),
    total: input.total,
    accountCreatedAt: input.customerId ? await accountCreatedAt(ctx.db, input.customerId) : null,
    // The manual provider has no payment method to fingerprint; a card provider would pass its fingerprint.
    paymentFingerprint: null,
  });
}
