import type { ServiceContext } from "../../context";
import { randomToken, sha256Hex } from "../../shared/crypto";
import { isUniqueViolation } from "../../shared/db-errors";
import { ServiceError, type FieldError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { parseInput } from "../../shared/validation";
import { claimCheckout, completeCheckoutStatement, computeTotals, holdOwner, holdTtlMs, loadCart, releaseCheckout } from "../carts";
import { CheckoutInput } from "../carts/schemas";
import { eventInsert } from "../events/outbox";
import { publishAfterResponse } from "../events/relay";
import { commitHolds, holdAll, releaseStock } from "../inventory";
import { DEFAULT_PAYMENT_PROVIDER } from "../payments";
import type { PlacedOrder } from "./schemas";
import { getOrder, orderEventData, toOrder, withRetry } from "./service";
import { orderLines, orders } from "./tables";

export const ORDER_TOKEN_PREFIX = "otok_";
const NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Short human order number, e.g. ES-7K3M9QPX (40 random bits; the unique index has the last word). */
function orderNumber(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return "ES-" + [...bytes].map((b) => NUMBER_ALPHABET[b % 32]).join("");
}

/**
 * Turn a cart into an order.
 *
 * 1. Claim the cart (open -> checking_out): one checkout per cart at a time, others get 409.
 * 2. Hold every SKU (quantities of one SKU summed) all-or-nothing for the cart's owner. Stock is
 *    re-held now, whatever the cart's own holds did meanwhile (they may have expired).
 * 3. Write the order, its lines, its order.placed event and the cart's completion in ONE batch;
 *    the unique index on orders.cart_id is the last word on "one order per cart".
 * 4. Turn the holds into sales. On any failure before the batch commits, holds and claim go back.
 */
export async function checkout(ctx: ServiceContext, cartId: string, rawInput: unknown = {}): Promise<PlacedOrder> {
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
  try {
    const hold = await holdAll(ctx.env, { owner, lines: skus.map((sku) => ({ sku, quantity: quantities.get(sku)! })), ttlMs: holdTtlMs(ctx.env) });
    if (!hold.ok) {
      const list = hold.failures.map((f) => `${f.sku} (requested ${f.requested}, available ${f.available})`).join(", ");
      throw new ServiceError("INSUFFICIENT_STOCK", `Not enough stock for: ${list}.`, {
        errors: hold.failures.map((f) => ({ pointer: `/lines/${lines.findIndex((l) => l.sku === f.sku)}/quantity`, detail: `Only ${f.available} of ${f.sku} available.` })),
        extra: { failures: hold.failures },
      });
    }
    held = true;

    const at = new Date().toISOString();
    const totals = computeTotals(ctx.env, { currency: cart.currency, lines, country: shippingAddress.country });
    const orderRow = {
      id: orderId,
      number: orderNumber(),
      cartId,
      customerId: cart.customerId,
      email,
      status: "placed" as const,
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
    await ctx.db.batch([
      ctx.db.insert(orders).values(orderRow),
      ctx.db.insert(orderLines).values(lineRows),
      eventInsert(ctx.db, { type: "order.placed", resource: { type: "order", id: orderId }, data: orderEventData(placed) }, at),
      completeCheckoutStatement(ctx.db, cartId, orderId),
    ]);
  } catch (error) {
    // Another checkout of this cart committed first (only after a lease takeover): its order owns
    // the holds now, so they must stay.
    const lostRace = isUniqueViolation(error, "orders.cart_id");
    if (held && !lostRace) await Promise.all(skus.map((sku) => releaseStock(ctx.env, { sku, owner }).catch(() => undefined)));
    await releaseCheckout(ctx, cartId, claim);
    if (lostRace) throw new ServiceError("CONFLICT", `Cart '${cartId}' was already checked out.`);
    throw error;
  }

  publishAfterResponse(ctx);
  // The order exists; its holds must become sales. commitHolds is idempotent per (SKU, order).
  await withRetry(() => commitHolds(ctx.env, { owner, orderId, skus }));
  const readable: ServiceContext = { ...ctx, orderToken };
  return { order: await getOrder(readable, orderId), orderToken };
}
