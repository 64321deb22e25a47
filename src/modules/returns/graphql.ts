import { builder, MoneyRef } from "../../graphql/builder";
import { KEY_OPTIONAL, OrderRef } from "../orders/graphql";
import { withIdempotency } from "../protection/graphql";
import type { OrderReturn } from "./schemas";
import { approveReturn, listReturns, receiveReturn, rejectReturn, requestReturn } from "./service";

const ReturnLineRef = builder.objectRef<OrderReturn["lines"][number]>("ReturnLine").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    orderLineId: t.exposeID("orderLineId"),
    sku: t.exposeString("sku"),
    quantity: t.exposeInt("quantity"),
    restockedAt: t.exposeString("restockedAt", { nullable: true, description: "When the units went back to stock (once)." }),
  }),
});

const ReturnRef = builder.objectRef<OrderReturn>("Return").implement({
  description: "A return: REQUESTED -> APPROVED -> RECEIVED (units back to stock, optional refund), or REJECTED.",
  fields: (t) => ({
    id: t.exposeID("id"),
    status: t.exposeString("status", { description: "requested, approved, received or rejected." }),
    reason: t.exposeString("reason", { nullable: true }),
    requestedBy: t.exposeString("requestedBy"),
    lines: t.field({ type: [ReturnLineRef], resolve: (r) => r.lines }),
    refund: t.field({ type: MoneyRef, nullable: true, resolve: (r) => r.refund }),
    createdAt: t.exposeString("createdAt"),
  }),
});

builder.objectField(OrderRef, "returns", (t) => t.field({ type: [ReturnRef], description: "Return requests, oldest first.", resolve: (o, _args, ctx) => listReturns(ctx.services, o.id) }));

const ReturnLineInput = builder.inputType("ReturnLineInput", { fields: (t) => ({ lineId: t.id({ required: true }), quantity: t.int({ required: true }) }) });

builder.mutationFields((t) => ({
  requestReturn: t.field({
    type: ReturnRef,
    description: "The order's customer, a guest with X-Order-Token, or an admin: return fulfilled units.",
    args: { orderId: t.arg.id({ required: true }), lines: t.arg({ type: [ReturnLineInput], required: true }), reason: t.arg.string() },
    resolve: (_root, args, ctx) =>
      requestReturn(ctx.services, args.orderId, { lines: args.lines.map((l) => ({ lineId: String(l.lineId), quantity: l.quantity })), ...(args.reason != null && { reason: args.reason }) }),
  }),
  approveReturn: t.field({ type: ReturnRef, description: "Admin: requested -> approved.", args: { id: t.arg.id({ required: true }) }, resolve: (_r, args, ctx) => approveReturn(ctx.services, args.id) }),
  rejectReturn: t.field({ type: ReturnRef, description: "Admin: requested -> rejected.", args: { id: t.arg.id({ required: true }) }, resolve: (_r, args, ctx) => rejectReturn(ctx.services, args.id) }),
  receiveReturn: t.field({
    type: ReturnRef,
    description: "Admin: approved -> received; units back to stock exactly once; `refund: true` refunds the lines.",
    args: { id: t.arg.id({ required: true }), refund: t.arg.boolean(), idempotencyKey: t.arg.string({ description: KEY_OPTIONAL }) },
    resolve: (_r, args, ctx) => {
      const input = args.refund != null ? { refund: args.refund } : {};
      const run = () => receiveReturn(ctx.services, args.id, input, args.idempotencyKey);
      return args.idempotencyKey ? withIdempotency(ctx.services, { operation: `receiveReturn:${args.id}`, key: args.idempotencyKey, input }, run) : run();
    },
  }),
}));
