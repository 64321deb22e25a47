import type { ServiceContext } from "../../context";
import { randomToken, sha256Hex } from "../../shared/crypto";
import { isUniqueViolation } from "../../shared/db-errors";
import { ServiceError, type FieldError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { parseInput } from "../../shared/validation";
import { claimCheckout, completeCheckoutStatement, computeTotals, holdOwner, holdTtlMs, loadCart, releaseCheckout, type Address, type CartLineRow } from "../carts";
import { CheckoutInput } from "../carts/schemas";
import { accountCreatedAt } from "../customers";
import { eventInsert } from "../events/outbox";
import { publishAfterResponse } from "../events/relay";
import { holdAll, holdStock } from "../inventory";
import { DEFAULT_PAYMENT_PROVIDER } from "../payments";
import { assessmentInsert, riskMode, riskRejected, scoreCheckout, type RiskAssessment } from "../risk";
import type { PlacedOrder } from "./schemas";
import { getOrder, orderEventData, toOrder } from "./service";
import { CHECKOUT_HOLD_MS, inventoryStock, settleOrTellTheCron, type StockPort } from "./stock";
import { orderLines, orders } from "./tables";

export const ORDER_TOKEN_PREFIX = "otok_";
const NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Short human order number, e.g. ES-7K3M9QPX (40 random bits; the unique index has the last word). */
function orderNumber(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return "ES-" + [...bytes].map((b) => NUMBER_ALPHABET[b % 32]).join("");
}

/** Seams for tests; production passes nothing. */
export interface CheckoutOptions {
  /** The inventory calls that settle the order's stock after its batch (tests make them fail). */
  stock?: StockPort;
}

/**
 * Turn a cart into an order.
 *
 * 1. Claim the cart (open -> checking_out): one checkout per cart at a time, others get 409.
 * 2. In parallel: hold every SKU (quantities of one SKU summed) all-or-nothing for the cart's
 *    owner, re-held now whatever the cart's own holds did meanwhile; and score the checkout's risk
 *    (which records it in the velocity counters). Short stock wins over a risk decision.
 * 3. Risk: reject -> RISK_REJECTED, nothing written; review -> the order is written `on_hold`
 *    (event order.held) for an admin; approve -> `placed` (event order.placed).
 * 4. Write the order, its lines, its risk assessment, its first event and the cart's completion in
 *    ONE batch; the unique index on orders.cart_id is the last word on "one order per cart".
 * 5. Turn the holds into sales (settleOrderStock). On any failure before the batch commits, holds
 *    and claim go back; a failure after it is left to the cron, the order stands.
 */
export async function checkout(ctx: ServiceContext, cartId: string, rawInput: unknown = {}, options: CheckoutOptions = {}): Promise<PlacedOrder> {
  const input = parseInput(CheckoutInput, rawInput);
  const { row: cart, lines } = await loadCart(ctx, cartId);
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
  if (missing.length > 0 || !email || !shippingAddress || !cart.currency) {
    throw new ServiceError("VALIDATION_FAILED", "The cart is not ready for checkout.", { errors: missing });
  }

  const claim = await claimCheckout(ctx, cartId);
  const owner = holdOwner(cartId);
  const quantities = new Map<string, number>();
  for (const l of lines) quantities.set(l.sku, (quantities.get(l.sku) ?? 0) + l.quantity);
  const skus = [...quantities.keys()];
  let held = false;
  const orderId = newId("order");
  const orderToken = ORDER_TOKEN_PREFIX + randomToken(24);
  const totals = computeTotals(ctx.env, { currency: cart.currency, lines, country: shippingAddress.country });
  try {
    const [holding, scoring] = await Promise.allSettled([
      holdAll(ctx.env, { owner, lines: skus.map((sku) => ({ sku, quantity: quantities.get(sku)! })), ttlMs: CHECKOUT_HOLD_MS }),
      assessCheckout(ctx, { customerId: cart.customerId, email, shippingAddress, billingAddress, lines, total: totals.total }),
    ]);
    if (holding.status === "rejected") throw holding.reason;
    const hold = holding.value;
    held = hold.ok;
    if (!hold.ok) {
      const list = hold.failures.map((f) => `${f.sku} (requested ${f.requested}, available ${f.available})`).join(", ");
      throw new ServiceError("INSUFFICIENT_STOCK", `Not enough stock for: ${list}.`, {
        errors: hold.failures.map((f) => ({ pointer: `/lines/${lines.findIndex((l) => l.sku === f.sku)}/quantity`, detail: `Only ${f.available} of ${f.sku} available.` })),
        extra: { failures: hold.failures },
      });
    }
    // Scoring failed (a counter object unreachable): fail closed, nothing written; the client may retry.
    if (scoring.status === "rejected") throw scoring.reason;
    const assessment = scoring.value;
    const mode = riskMode(ctx.env);
    if (mode === "enforce" && assessment.decision === "reject") {
      console.warn(JSON.stringify({ level: "warn", msg: "checkout rejected by risk", requestId: ctx.requestId, cartId, score: assessment.score, reasons: assessment.reasons.map((r) => r.feature), modelVersion: assessment.modelVersion }));
      throw riskRejected(assessment);
    }
    const status = mode === "enforce" && assessment.decision === "review" ? ("on_hold" as const) : ("placed" as const);

    const at = new Date().toISOString();
    const orderRow = {
      id: orderId,
      number: orderNumber(),
      cartId,
      customerId: cart.customerId,
      email,
      status,
      version: 0,
      currency: cart.currency,
      subtotal: totals.subtotal.amount,
      shipping: totals.shipping.amount,
      tax: totals.tax.amount,
      total: totals.total.amount,
      shippingAddress,
      billingAddress,
      orderTokenHash: await sha256Hex(orderToken),
      cartTokenHash: cart.tokenHash,
      paymentProvider: DEFAULT_PAYMENT_PROVIDER,
      placedAt: at,
      updatedAt: at,
      stockCommittedAt: null,
      stockReturnedAt: null,
    };
    const lineRows = lines.map((l, position) => ({
      id: newId("orderLine"),
      orderId,
      position,
      variantId: l.variantId,
      productId: l.productId,
      sku: l.sku,
      title: l.title,
      unitPrice: l.unitPrice,
      quantity: l.quantity,
      lineTotal: l.unitPrice * l.quantity,
    }));
    const placed = toOrder(orderRow, lineRows, []);
    // A held order is announced as order.held; order.placed follows when an admin approves it, so
    // a consumer of order.placed (fulfilment, the recommender) never acts on an order under review.
    const type = status === "on_hold" ? "order.held" : "order.placed";
    await ctx.db.batch([
      ctx.db.insert(orders).values(orderRow),
      ctx.db.insert(orderLines).values(lineRows),
      assessmentInsert(ctx.db, orderId, assessment, mode, at),
      eventInsert(ctx.db, { type, resource: { type: "order", id: orderId }, data: orderEventData(placed) }, at),
      completeCheckoutStatement(ctx.db, cartId, orderId),
    ]);
  } catch (error) {
    // Another checkout of this cart committed first (only after a lease takeover): its order owns
    // the holds now, so they must stay.
    const lostRace = isUniqueViolation(error, "orders.cart_id");
    // Checkout held the cart's own quantities for longer: give the cart back its ordinary holds
    // (same quantities, the cart's expiry) rather than dropping them, so a declined or failed
    // checkout does not cost the shopper the units in the cart.
    if (held && !lostRace) {
      await Promise.all(
        skus.map((sku) => holdStock(ctx.env, { sku, owner, quantity: quantities.get(sku)!, ttlMs: holdTtlMs(ctx.env) }).catch(() => undefined)),
      );
    }
    await releaseCheckout(ctx, cartId, claim);
    if (lostRace) throw new ServiceError("CONFLICT", `Cart '${cartId}' was already checked out.`);
    throw error;
  }

  publishAfterResponse(ctx);
  // The order exists; its holds must become sales. If that fails here, the cron finishes it
  // (orders.stock_committed_at stays null until it does); the hold lasts CHECKOUT_HOLD_MS.
  await settleOrTellTheCron(ctx.env, ctx.db, orderId, options.stock ?? inventoryStock);
  const readable: ServiceContext = { ...ctx, orderToken };
  return { order: await getOrder(readable, orderId), orderToken };
}

/** What the risk scorer is told about this checkout, including where the request came from. */
async function assessCheckout(
  ctx: ServiceContext,
  input: { customerId: string | null; email: string; shippingAddress: Address; billingAddress: Address | null; lines: CartLineRow[]; total: { amount: number; currency: string } },
): Promise<RiskAssessment> {
  return scoreCheckout(ctx, {
    customerId: input.customerId,
    email: input.email,
    ip: ctx.clientIp ?? null,
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
