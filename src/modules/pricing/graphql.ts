import { builder, DeletedRef, dropNulls } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import * as groups from "./groups";
import * as markets from "./markets";
import * as priceLists from "./price-lists";
import * as prices from "./prices";
import type { CustomerGroup, CustomerGroupMember, Market, PriceList, PriceListPrice, PriceSource, VariantPrice } from "./schemas";

export const MarketRef = builder.objectRef<Market>("Market").implement({
  description: "Where and how the shop sells: currency, countries, and whether prices include tax.",
  fields: (t) => ({
    id: t.exposeID("id"),
    handle: t.exposeString("handle"),
    name: t.exposeString("name"),
    currency: t.exposeString("currency", { description: "ISO 4217." }),
    pricesIncludeTax: t.exposeBoolean("pricesIncludeTax", { description: "true: prices are gross (EU, UK); false: tax is added on top (US)." }),
    countries: t.exposeStringList("countries", { description: "Shipping countries that put a cart in this market; the first is used before an address is known." }),
    isDefault: t.exposeBoolean("isDefault"),
  }),
});

export const PriceSourceRef = builder.objectRef<PriceSource>("PriceSource").implement({
  description: "Why a line costs what it costs.",
  fields: (t) => ({
    kind: t.exposeString("kind", { description: "base, price_list, or none (not sold in this market)." }),
    priceListId: t.exposeID("priceListId", { nullable: true }),
    name: t.exposeString("name", { nullable: true, description: "The price list's name." }),
    minQuantity: t.exposeInt("minQuantity", { nullable: true, description: "The quantity tier that applied." }),
  }),
});

export const VariantPriceRef = builder.objectRef<VariantPrice>("VariantPrice").implement({
  description: "A variant's base price in one currency.",
  fields: (t) => ({
    currency: t.exposeString("currency"),
    amount: t.exposeInt("amount", { description: "Minor units." }),
    compareAtAmount: t.exposeInt("compareAtAmount", { nullable: true }),
    updatedAt: t.exposeString("updatedAt"),
  }),
});

const CustomerGroupRef = builder.objectRef<CustomerGroup>("CustomerGroup").implement({
  description: "Customers that price lists and promotions can target (e.g. wholesale); a tax-exempt group's members pay no tax.",
  fields: (t) => ({
    id: t.exposeID("id"),
    handle: t.exposeString("handle"),
    name: t.exposeString("name"),
    taxExempt: t.exposeBoolean("taxExempt"),
    members: t.connection({
      type: builder.objectRef<CustomerGroupMember>("CustomerGroupMember").implement({
        fields: (f) => ({ customerId: f.exposeID("customerId"), addedAt: f.exposeString("addedAt") }),
      }),
      resolve: async (g, args, ctx) => toConnection(await groups.listCustomerGroupMembers(ctx.services, g.id, forwardArgs(args))),
    }),
  }),
});

const PriceListPriceRef = builder.objectRef<PriceListPrice>("PriceListPrice").implement({
  fields: (t) => ({
    variantId: t.exposeID("variantId"),
    minQuantity: t.exposeInt("minQuantity", { description: "Applies from this quantity of the variant in the cart." }),
    amount: t.exposeInt("amount", { description: "Unit price, minor units of the list's currency." }),
    compareAtAmount: t.exposeInt("compareAtAmount", { nullable: true }),
  }),
});

const PriceListStatusEnum = builder.enumType("PriceListStatus", { values: { ACTIVE: { value: "active" }, DRAFT: { value: "draft", description: "Never applies." } } as const });

const PriceListRef = builder.objectRef<PriceList>("PriceList").implement({
  description: "Prices in one currency overriding base prices for a market, a customer group, from a quantity, in a time window. The lowest applicable price wins.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    status: t.field({ type: PriceListStatusEnum, resolve: (l) => l.status }),
    currency: t.exposeString("currency"),
    marketId: t.exposeID("marketId", { nullable: true, description: "Null: every market in the currency." }),
    customerGroupId: t.exposeID("customerGroupId", { nullable: true, description: "Null: everyone." }),
    startsAt: t.exposeString("startsAt", { nullable: true }),
    endsAt: t.exposeString("endsAt", { nullable: true, description: "Exclusive." }),
    priceCount: t.exposeInt("priceCount"),
    prices: t.connection({ type: PriceListPriceRef, resolve: async (l, args, ctx) => toConnection(await priceLists.listPriceListPrices(ctx.services, l.id, forwardArgs(args))) }),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
  }),
});

