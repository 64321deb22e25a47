import { builder, DeletedRef, dropNulls, MoneyRef } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import type { RateBand } from "./tables";
import type { ShippingMethod, ShippingOption, ShippingZone } from "./schemas";
import * as shipping from "./service";

export const ShippingOptionRef = builder.objectRef<ShippingOption>("ShippingOption").implement({
  description: "A way to ship this cart, with its price for this cart (before shipping discounts).",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    amount: t.field({ type: MoneyRef, resolve: (o) => o.amount }),
    free: t.exposeBoolean("free", { description: "Made free by the method's free-over threshold." }),
  }),
});

const ShippingZoneRef = builder.objectRef<ShippingZone>("ShippingZone").implement({
  description: "Countries a shop ships to; `*` stands for every country no other zone lists.",
  fields: (t) => ({ id: t.exposeID("id"), name: t.exposeString("name"), countries: t.exposeStringList("countries") }),
});

const RateBandRef = builder.objectRef<RateBand>("ShippingRateBand").implement({
  fields: (t) => ({
    upTo: t.exposeInt("upTo", { nullable: true, description: "Inclusive bound: grams (weight) or minor units (subtotal); null: no limit." }),
    amount: t.exposeInt("amount"),
  }),
});

const ShippingMethodKindEnum = builder.enumType("ShippingMethodKind", {
  values: { FLAT: { value: "flat" }, WEIGHT: { value: "weight", description: "Bands of cart weight (grams)." }, SUBTOTAL: { value: "subtotal", description: "Bands of the merchandise subtotal." } } as const,
});

const ShippingMethodRef = builder.objectRef<ShippingMethod>("ShippingMethod").implement({
  description: "A way to ship to a zone, priced in one currency: flat, by weight bands or by subtotal bands, optionally free over a threshold.",
  fields: (t) => ({
    id: t.exposeID("id"),
    zoneId: t.exposeID("zoneId"),
    marketId: t.exposeID("marketId", { nullable: true }),
    currency: t.exposeString("currency"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    kind: t.field({ type: ShippingMethodKindEnum, resolve: (m) => m.kind }),
    amount: t.exposeInt("amount", { nullable: true }),
    bands: t.field({ type: [RateBandRef], nullable: true, resolve: (m) => m.bands }),
    freeOver: t.exposeInt("freeOver", { nullable: true }),
    taxClass: t.exposeString("taxClass"),
    active: t.exposeBoolean("active"),
    position: t.exposeInt("position"),
  }),
});

builder.queryFields((t) => ({
  shippingZones: t.field({ type: [ShippingZoneRef], description: "Admin (pricing:read or pricing:write).", resolve: (_root, _args, ctx) => shipping.listShippingZones(ctx.services) }),
  shippingMethods: t.connection({
    type: ShippingMethodRef,
    description: "Admin (pricing:read or pricing:write).",
    args: { zoneId: t.arg.id(), marketId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const { first, after, last, before, ...filters } = args;
      return toConnection(await shipping.listShippingMethods(ctx.services, { ...forwardArgs({ first, after, last, before }), ...dropNulls(filters) }));
    },
  }),
}));

const RateBandInput = builder.inputType("ShippingRateBandInput", { fields: (t) => ({ upTo: t.int(), amount: t.int({ required: true }) }) });

const ShippingMethodInputRef = builder.inputType("ShippingMethodInput", {
  description: "Create: zoneId, currency, name and kind are required. Update: only what you send changes; null clears.",
  fields: (t) => ({
    zoneId: t.id(),
    marketId: t.id(),
    currency: t.string(),
    name: t.string(),
    description: t.string(),
    kind: t.field({ type: ShippingMethodKindEnum }),
    amount: t.int(),
    bands: t.field({ type: [RateBandInput] }),
    freeOver: t.int(),
    taxClass: t.string(),
    active: t.boolean(),
    position: t.int(),
  }),
});

const nullable = ["marketId", "description", "amount", "bands", "freeOver"];
const methodInput = (input: Record<string, unknown>) => {
  const out = dropNulls(input, nullable);
  if (Array.isArray(out.bands)) out.bands = (out.bands as { upTo?: number | null; amount: number }[]).map((b) => ({ upTo: b.upTo ?? null, amount: b.amount }));
  return out;
};

builder.mutationFields((t) => ({
  createShippingZone: t.field({
    type: ShippingZoneRef,
    description: "Admin (pricing:write).",
    args: { name: t.arg.string({ required: true }), countries: t.arg.stringList({ required: true }) },
    resolve: (_root, args, ctx) => shipping.createShippingZone(ctx.services, args),
  }),
  updateShippingZone: t.field({
    type: ShippingZoneRef,
    description: "Admin (pricing:write).",
    args: { id: t.arg.id({ required: true }), name: t.arg.string(), countries: t.arg.stringList() },
    resolve: (_root, args, ctx) => shipping.updateShippingZone(ctx.services, args.id, dropNulls({ name: args.name, countries: args.countries })),
  }),
  deleteShippingZone: t.field({
    type: DeletedRef,
    description: "Deletes its methods too. Admin (pricing:write).",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await shipping.deleteShippingZone(ctx.services, args.id);
      return { deletedId: args.id };
    },
  }),
  createShippingMethod: t.field({
    type: ShippingMethodRef,
    description: "Admin (pricing:write).",
    args: { input: t.arg({ type: ShippingMethodInputRef, required: true }) },
    resolve: (_root, args, ctx) => shipping.createShippingMethod(ctx.services, methodInput(args.input)),
  }),
  updateShippingMethod: t.field({
    type: ShippingMethodRef,
    description: "Admin (pricing:write).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: ShippingMethodInputRef, required: true }) },
    resolve: (_root, args, ctx) => shipping.updateShippingMethod(ctx.services, args.id, methodInput(args.input)),
  }),
  deleteShippingMethod: t.field({
    type: DeletedRef,
    description: "Admin (pricing:write).",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await shipping.deleteShippingMethod(ctx.services, args.id);
      return { deletedId: args.id };
    },
  }),
}));
