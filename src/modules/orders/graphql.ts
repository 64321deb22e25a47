import { orNull } from "../../graphql/errors";
import { builder, dropNulls, MoneyRef } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import { withIdempotency } from "../protection/graphql";
import { AddressInput, AddressRef, addressInput, AppliedGiftCardRef, AppliedPromotionRef, CartMarketRef, CartShippingRef, PurchaseLineRef, TotalsRef } from "../carts/graphql";
import { OrderRiskRef } from "../risk/graphql";
import { checkout } from "./checkout";
import type { Order, OrderLine, OrderNote, Payment, PlacedOrder, TimelineEntry } from "./schemas";
import { paymentStatuses, type PaymentStatus } from "./tables";
import * as orders from "./service";

const OrderStatusEnum = builder.enumType("OrderStatus", {
  description: "ON_HOLD -> PLACED (admin approval after risk review); PLACED -> PAID -> FULFILLED; ON_HOLD, PLACED or PAID -> CANCELLED; PAID -> REFUNDED.",
  values: {
    ON_HOLD: { value: "on_hold", description: "Held by checkout for risk review; an admin approves (-> PLACED) or cancels it." },
    PLACED: { value: "placed" },
    PAID: { value: "paid" },
    FULFILLED: { value: "fulfilled" },
    CANCELLED: { value: "cancelled", description: "Stock returned." },
    REFUNDED: { value: "refunded" },
  } as const,
});

const PaymentStatusEnum = builder.enumType("OrderPaymentStatus", {
  description: "Derived from the order's payment attempts (see REST OrderPaymentStatus).",
  values: Object.fromEntries(paymentStatuses.map((v) => [v.toUpperCase(), { value: v }])) as Record<Uppercase<PaymentStatus>, { value: PaymentStatus }>,
});

const FulfillmentStatusEnum = builder.enumType("OrderFulfillmentStatus", {
  description: "Derived from the order's fulfilments: UNFULFILLED -> PARTIALLY_FULFILLED -> FULFILLED.",
  values: { UNFULFILLED: { value: "unfulfilled" }, PARTIALLY_FULFILLED: { value: "partially_fulfilled" }, FULFILLED: { value: "fulfilled" } } as const,
});

const OrderNoteRef = builder.objectRef<OrderNote>("OrderNote").implement({
  fields: (t) => ({ id: t.exposeID("id"), body: t.exposeString("body"), author: t.exposeString("author"), createdAt: t.exposeString("createdAt") }),
});

const TimelineEntryRef = builder.objectRef<TimelineEntry>("OrderTimelineEntry").implement({
  description: "One thing that happened to an order: placement, a transition (lifecycle, payment, fulfilment, return) or a note.",
  fields: (t) => ({
    at: t.exposeString("at"),
    kind: t.exposeString("kind", { description: "placed, status, payment, fulfillment, return or note." }),
    actor: t.exposeString("actor", { description: "admin:<key id>, customer:<id>, guest, provider:stripe, system." }),
    summary: t.exposeString("summary"),
    detail: t.string({ nullable: true, description: "JSON details (statuses before and after, amounts, ids, tracking).", resolve: (e) => (e.detail ? JSON.stringify(e.detail) : null) }),
  }),
});

const OrderLineRef = builder.objectRef<OrderLine>("OrderLine").implement({
  description: "What was bought, with its price snapshot at checkout.",
  interfaces: [PurchaseLineRef],
  fields: () => ({}),
});

const PaymentKindEnum = builder.enumType("PaymentKind", { values: { CAPTURE: { value: "capture" }, REFUND: { value: "refund" } } as const });

const PaymentRef = builder.objectRef<Payment>("Payment").implement({
  description: "A capture or refund recorded by the order's payment provider.",
  fields: (t) => ({
    id: t.exposeID("id"),
    provider: t.exposeString("provider"),
    kind: t.field({ type: PaymentKindEnum, resolve: (p) => p.kind }),
    amount: t.field({ type: MoneyRef, resolve: (p) => p.amount }),
    reference: t.exposeString("reference"),
    createdAt: t.exposeString("createdAt"),
  }),
});

