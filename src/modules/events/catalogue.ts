import { z } from "zod";
import type { EventType } from "./outbox";

/**
 * The event catalogue: the `data` of every event type, the one definition from which the
 * AsyncAPI document (/asyncapi.json) is generated. Producers' `eventInsert` data must match.
 * Money is integer minor units plus ISO 4217 currency, as everywhere in the API.
 */
const Money = z.object({ amount: z.number().int().min(0), currency: z.string().regex(/^[A-Z]{3}$/) }).meta({ id: "Money", description: "Integer minor units plus ISO 4217 currency." });
const Timestamp = z.string().meta({ description: "RFC 3339 UTC timestamp.", examples: ["2026-11-26T09:30:00.000Z"] });

const OrderLine = z.object({
  sku: z.string(),
  variantId: z.string(),
  productId: z.string(),
  quantity: z.number().int().min(1),
  unitPrice: Money,
});

const Order = z.object({
  id: z.string().meta({ description: "Order id (`ord_…`)." }),
  number: z.union([z.string(), z.number().int()]).meta({ description: "Human order number." }),
  status: z.string(),
  customerId: z.string().nullable(),
  email: z.string(),
  total: Money,
  lines: z.array(OrderLine).optional().meta({ description: "Always present on order.placed." }),
  paymentStatus: z.string().optional().meta({ description: "The order's payment status after the change (see OrderPaymentStatus in /openapi.json)." }),
  fulfillmentStatus: z.string().optional().meta({ description: "The order's fulfilment status after the change." }),
});

const Payment = z.object({
  id: z.string().meta({ description: "Payment attempt id (`pay_…`)." }),
  orderId: z.string(),
  orderNumber: z.string(),
  email: z.string(),
  provider: z.string().meta({ description: "`stripe` or `manual`." }),
  status: z.string().meta({ description: "The attempt's status after the change: pending, requires_action, authorized, succeeded, canceled, failed." }),
  amount: Money.meta({ description: "The amount this event is about (captured, refunded, authorised…)." }),
  captured: Money.meta({ description: "Captured on the attempt so far." }),
  refunded: Money.meta({ description: "Refunded on the attempt so far." }),
  reference: z.string().optional().meta({ description: "The provider's id of the refund (`re_…`) or the manual reference." }),
  reason: z.string().nullable().optional(),
  lines: z.array(z.object({ lineId: z.string(), quantity: z.number().int(), amount: z.number().int() })).nullable().optional().meta({ description: "Refunds by lines." }),
  nextAction: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
});

const FulfillmentLine = z.object({ orderLineId: z.string(), sku: z.string(), title: z.string(), quantity: z.number().int().min(1) });

const Return = z.object({
  id: z.string().meta({ description: "Return id (`ret_…`)." }),
  orderId: z.string(),
  orderNumber: z.string(),
  status: z.enum(["requested", "approved", "received", "rejected"]),
  reason: z.string().nullable(),
  lines: z.array(z.object({ orderLineId: z.string(), sku: z.string(), quantity: z.number().int().min(1) })),
  refund: Money.nullable().optional().meta({ description: "received: the refund made on receipt, if any." }),
});

const Promotion = z.object({
  id: z.string().meta({ description: "Promotion id (`promo_…`)." }),
  title: z.string(),
  trigger: z.enum(["automatic", "code"]),
  status: z.enum(["active", "disabled"]),
  codes: z.array(z.string()).meta({ description: "Its discount codes (upper-case); empty for automatic promotions." }),
  startsAt: Timestamp.nullable(),
  endsAt: Timestamp.nullable(),
});

const Stock = z.object({
  sku: z.string(),
  available: z.number().int().meta({ description: "On hand minus reserved." }),
  onHand: z.number().int(),
});

const PriceList = z.object({
  id: z.string().meta({ description: "Price list id (`prl_…`)." }),
  name: z.string(),
  status: z.enum(["active", "draft"]),
  currency: z.string(),
  marketId: z.string().nullable(),
  customerGroupId: z.string().nullable(),
  startsAt: Timestamp.nullable(),
  endsAt: Timestamp.nullable(),
  changed: z.array(z.string()).meta({ description: "price_list.updated: the changed settings, or `prices`." }),
});

