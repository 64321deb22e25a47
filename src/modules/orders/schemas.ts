import { z } from "@hono/zod-openapi";
import { Money, PageCursor, PageLimit, Timestamp } from "../../shared/schemas";
import { Address, AppliedDiscount, Totals } from "../carts";
import { PaymentAttempt } from "../payments";
import { PriceSource } from "../pricing";
import { OrderRisk } from "../risk";
import { fulfillmentStatuses, orderChangeKinds, orderStatuses, paymentStatuses } from "./tables";

export const OrderStatus = z.enum(orderStatuses).openapi("OrderStatus", {
  description:
    "on_hold -> placed (an admin approves after risk review); placed -> paid -> fulfilled; on_hold, placed or paid -> cancelled; paid -> refunded. Checkout creates `placed` orders, or `on_hold` ones when the risk score asks for a review.",
});
export type OrderStatus = z.infer<typeof OrderStatus>;

export const PaymentStatus = z.enum(paymentStatuses).openapi("OrderPaymentStatus", {
  description:
    "Derived from the order's payment attempts: pending (nothing yet) -> requires_action (3-D Secure) -> authorized -> paid or partially_paid (a partial capture) -> partially_refunded -> refunded; voided (authorisation released), failed (declined; the storefront may retry), not_required (nothing due).",
});
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const FulfillmentStatus = z.enum(fulfillmentStatuses).openapi("OrderFulfillmentStatus", {
  description: "Derived from the order's fulfilments: unfulfilled -> partially_fulfilled -> fulfilled (every unit of every line).",
});
export type FulfillmentStatus = z.infer<typeof FulfillmentStatus>;

export const OrderLine = z
  .object({
    id: z.string(),
    variantId: z.string(),
    productId: z.string(),
    sku: z.string(),
    title: z.string(),
    quantity: z.number().int(),
    unitPrice: Money.openapi({ description: "Price snapshot at checkout." }),
    compareAtPrice: Money.nullable(),
    // A union, not .nullable(): a nullable $ref renders as an allOf that typed clients cannot satisfy.
    priceSource: z.union([PriceSource, z.null()]).openapi({ description: "Why this price; null for orders placed before markets." }),
    discounts: z.array(AppliedDiscount).openapi({ description: "Discounts allocated to this line (for refunds and returns)." }),
    lineTotal: Money.openapi({ description: "unitPrice x quantity minus the line's discounts." }),
    tax: z.union([Money, z.null()]).openapi({ description: "Tax of this line (included or on top, per `totals.taxIncluded`); null for orders placed before markets." }),
    taxRate: z.number().int().nullable().openapi({ description: "Basis points." }),
  })
  .openapi("OrderLine");
export type OrderLine = z.infer<typeof OrderLine>;

export const Payment = z
  .object({
    id: z.string(),
    provider: z.string().openapi({ example: "manual" }),
    kind: z.enum(["capture", "refund"]),
    amount: Money,
    reference: z.string(),
    createdAt: Timestamp,
  })
  .openapi("Payment");
export type Payment = z.infer<typeof Payment>;

