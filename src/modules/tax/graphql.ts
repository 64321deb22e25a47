import { builder, DeletedRef, dropNulls } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import type { TaxClass, TaxRate } from "./schemas";
import * as tax from "./service";

const TaxClassRef = builder.objectRef<TaxClass>("TaxClass").implement({
  description: "A tax class products name (`standard`, `reduced`, `zero` or your own); rates are per class.",
  fields: (t) => ({
    handle: t.exposeString("handle"),
    name: t.exposeString("name"),
    builtIn: t.exposeBoolean("builtIn", { description: "standard, reduced and zero always exist." }),
  }),
});

const TaxRateRef = builder.objectRef<TaxRate>("TaxRate").implement({
  description: "A rate for one tax class in a country (`*` elsewhere), optionally narrowed to a region or postal prefix; the most specific match wins.",
  fields: (t) => ({
    id: t.exposeID("id"),
    country: t.exposeString("country", { description: "ISO 3166-1 alpha-2, or `*`." }),
    region: t.exposeString("region", { nullable: true }),
    postalPrefix: t.exposeString("postalPrefix", { nullable: true }),
    taxClass: t.exposeString("taxClass"),
    rate: t.exposeInt("rate", { description: "Basis points: 1900 is 19%." }),
    name: t.exposeString("name"),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
  }),
});

builder.queryFields((t) => ({
  taxClasses: t.field({ type: [TaxClassRef], description: "Every tax class.", resolve: (_root, _args, ctx) => tax.listTaxClasses(ctx.services) }),
  taxRates: t.connection({
    type: TaxRateRef,
    description: "Tax rates. Admin (pricing:read or pricing:write).",
    args: { country: t.arg.string(), taxClass: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const { first, after, last, before, ...filters } = args;
      return toConnection(await tax.listTaxRates(ctx.services, { ...forwardArgs({ first, after, last, before }), ...dropNulls(filters) }));
    },
  }),
}));

const CreateTaxRateInputRef = builder.inputType("CreateTaxRateInput", {
  fields: (t) => ({
    country: t.string({ required: true, description: "ISO 3166-1 alpha-2, or * for anywhere else." }),
    region: t.string(),
    postalPrefix: t.string(),
    taxClass: t.string({ description: "Default standard." }),
    rate: t.int({ required: true, description: "Basis points, 0..10000." }),
    name: t.string({ description: "e.g. VAT; default Tax." }),
  }),
});

builder.mutationFields((t) => ({
  createTaxClass: t.field({
    type: TaxClassRef,
    description: "Admin (pricing:write).",
    args: { handle: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => tax.createTaxClass(ctx.services, args),
  }),
  deleteTaxClass: t.field({
    type: DeletedRef,
    description: "Built-in classes and classes with rates cannot be deleted (CONFLICT). Admin (pricing:write).",
    args: { handle: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await tax.deleteTaxClass(ctx.services, args.handle);
      return { deletedId: args.handle };
    },
  }),
  createTaxRate: t.field({
    type: TaxRateRef,
    description: "Admin (pricing:write).",
    args: { input: t.arg({ type: CreateTaxRateInputRef, required: true }) },
    resolve: (_root, args, ctx) => tax.createTaxRate(ctx.services, dropNulls(args.input)),
  }),
  updateTaxRate: t.field({
    type: TaxRateRef,
    description: "Change a rate's basis points or name. Admin (pricing:write).",
    args: { id: t.arg.id({ required: true }), rate: t.arg.int(), name: t.arg.string() },
    resolve: (_root, args, ctx) => tax.updateTaxRate(ctx.services, args.id, dropNulls({ rate: args.rate, name: args.name })),
  }),
  deleteTaxRate: t.field({
    type: DeletedRef,
    description: "Admin (pricing:write).",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await tax.deleteTaxRate(ctx.services, args.id);
      return { deletedId: args.id };
    },
  }),
}));