export const eventCatalogue = {
  "order.placed": {
    summary:
      "An order was placed and may be fulfilled: at checkout when risk scoring approved it, or when an admin approved an order held for review (then after order.held). Emitted once per order.",
    data: Order.extend({ lines: z.array(OrderLine) }),
  },
  "order.held": {
    summary:
      "Checkout placed an order on hold (status on_hold) because its risk score needs an admin's review. Its stock is taken; do not fulfil it. order.placed follows if an admin approves it, order.cancelled if not.",
    data: Order.extend({ lines: z.array(OrderLine) }),
  },
  "order.paid": { summary: "Payment for an order was captured.", data: Order },
  "order.fulfilled": { summary: "Every unit of every line of an order was shipped or handed over (after one or more fulfillment.created).", data: Order },
  "order.cancelled": { summary: "An order was cancelled; its stock went back.", data: Order },
  "order.refunded": { summary: "Everything captured for an order went back (partial refunds: payment.refunded).", data: Order },
  "product.created": {
    summary: "A product was created.",
    data: z.object({ id: z.string(), slug: z.string(), title: z.string(), status: z.enum(["draft", "active", "archived"]) }),
  },
  "product.updated": {
    summary: "A product or one of its variants changed. Fetch the product for its current state.",
    data: z.object({
      id: z.string(),
      changed: z.array(z.string()).meta({ description: "Names of the changed fields; `variants` when a variant was added, changed or removed." }),
      variantId: z.string().optional().meta({ description: "The variant concerned, for variant changes." }),
    }),
  },
  "product.deleted": { summary: "A product was deleted.", data: z.object({ id: z.string(), slug: z.string() }) },
  "inventory.low": { summary: "Available stock of a SKU fell to the low-stock threshold (LOW_STOCK_THRESHOLD, default 5) or below.", data: Stock },
  "inventory.out_of_stock": { summary: "Available stock of a SKU reached zero.", data: Stock },
  "customer.created": { summary: "A customer signed up.", data: z.object({ id: z.string(), email: z.string(), createdAt: Timestamp }) },
  "promotion.created": { summary: "A promotion (automatic, or with discount codes) was created.", data: Promotion },
  "promotion.updated": {
    summary: "A promotion changed: its rule, conditions, window, limits, status or codes. Fetch it for every detail.",
    data: Promotion.extend({ changed: z.array(z.string()).meta({ description: "Names of the changed fields; `codes` when codes were added or removed." }) }),
  },
  "promotion.deleted": { summary: "A promotion that was never redeemed was deleted, with its codes.", data: z.object({ id: z.string() }) },
  "price.changed": {
    summary: "A variant's base price in one currency was set, changed or removed (amount null). Catalog reads in markets of that currency show it at once.",
    data: z.object({
      variantId: z.string(),
      productId: z.string(),
      currency: z.string().regex(/^[A-Z]{3}$/),
      amount: z.number().int().min(0).nullable().meta({ description: "Minor units; null when the price was removed." }),
      compareAtAmount: z.number().int().min(0).nullable(),
    }),
  },
  "price_list.created": { summary: "A price list was created (with its first prices, if any).", data: PriceList },
  "price_list.updated": { summary: "A price list's settings or prices changed (`changed` names which; `prices` for its prices).", data: PriceList },
  "price_list.deleted": { summary: "A price list was deleted; its prices no longer apply.", data: PriceList },
  "customer.password_reset_requested": {
    summary: "A customer asked to reset their password. The email with the single-use link is sent by the notifications handler; the link (its token) is in no event.",
    data: z.object({ customerId: z.string(), email: z.string(), requestedAt: Timestamp }),
  },
  "payment.authorized": { summary: "The provider authorised a payment (Stripe: the PaymentIntent requires capture). Capture it with POST /v1/orders/{id}/capture.", data: Payment },
  "payment.requires_action": { summary: "The customer must finish the payment (3-D Secure); the storefront does it with the attempt's client secret.", data: Payment },
  "payment.captured": { summary: "Money was captured (all, or part of, what was authorised); the order's paymentStatus is paid or partially_paid.", data: Payment },
  "payment.refunded": { summary: "Money went back to the customer (partial or full, by amount or by lines, by an admin, a cancellation, a return, or at the provider).", data: Payment },
  "payment.voided": { summary: "An authorisation or an unpaid PaymentIntent was released (cancelled).", data: Payment },
  "payment.failed": { summary: "The payment was declined; the storefront may start a new attempt.", data: Payment },
  "payment.disputed": { summary: "The customer's bank disputed a charge (Stripe charge.dispute.created).", data: Payment },
  "fulfillment.created": {
    summary: "Some of an order's units were shipped or handed over, with the carrier's tracking. order.fulfilled follows when every unit is.",
    data: z.object({
      id: z.string().meta({ description: "Fulfilment id (`ful_…`)." }),
      orderId: z.string(),
      orderNumber: z.string(),
      email: z.string(),
      carrier: z.string().nullable(),
      trackingNumber: z.string().nullable(),
      trackingUrl: z.string().nullable(),
      lines: z.array(FulfillmentLine),
      fulfillmentStatus: z.enum(["partially_fulfilled", "fulfilled"]),
    }),
  },
  "return.requested": { summary: "A customer or an admin asked to return units of an order.", data: Return },
  "return.approved": { summary: "An admin approved a return: the customer may send the units.", data: Return },
  "return.rejected": { summary: "An admin rejected a return.", data: Return },
  "return.received": { summary: "The returned units arrived and went back to stock (exactly once); refunded on receipt if asked.", data: Return },
} satisfies Record<EventType, { summary: string; data: z.ZodType }>;

/** The body every webhook and every pull-API item carries: `{ type, timestamp, data }`. */
export function envelopeSchema<T extends EventType>(type: T) {
  return z.object({ type: z.literal(type), timestamp: Timestamp, data: eventCatalogue[type].data });
}
