import { builder } from "../../graphql/builder";
import { getOrder } from "../orders";
import { KEY_OPTIONAL, OrderRef } from "../orders/graphql";
import { withIdempotency } from "../protection/graphql";
import type { Fulfillment } from "./schemas";
import { createFulfillment, fulfillmentsOf, fulfilOrder } from "./service";

const FulfillmentLineRef = builder.objectRef<Fulfillment["lines"][number]>("FulfillmentLine").implement({
  fields: (t) => ({ orderLineId: t.exposeID("orderLineId"), sku: t.exposeString("sku"), title: t.exposeString("title"), quantity: t.exposeInt("quantity") }),
});

const FulfillmentRef = builder.objectRef<Fulfillment>("Fulfillment").implement({
  description: "A shipment of some of an order's units, with the carrier's tracking.",
  fields: (t) => ({
    id: t.exposeID("id"),
    carrier: t.exposeString("carrier", { nullable: true }),
    trackingNumber: t.exposeString("trackingNumber", { nullable: true }),
    trackingUrl: t.exposeString("trackingUrl", { nullable: true }),
    lines: t.field({ type: [FulfillmentLineRef], resolve: (f) => f.lines }),
    createdAt: t.exposeString("createdAt"),
  }),
});

builder.objectField(OrderRef, "fulfillments", (t) =>
  t.field({ type: [FulfillmentRef], description: "Shipments with tracking, oldest first.", resolve: async (o, _args, ctx) => (await fulfillmentsOf(ctx.services.db, [o.id])).get(o.id) ?? [] }),
);

const FulfillmentLineInput = builder.inputType("FulfillmentLineInput", {
  fields: (t) => ({ lineId: t.id({ required: true }), quantity: t.int({ required: true }) }),
});

builder.mutationFields((t) => ({
  createFulfillment: t.field({
    type: FulfillmentRef,
    description:
      "Admin (orders:write): ship `lines` (default: every unit left) with tracking. The order must be paid, or placed with its payment authorised. Emits fulfillment.created, and order.fulfilled when every unit is shipped.",
    args: {
      orderId: t.arg.id({ required: true }),
      lines: t.arg({ type: [FulfillmentLineInput] }),
      carrier: t.arg.string(),
      trackingNumber: t.arg.string(),
      trackingUrl: t.arg.string(),
      idempotencyKey: t.arg.string({ description: KEY_OPTIONAL }),
    },
    resolve: (_root, args, ctx) => {
      const input = {
        ...(args.lines && { lines: args.lines.map((l) => ({ lineId: String(l.lineId), quantity: l.quantity })) }),
        ...(args.carrier != null && { carrier: args.carrier }),
        ...(args.trackingNumber != null && { trackingNumber: args.trackingNumber }),
        ...(args.trackingUrl != null && { trackingUrl: args.trackingUrl }),
      };
      const run = () => createFulfillment(ctx.services, args.orderId, input);
      return args.idempotencyKey ? withIdempotency(ctx.services, { operation: `createFulfillment:${args.orderId}`, key: args.idempotencyKey, input }, run) : run();
    },
  }),
  fulfilOrder: t.field({
    type: OrderRef,
    description: "Admin: paid -> fulfilled, every unit left in one fulfilment without tracking.",
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: KEY_OPTIONAL }) },
    resolve: (_root, args, ctx) => {
      const run = async () => {
        await fulfilOrder(ctx.services, args.id);
        return getOrder(ctx.services, args.id);
      };
      return args.idempotencyKey ? withIdempotency(ctx.services, { operation: `fulfilOrder:${args.id}`, key: args.idempotencyKey, input: {} }, run) : run();
    },
  }),
}));
