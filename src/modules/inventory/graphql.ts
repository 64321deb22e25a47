import { orNull } from "../../graphql/errors";
import { builder, dropNulls, SHARED } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import { VariantRef } from "../catalog/graphql";
import type { Availability } from "./projection";
import type { StockLevelView } from "./schemas";
import * as inventory from "./service";
import type { LedgerEntry } from "./stock-book";

const LedgerReasonEnum = builder.enumType("StockLedgerReason", {
  values: {
    RESTOCK: { value: "restock", description: "Goods received (admin)." },
    RESERVATION: { value: "reservation", description: "A hold was made or raised." },
    RELEASE: { value: "release", description: "A hold was lowered or released." },
    EXPIRY: { value: "expiry", description: "A hold ran out and was released." },
    SALE: { value: "sale", description: "A hold became a sale (checkout)." },
    CANCELLATION: { value: "cancellation", description: "A cancelled order's units came back." },
    ADJUSTMENT: { value: "adjustment", description: "An admin correction (count, damage, loss…)." },
    RETURN: { value: "return", description: "Units of a received return came back (once per return line)." },
  } as const,
});

const AdminReasonEnum = builder.enumType("StockAdminReason", {
  description: "Why an admin changed on-hand. ADJUSTMENT when omitted.",
  values: { RESTOCK: { value: "restock" }, ADJUSTMENT: { value: "adjustment" } } as const,
});

const AvailabilityRef = builder.objectRef<Availability>("VariantAvailability").implement({
  description: "What can be bought now, from the availability projection (refreshed after every stock change).",
  // Shared like the rest of a catalog read: cached responses may be as old as the catalog cache allows
  // (docs/protection.md), as REST's edge copy of a listing is.
  extensions: SHARED,
  fields: (t) => ({
    available: t.exposeInt("available", { description: "Units that can still be put in a cart." }),
    inStock: t.exposeBoolean("inStock", { description: "available > 0." }),
  }),
});

builder.objectField(VariantRef, "availability", (t) =>
  t.field({
    type: AvailabilityRef,
    description: "Current availability; batched, one query per page of variants.",
    // Variants read with their product (listings, product pages, search) carry it already.
    resolve: (v, _args, ctx) => ("availability" in v ? (v.availability as Availability) : ctx.loaders.inventory.availabilityBySku.load(v.sku)),
  }),
);

const LedgerEntryRef = builder.objectRef<LedgerEntry>("StockLedgerEntry").implement({
  description: "One change to a SKU's stock. The ledger is append-only.",
  fields: (t) => ({
    sequence: t.exposeInt("sequence", { description: "1, 2, 3… per SKU." }),
    reason: t.field({ type: LedgerReasonEnum, resolve: (e) => e.reason }),
    quantity: t.exposeInt("quantity", { description: "Signed change: on-hand for restock/adjustment/sale/cancellation, reserved for holds." }),
    onHandDelta: t.exposeInt("onHandDelta"),
    reservedDelta: t.exposeInt("reservedDelta"),
    soldDelta: t.exposeInt("soldDelta"),
    owner: t.exposeString("owner", { nullable: true, description: "Hold owner, e.g. cart:<id>." }),
    orderId: t.exposeString("orderId", { nullable: true }),
    note: t.exposeString("note", { nullable: true }),
    actor: t.exposeString("actor", { nullable: true, description: "Admin key id for admin writes." }),
    onHand: t.exposeInt("onHand", { description: "Levels right after this entry." }),
    reserved: t.exposeInt("reserved"),
    available: t.exposeInt("available"),
    sold: t.exposeInt("sold"),
    at: t.exposeString("at", { description: "RFC 3339 UTC." }),
  }),
});

const StockLevelRef = builder.objectRef<StockLevelView>("StockLevel").implement({
  description: "A SKU's stock, from its inventory object (authoritative). Admin, scope inventory:write.",
  fields: (t) => ({
    sku: t.exposeString("sku"),
    onHand: t.exposeInt("onHand", { description: "Units in stock and not yet sold, held ones included." }),
    reserved: t.exposeInt("reserved", { description: "Units held by carts and checkouts." }),
    available: t.exposeInt("available", { description: "onHand - reserved. Never negative." }),
    sold: t.exposeInt("sold", { description: "Units sold and not returned." }),
    version: t.exposeInt("version", { description: "Sequence of the latest ledger entry." }),
    updatedAt: t.exposeString("updatedAt", { nullable: true }),
    ledger: t.connection({
      type: LedgerEntryRef,
      description: "Every change, newest first.",
      resolve: async (level, args, ctx) => toConnection(await inventory.listStockLedger(ctx.services, level.sku, forwardArgs(args))),
    }),
  }),
});

const SetStockInputRef = builder.inputType("SetStockInput", {
  fields: (t) => ({
    onHand: t.int({ required: true, description: "The new on-hand quantity." }),
    expected: t.int({ description: "Compare-and-set: the on-hand you last saw; a CONFLICT error says the current one if it changed." }),
    reason: t.field({ type: AdminReasonEnum }),
    note: t.string({ description: "Kept in the ledger entry." }),
  }),
});

const AdjustStockInputRef = builder.inputType("AdjustStockInput", {
  fields: (t) => ({
    delta: t.int({ required: true, description: "Units to add (positive) or remove (negative); not 0." }),
    expected: t.int({ description: "Compare-and-set: the on-hand you last saw. Makes a retry safe." }),
    reason: t.field({ type: AdminReasonEnum }),
    note: t.string(),
  }),
});

builder.queryFields((t) => ({
  stockLevel: t.field({
    type: StockLevelRef,
    nullable: true,
    description: "A SKU's stock level and ledger; null when no variant has this SKU. Admin, scope inventory:write.",
    args: { sku: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => orNull(() => inventory.getStockLevel(ctx.services, args.sku)),
  }),
}));

builder.mutationFields((t) => ({
  setStock: t.field({
    type: StockLevelRef,
    description: "Set a SKU's on-hand to an absolute value (compare-and-set with expected). Admin, scope inventory:write.",
    args: { sku: t.arg.string({ required: true }), input: t.arg({ type: SetStockInputRef, required: true }) },
    resolve: (_root, args, ctx) => inventory.setStock(ctx.services, args.sku, dropNulls(args.input)),
  }),
  adjustStock: t.field({
    type: StockLevelRef,
    description: "Add or remove units of a SKU (compare-and-set with expected). Admin, scope inventory:write.",
    args: { sku: t.arg.string({ required: true }), input: t.arg({ type: AdjustStockInputRef, required: true }) },
    resolve: (_root, args, ctx) => inventory.adjustStock(ctx.services, args.sku, dropNulls(args.input)),
  }),
}));
