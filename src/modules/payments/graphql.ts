import { builder, MoneyRef } from "../../graphql/builder";
import { getOrder } from "../orders";
import { KEY_OPTIONAL, KEY_REQUIRED, OrderRef } from "../orders/graphql";
import { withIdempotency } from "../protection/graphql";
import type { PaymentAttempt, PaymentOperation } from "./schemas";
import { capturePayment, refreshPayment, refundPayment, retryPayment, voidPayment } from "./service";

const PaymentOperationRef = builder.objectRef<PaymentOperation>("PaymentOperation").implement({
  description: "One thing that happened to a payment: authorize, capture, refund, void, fail, requires_action, dispute.",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.exposeString("kind"),
    amount: t.field({ type: MoneyRef, resolve: (o) => o.amount }),
    reference: t.exposeString("reference", { description: "The provider's id (Stripe re_…, pi_…, dp_…) or the manual reference." }),
    actor: t.exposeString("actor", { description: "admin:<key id>, provider:stripe, system." }),
    reason: t.exposeString("reason", { nullable: true }),
    createdAt: t.exposeString("createdAt"),
  }),
});

const PaymentAttemptRef = builder.objectRef<PaymentAttempt>("PaymentAttempt").implement({
  description: "One payment attempt of an order (a Stripe PaymentIntent, or a manual payment) with its history.",
  fields: (t) => ({
    id: t.exposeID("id"),
    provider: t.exposeString("provider"),
    providerReference: t.exposeString("providerReference", { nullable: true, description: "Stripe: the PaymentIntent id." }),
    status: t.exposeString("status", { description: "pending, requires_action (finish 3-D Secure with Stripe.js handleNextAction), authorized, succeeded, canceled, failed." }),
    captureMethod: t.exposeString("captureMethod"),
    amount: t.field({ type: MoneyRef, resolve: (a) => a.amount }),
    authorized: t.field({ type: MoneyRef, resolve: (a) => a.authorized }),
    captured: t.field({ type: MoneyRef, resolve: (a) => a.captured }),
    refunded: t.field({ type: MoneyRef, resolve: (a) => a.refunded }),
    clientSecret: t.exposeString("clientSecret", { nullable: true, description: "For Stripe.js confirmPayment: the order's customer or guest sees it while the attempt awaits them." }),
    nextAction: t.exposeString("nextAction", { nullable: true }),
    lastError: t.exposeString("lastError", { nullable: true }),
    disputed: t.exposeBoolean("disputed"),
    operations: t.field({ type: [PaymentOperationRef], resolve: (a) => a.operations }),
    createdAt: t.exposeString("createdAt"),
  }),
});

builder.objectField(OrderRef, "paymentAttempts", (t) =>
  t.field({ type: [PaymentAttemptRef], description: "One per payment attempt, oldest first; the storefront confirms with the newest one's clientSecret.", resolve: (o) => o.paymentAttempts }),
);

const RefundLineInput = builder.inputType("RefundLineInput", {
  fields: (t) => ({ lineId: t.id({ required: true }), quantity: t.int({ required: true }) }),
});

builder.mutationFields((t) => ({
  captureOrderPayment: t.field({
    type: OrderRef,
    description: "Admin (orders:write): capture an authorised payment, all or `amount` (a partial capture releases the rest). The key is passed on to Stripe.",
    args: { id: t.arg.id({ required: true }), amount: t.arg.int(), idempotencyKey: t.arg.string({ description: KEY_REQUIRED }) },
    resolve: (_root, args, ctx) => {
      const input = args.amount == null ? {} : { amount: args.amount };
      return withIdempotency(ctx.services, { operation: `captureOrderPayment:${args.id}`, key: args.idempotencyKey, input }, async () => {
        await capturePayment(ctx.services, args.id, input, args.idempotencyKey);
        return getOrder(ctx.services, args.id);
      });
    },
  }),
  voidOrderPayment: t.field({
    type: OrderRef,
    description: "Admin (orders:write): release the authorisation (cancel open PaymentIntents).",
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: KEY_REQUIRED }) },
    resolve: (_root, args, ctx) =>
      withIdempotency(ctx.services, { operation: `voidOrderPayment:${args.id}`, key: args.idempotencyKey, input: {} }, async () => {
        await voidPayment(ctx.services, args.id, args.idempotencyKey);
        return getOrder(ctx.services, args.id);
      }),
  }),
  refundOrderPayment: t.field({
    type: OrderRef,
    description:
      "Admin (orders:write): refund `amount`, or `lines` (price and tax share), or everything left. Never more than captured minus refunded, also under concurrent requests (CONFLICT with `refundable`). The key is passed on to Stripe.",
    args: {
      id: t.arg.id({ required: true }),
      amount: t.arg.int(),
      lines: t.arg({ type: [RefundLineInput] }),
      reason: t.arg.string(),
      idempotencyKey: t.arg.string({ description: KEY_REQUIRED }),
    },
    resolve: (_root, args, ctx) => {
      const input = {
        ...(args.amount != null && { amount: args.amount }),
        ...(args.lines && { lines: args.lines.map((l) => ({ lineId: String(l.lineId), quantity: l.quantity })) }),
        ...(args.reason != null && { reason: args.reason }),
      };
      return withIdempotency(ctx.services, { operation: `refundOrderPayment:${args.id}`, key: args.idempotencyKey, input }, async () => {
        await refundPayment(ctx.services, args.id, input, args.idempotencyKey);
        return getOrder(ctx.services, args.id);
      });
    },
  }),
  retryOrderPayment: t.field({
    type: OrderRef,
    description: "Storefront (the order's customer or guest): a new payment attempt after a failed or voided one.",
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: KEY_OPTIONAL }) },
    resolve: async (_root, args, ctx) => {
      const run = async () => {
        await retryPayment(ctx.services, args.id);
        return getOrder(ctx.services, args.id);
      };
      return args.idempotencyKey ? withIdempotency(ctx.services, { operation: `retryOrderPayment:${args.id}`, key: args.idempotencyKey, input: {} }, run) : run();
    },
  }),
  refreshOrderPayment: t.field({
    type: OrderRef,
    description: "Storefront: read the PaymentIntent from Stripe now (after confirming or finishing 3-D Secure) instead of waiting for the webhook.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await refreshPayment(ctx.services, args.id);
      return getOrder(ctx.services, args.id);
    },
  }),
}));