export { KEY_OPTIONAL, KEY_REQUIRED };
export const OrderRef = builder.objectRef<Order>("Order").implement({
  description: "An order placed from a cart.",
  fields: (t) => ({
    id: t.exposeID("id"),
    number: t.exposeString("number", { description: "Human order number, e.g. ES-7K3M9QPX." }),
    status: t.field({ type: OrderStatusEnum, resolve: (o) => o.status }),
    paymentStatus: t.field({ type: PaymentStatusEnum, resolve: (o) => o.paymentStatus }),
    fulfillmentStatus: t.field({ type: FulfillmentStatusEnum, resolve: (o) => o.fulfillmentStatus }),
    amountDue: t.field({ type: MoneyRef, description: "What the customer pays through the payment provider.", resolve: (o) => o.amountDue }),
    timeline: t.field({
      type: [TimelineEntryRef],
      nullable: true,
      description: "Admins (orders:read): everything that happened, oldest first; null for others.",
      resolve: (o, _args, ctx) => orNull(() => orders.orderTimeline(ctx.services, o.id)),
    }),
    cartId: t.exposeID("cartId"),
    customerId: t.exposeID("customerId", { nullable: true }),
    email: t.exposeString("email"),
    lines: t.field({ type: [OrderLineRef], resolve: (o) => o.lines }),
    totals: t.field({ type: TotalsRef, resolve: (o) => o.totals }),
    market: t.field({ type: CartMarketRef, nullable: true, description: "The market it was sold in (null for orders placed before markets).", resolve: (o) => o.market }),
    shipping: t.field({ type: CartShippingRef, nullable: true, description: "The shipping method it was priced with (null for orders placed before markets).", resolve: (o) => o.shipping }),
    discounts: t.field({ type: [AppliedPromotionRef], description: "Promotions applied at checkout.", resolve: (o) => o.discounts }),
    giftCards: t.field({ type: [AppliedGiftCardRef], description: "Gift cards and store credit applied at checkout.", resolve: (o) => o.giftCards }),
    shippingAddress: t.field({ type: AddressRef, resolve: (o) => o.shippingAddress }),
    billingAddress: t.field({ type: AddressRef, nullable: true, resolve: (o) => o.billingAddress }),
    paymentProvider: t.exposeString("paymentProvider"),
    payments: t.field({ type: [PaymentRef], resolve: (o) => o.payments }),
    risk: t.field({
      type: OrderRiskRef,
      nullable: true,
      description: "The checkout's fraud assessment and any admin review. Admins only: null for customers and guests (and for orders placed before risk scoring).",
      resolve: (o) => o.risk,
    }),
    stockCommittedAt: t.exposeString("stockCommittedAt", { nullable: true, description: "When the stock holds became sales; null until then (reconciled every minute)." }),
    stockReturnedAt: t.exposeString("stockReturnedAt", { nullable: true, description: "Cancelled orders: when their stock went back." }),
    placedAt: t.exposeString("placedAt"),
    updatedAt: t.exposeString("updatedAt"),
  }),
});

const CheckoutPayloadRef = builder.objectRef<PlacedOrder>("CheckoutPayload").implement({
  fields: (t) => ({
    order: t.field({ type: OrderRef, resolve: (p) => p.order }),
    orderToken: t.exposeString("orderToken", { description: "Lets a guest read the order later (header `X-Order-Token`). Shown once." }),
  }),
});

const KEY_REQUIRED =
  "Required. A unique value per operation (e.g. a UUID): retrying with the same key and arguments returns the first result; other arguments give IDEMPOTENCY_KEY_REUSED; while the first runs, IDEMPOTENCY_KEY_IN_USE. Scoped to the caller, kept 24 hours.";
const KEY_OPTIONAL = "Optional; makes a retry safe (same semantics as on the other mutations).";

builder.queryFields((t) => ({
  order: t.field({
    type: OrderRef,
    nullable: true,
    description: "An order you may see (admins: any; customers: their own; guests: with X-Order-Token or X-Cart-Token); null otherwise.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => orNull(() => orders.getOrder(ctx.services, args.id)),
  }),
  ordersAwaitingReview: t.connection({
    type: OrderRef,
    description: "Admin (orders:read): orders ON_HOLD for risk review, newest first, each with its `risk`. Approve with approveOrder, refuse with cancelOrder.",
    resolve: async (_root, args, ctx) => toConnection(await orders.listOrders(ctx.services, { ...forwardArgs(args), status: "on_hold" })),
  }),
  orders: t.connection({
    type: OrderRef,
    description: "Admins: all orders, filtered, newest first. Customers: their own.",
    args: {
      status: t.arg({ type: OrderStatusEnum }),
      customerId: t.arg.id({ description: "Admin only." }),
      placedFrom: t.arg.string({ description: "Placed at or after (RFC 3339)." }),
      placedTo: t.arg.string({ description: "Placed before (RFC 3339)." }),
    },
    resolve: async (_root, args, ctx) => {
      const { first, after, last, before, ...filters } = args;
      return toConnection(await orders.listOrders(ctx.services, { ...forwardArgs({ first, after, last, before }), ...dropNulls(filters) }));
    },
  }),
}));