builder.queryFields((t) => ({
  markets: t.field({ type: [MarketRef], description: "Every market, the default first. Public.", resolve: (_root, _args, ctx) => markets.listMarkets(ctx.services) }),
  market: t.field({
    type: MarketRef,
    nullable: true,
    args: { handle: t.arg.string({ required: true, description: "Handle or id." }) },
    resolve: (_root, args, ctx) => markets.findMarket(ctx.services, args.handle),
  }),
  customerGroups: t.field({ type: [CustomerGroupRef], description: "Admin (pricing:read or pricing:write).", resolve: (_root, _args, ctx) => groups.listCustomerGroups(ctx.services) }),
  priceLists: t.connection({
    type: PriceListRef,
    description: "Newest first. Admin (pricing:read or pricing:write).",
    args: { market: t.arg.string(), status: t.arg({ type: PriceListStatusEnum }) },
    resolve: async (_root, args, ctx) => {
      const { first, after, last, before, ...filters } = args;
      return toConnection(await priceLists.listPriceLists(ctx.services, { ...forwardArgs({ first, after, last, before }), ...dropNulls(filters) }));
    },
  }),
  priceList: t.field({ type: PriceListRef, args: { id: t.arg.id({ required: true }) }, resolve: (_root, args, ctx) => priceLists.getPriceList(ctx.services, args.id) }),
}));

const MarketInputRef = builder.inputType("MarketInput", {
  description: "Create: handle, name, currency and pricesIncludeTax are required. Update: only what you send changes.",
  fields: (t) => ({
    handle: t.string(),
    name: t.string(),
    currency: t.string(),
    pricesIncludeTax: t.boolean(),
    countries: t.stringList({ description: "Replaces the whole list." }),
    isDefault: t.boolean({ description: "true makes this the default market." }),
  }),
});

const CustomerGroupInputRef = builder.inputType("CustomerGroupInput", {
  fields: (t) => ({ handle: t.string(), name: t.string(), taxExempt: t.boolean() }),
});

const VariantPriceInputRef = builder.inputType("VariantPriceInput", {
  fields: (t) => ({
    variantId: t.id({ required: true }),
    currency: t.string({ required: true }),
    amount: t.int({ description: "Minor units; null removes the price in this currency." }),
    compareAtAmount: t.int(),
  }),
});

const PriceListPriceInputRef = builder.inputType("PriceListPriceInput", {
  fields: (t) => ({
    variantId: t.id({ required: true }),
    minQuantity: t.int({ description: "Default 1." }),
    amount: t.int({ description: "Minor units; null removes this price." }),
    compareAtAmount: t.int(),
  }),
});

const PriceListInputRef = builder.inputType("PriceListInput", {
  description: "Create: name and currency are required. Update: only what you send changes (currency cannot); null clears market, group, start or end.",
  fields: (t) => ({
    name: t.string(),
    description: t.string(),
    status: t.field({ type: PriceListStatusEnum }),
    currency: t.string(),
    market: t.string({ description: "Handle or id." }),
    customerGroup: t.string({ description: "Handle or id." }),
    startsAt: t.string({ description: "RFC 3339, inclusive." }),
    endsAt: t.string({ description: "RFC 3339, exclusive." }),
    prices: t.field({ type: [PriceListPriceInputRef], description: "Create only; up to 100." }),
  }),
});

/** GraphQL sends null for "clear" and omits for "keep"; the price inputs use null for "remove". */
const keepNulls = (input: Record<string, unknown>, keep: string[]) => dropNulls(input, keep);
const priceItems = <T extends Record<string, unknown>>(items: readonly T[]) => items.map((p) => ({ ...dropNulls(p, ["compareAtAmount"]), amount: p.amount ?? null }));