export const Order = z
  .object({
    id: z.string().openapi({ example: "ord_01jd4x..." }),
    number: z.string().openapi({ example: "ES-7K3M9QPX", description: "Human order number to quote to support." }),
    status: OrderStatus,
    paymentStatus: PaymentStatus,
    fulfillmentStatus: FulfillmentStatus,
    cartId: z.string(),
    customerId: z.string().nullable(),
    email: z.string(),
    lines: z.array(OrderLine),
    totals: Totals,
    market: z
      .object({ id: z.string(), handle: z.string(), name: z.string(), currency: z.string(), pricesIncludeTax: z.boolean() })
      .nullable()
      .openapi({ description: "The market it was sold in; null for orders placed before markets." }),
    shipping: z
      .object({ methodId: z.string(), name: z.string(), amount: Money, discount: Money, discounts: z.array(AppliedDiscount), tax: Money, taxRate: z.number().int() })
      .nullable()
      .openapi({ description: "The shipping method it was priced with; null for orders placed before markets." }),
    discounts: z.array(z.object({ promotionId: z.string(), code: z.string().nullable(), title: z.string(), amount: Money })).openapi({ description: "Promotions applied at checkout." }),
    giftCards: z
      .array(z.object({ giftCardId: z.string(), kind: z.enum(["gift_card", "store_credit"]), last4: z.string(), amount: Money.openapi({ description: "What it paid of this order." }) }))
      .openapi({ description: "Gift cards and store credit that paid part of the order, in the order applied (totals.amountDue is what is left for the payment)." }),
    amountDue: Money.openapi({ description: "What the customer pays through the payment provider: the total less gift cards and store credit (the same as totals.amountDue)." }),
    shippingAddress: Address,
    billingAddress: z.union([Address, z.null()]),
    paymentProvider: z.string(),
    payments: z.array(Payment).openapi({ description: "Captures and refunds (the shape before payment attempts existed); see `paymentAttempts` for everything." }),
    paymentAttempts: z.array(PaymentAttempt).openapi({
      description: "One per payment attempt (a Stripe PaymentIntent, or a manual payment) with its history. The storefront confirms with the newest attempt's `clientSecret` and finishes `requires_action` with Stripe.js.",
    }),
    risk: z.union([OrderRisk, z.null()]),
    stockCommittedAt: Timestamp.nullable().openapi({
      description: "When the order's stock holds became sales. Null for a moment after checkout, or until the every-minute reconciliation finishes a commit that failed.",
    }),
    stockReturnedAt: Timestamp.nullable().openapi({ description: "Cancelled orders: when their stock went back. Null otherwise, or until reconciliation finishes." }),
    placedAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Order");
export type Order = z.infer<typeof Order>;

export const PlacedOrder = z
  .object({
    order: Order,
    orderToken: z
      .string()
      .openapi({ description: "Lets a guest read this order later as `X-Order-Token` (the cart token works too). Shown once." }),
  })
  .openapi("PlacedOrder");
export type PlacedOrder = z.infer<typeof PlacedOrder>;

export const ListOrdersInput = z
  .object({
    limit: PageLimit,
    cursor: PageCursor,
    status: OrderStatus.optional(),
    customerId: z.string().min(1).max(64).optional().openapi({ description: "Admin only." }),
    placedFrom: z.iso.datetime().optional().openapi({ description: "Placed at or after (RFC 3339)." }),
    placedTo: z.iso.datetime().optional().openapi({ description: "Placed before (RFC 3339)." }),
  })
  .strict();
export type ListOrdersInput = z.input<typeof ListOrdersInput>;

export const MarkPaidInput = z
  .object({ reference: z.string().trim().min(1).max(200).optional().openapi({ description: "e.g. the bank transfer reference." }) })
  .strict()
  .openapi("MarkPaidInput");
export type MarkPaidInput = z.input<typeof MarkPaidInput>;

export const OrderFeedEvent = z
  .object({
    id: z.string().openapi({ example: "evt_01jd4x...", description: "The event id (also SSE's `id:`, so `Last-Event-ID` resumes after it)." }),
    type: z.string().openapi({ example: "order.placed", description: "order.placed, order.paid, order.fulfilled, order.cancelled, order.refunded." }),
    sequence: z.number().int().openapi({ description: "1, 2, 3… per order: apply one order's events in this order." }),
    position: z.number().int().openapi({ description: "Global commit position; events arrive in increasing position. Pass as `after` to resume." }),
    timestamp: Timestamp,
    data: z.record(z.string(), z.unknown()).openapi({ description: "The order event payload (see /asyncapi.json): id, number, status, customerId, email, total, lines." }),
  })
  .openapi("OrderFeedEvent");
export type OrderFeedEvent = z.infer<typeof OrderFeedEvent>;

export const FeedQuery = z
  .object({
    after: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Resume after this event id or position. Streams without it start with new events; polling without it returns the whole buffer (the last 500 order events)." }),
    ticket: z.string().min(1).max(128).optional().openapi({ description: "A single-use ticket from `POST /v1/orders/feed/tickets`, for clients that cannot send `Authorization`." }),
    limit: PageLimit,
  })
  .strict();

export const FeedPage = z
  .object({
    data: z.array(OrderFeedEvent),
    next_cursor: z.string().openapi({ description: "Pass as `after` to continue; repeat until `data` is empty." }),
    gap: z.boolean().openapi({ description: "True when events after your cursor left the buffer before you asked: reload orders with GET /v1/orders." }),
  })
  .openapi("OrderFeedPage");
export type FeedPage = z.infer<typeof FeedPage>;

export const FeedTicket = z
  .object({
    ticket: z.string().openapi({ description: "Pass as `?ticket=` when opening the feed. Single-use." }),
    expiresAt: Timestamp,
  })
  .openapi("OrderFeedTicket");

export const OrderNoteInput = z.object({ body: z.string().trim().min(1).max(2000) }).strict().openapi("OrderNoteInput");
export const OrderNote = z.object({ id: z.string(), body: z.string(), author: z.string(), createdAt: Timestamp }).openapi("OrderNote");
export type OrderNote = z.infer<typeof OrderNote>;

export const TimelineEntry = z
  .object({
    at: Timestamp,
    kind: z.enum(["placed", ...orderChangeKinds]).openapi({ description: "placed, status, payment, fulfillment, return or note." }),
    actor: z.string().openapi({ description: "`admin:<key id>`, `customer:<id>`, `guest`, `provider:stripe`, `system`." }),
    summary: z.string(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("OrderTimelineEntry");
export type TimelineEntry = z.infer<typeof TimelineEntry>;