builder.mutationFields((t) => ({
  checkout: t.field({
    type: CheckoutPayloadRef,
    description:
      "Turn a cart into an order, all or nothing across SKUs; at most one order per cart. Not enough stock: INSUFFICIENT_STOCK with `failures` (sku, requested, available) in extensions. Every checkout is scored for fraud risk first: a review decision places the order ON_HOLD for an admin; a reject fails with RISK_REJECTED (`riskScore`, `riskModelVersion`, `riskReasons` in extensions) and writes nothing. A line whose variant was deleted or whose product was archived fails with LINES_UNAVAILABLE (`unavailableLines` in extensions). Retrying with the same idempotencyKey returns the same order, with its orderToken, also after a crash.",
    args: {
      cartId: t.arg.id({ required: true }),
      idempotencyKey: t.arg.string({ description: KEY_REQUIRED }),
      email: t.arg.string({ description: "Overrides the cart's email." }),
      shippingAddress: t.arg({ type: AddressInput, description: "Overrides the cart's shipping address." }),
      billingAddress: t.arg({ type: AddressInput }),
      deviceId: t.arg.string({
        description: "Optional: the storefront's stable id of the shopper's device or browser (first-party cookie, app install id). Used, hashed, by the risk scorer only.",
      }),
    },
    resolve: (_root, args, ctx) => {
      const input = dropNulls({ email: args.email, shippingAddress: addressInput(args.shippingAddress), billingAddress: addressInput(args.billingAddress), deviceId: args.deviceId });
      return withIdempotency(ctx.services, { operation: `checkout:${args.cartId}`, key: args.idempotencyKey, input }, () =>
        checkout(ctx.services, args.cartId, input, { idempotencyKey: args.idempotencyKey ?? undefined }),
      );
    },
  }),
  markOrderPaid: t.field({
    type: OrderRef,
    description: "Admin: record a manual payment (placed -> paid).",
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: KEY_REQUIRED }), reference: t.arg.string() },
    resolve: (_root, args, ctx) => {
      const input = dropNulls({ reference: args.reference });
      return withIdempotency(ctx.services, { operation: `markOrderPaid:${args.id}`, key: args.idempotencyKey, input }, () =>
        orders.markPaid(ctx.services, args.id, input),
      );
    },
  }),
  approveOrder: t.field({
    type: OrderRef,
    description: "Admin (orders:write): approve an order held for risk review, ON_HOLD -> PLACED (event order.placed). Recorded on `risk.review` with your API key id.",
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: KEY_OPTIONAL }) },
    resolve: (_root, args, ctx) =>
      args.idempotencyKey
        ? withIdempotency(ctx.services, { operation: `approveOrder:${args.id}`, key: args.idempotencyKey, input: {} }, () => orders.approveOrder(ctx.services, args.id))
        : orders.approveOrder(ctx.services, args.id),
  }),
  cancelOrder: t.field({
    type: OrderRef,
    description: "Admin: on_hold, placed or paid -> cancelled; stock returns exactly once, a paid order is refunded. Cancelling a held order records the risk review.",
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: KEY_REQUIRED }) },
    resolve: (_root, args, ctx) =>
      withIdempotency(ctx.services, { operation: `cancelOrder:${args.id}`, key: args.idempotencyKey, input: {} }, () => orders.cancelOrder(ctx.services, args.id, { idempotencyKey: args.idempotencyKey ?? null })),
  }),
  refundOrder: t.field({
    type: OrderRef,
    description: "Admin: paid -> refunded, everything captured goes back through the payment provider (the key is passed on to it). Partial refunds: refundOrderPayment.",
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: KEY_REQUIRED }) },
    resolve: (_root, args, ctx) =>
      withIdempotency(ctx.services, { operation: `refundOrder:${args.id}`, key: args.idempotencyKey, input: {} }, () => orders.refundOrder(ctx.services, args.id, { idempotencyKey: args.idempotencyKey ?? null })),
  }),
  addOrderNote: t.field({
    type: OrderNoteRef,
    description: "Admin (orders:write): a note on the order's timeline.",
    args: { id: t.arg.id({ required: true }), body: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => orders.addOrderNote(ctx.services, args.id, { body: args.body }),
  }),
}));