builder.mutationFields((t) => ({
  createMarket: t.field({ type: MarketRef, description: "Admin (pricing:write).", args: { input: t.arg({ type: MarketInputRef, required: true }) }, resolve: (_root, args, ctx) => markets.createMarket(ctx.services, dropNulls(args.input)) }),
  updateMarket: t.field({
    type: MarketRef,
    description: "Admin (pricing:write).",
    args: { handle: t.arg.string({ required: true, description: "Handle or id." }), input: t.arg({ type: MarketInputRef, required: true }) },
    resolve: (_root, args, ctx) => markets.updateMarket(ctx.services, args.handle, dropNulls(args.input)),
  }),
  deleteMarket: t.field({
    type: DeletedRef,
    description: "Not the default market. Admin (pricing:write).",
    args: { handle: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const market = await markets.getMarket(ctx.services, args.handle);
      await markets.deleteMarket(ctx.services, market.id);
      return { deletedId: market.id };
    },
  }),
  createCustomerGroup: t.field({ type: CustomerGroupRef, description: "Admin (pricing:write).", args: { input: t.arg({ type: CustomerGroupInputRef, required: true }) }, resolve: (_root, args, ctx) => groups.createCustomerGroup(ctx.services, dropNulls(args.input)) }),
  updateCustomerGroup: t.field({
    type: CustomerGroupRef,
    description: "Admin (pricing:write).",
    args: { handle: t.arg.string({ required: true }), input: t.arg({ type: CustomerGroupInputRef, required: true }) },
    resolve: (_root, args, ctx) => groups.updateCustomerGroup(ctx.services, args.handle, dropNulls(args.input)),
  }),
  deleteCustomerGroup: t.field({
    type: DeletedRef,
    description: "Admin (pricing:write).",
    args: { handle: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const group = await groups.getCustomerGroup(ctx.services, args.handle);
      await groups.deleteCustomerGroup(ctx.services, group.id);
      return { deletedId: group.id };
    },
  }),
  addCustomerGroupMember: t.field({
    type: CustomerGroupRef,
    description: "Idempotent. Admin (pricing:write).",
    args: { group: t.arg.string({ required: true }), customerId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await groups.addCustomerGroupMember(ctx.services, args.group, args.customerId);
      return groups.getCustomerGroup(ctx.services, args.group);
    },
  }),
  removeCustomerGroupMember: t.field({
    type: CustomerGroupRef,
    description: "Admin (pricing:write).",
    args: { group: t.arg.string({ required: true }), customerId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await groups.removeCustomerGroupMember(ctx.services, args.group, args.customerId);
      return groups.getCustomerGroup(ctx.services, args.group);
    },
  }),
  setPrices: t.field({
    type: [VariantPriceRef],
    description: "Set or remove (amount null) up to 100 base prices atomically; each change emits price.changed. Admin (pricing:write).",
    args: { prices: t.arg({ type: [VariantPriceInputRef], required: true }) },
    resolve: (_root, args, ctx) => prices.setPrices(ctx.services, { prices: priceItems(args.prices) }),
  }),
  createPriceList: t.field({
    type: PriceListRef,
    description: "Admin (pricing:write).",
    args: { input: t.arg({ type: PriceListInputRef, required: true }) },
    resolve: (_root, args, ctx) => {
      const { prices: items, ...rest } = args.input;
      return priceLists.createPriceList(ctx.services, { ...dropNulls(rest), ...(items && { prices: priceItems(items) }) });
    },
  }),
  updatePriceList: t.field({
    type: PriceListRef,
    description: "Admin (pricing:write).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: PriceListInputRef, required: true }) },
    resolve: (_root, args, ctx) => priceLists.updatePriceList(ctx.services, args.id, keepNulls(args.input, ["description", "market", "customerGroup", "startsAt", "endsAt"])),
  }),
  setPriceListPrices: t.field({
    type: PriceListRef,
    description: "Upsert (or remove with amount null) up to 100 prices by variant and minQuantity. Admin (pricing:write).",
    args: { id: t.arg.id({ required: true }), prices: t.arg({ type: [PriceListPriceInputRef], required: true }) },
    resolve: (_root, args, ctx) => priceLists.setPriceListPrices(ctx.services, args.id, { prices: priceItems(args.prices) }),
  }),
  deletePriceList: t.field({
    type: DeletedRef,
    description: "Admin (pricing:write).",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await priceLists.deletePriceList(ctx.services, args.id);
      return { deletedId: args.id };
    },
  }),
}));
