import { z } from "@hono/zod-openapi";
import { Money, PageCursor, PageLimit, Timestamp } from "../../shared/schemas";

const Handle = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Lowercase letters, digits and single dashes.");
const Country = z.string().regex(/^[A-Z]{2}$/, "An ISO 3166-1 alpha-2 code such as DE.");
const Currency = Money.shape.currency;
const Amount = z.number().int().min(0).max(100_000_000_00);
const VariantId = z.string().min(1).max(64);

// ---------------------------------------------------------------------------------------------
// Markets

export const Market = z
  .object({
    id: z.string().openapi({ example: "mkt_01jd4x..." }),
    handle: z.string().openapi({ example: "eu" }),
    name: z.string().openapi({ example: "Europe" }),
    currency: z.string().openapi({ example: "EUR" }),
    pricesIncludeTax: z.boolean().openapi({ description: "true: prices are gross and tax is the part of them that is tax (EU, UK); false: tax is added on top (US)." }),
    countries: z.array(z.string()).openapi({ description: "Shipping countries that put a cart in this market; the first is where prices are estimated before an address is known.", example: ["DE", "FR"] }),
    isDefault: z.boolean().openapi({ description: "The market of carts and catalog reads that name none and ship to no listed country." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Market");
export type Market = z.infer<typeof Market>;

const Countries = z
  .array(Country)
  .max(250)
  .refine((list) => new Set(list).size === list.length, "Each country once.");

export const CreateMarketInput = z
  .object({
    handle: Handle.openapi({ example: "eu" }),
    name: z.string().trim().min(1).max(100),
    currency: Currency,
    pricesIncludeTax: z.boolean(),
    countries: Countries.default([]),
    isDefault: z.boolean().optional().openapi({ description: "Make this the default market (the previous default stops being it)." }),
  })
  .strict()
  .openapi("CreateMarketInput");
export type CreateMarketInput = z.input<typeof CreateMarketInput>;

export const UpdateMarketInput = z
  .object({
    handle: Handle.optional(),
    name: z.string().trim().min(1).max(100).optional(),
    currency: Currency.optional(),
    pricesIncludeTax: z.boolean().optional(),
    countries: Countries.optional().openapi({ description: "Replaces the whole list." }),
    isDefault: z.literal(true).optional().openapi({ description: "Make this the default market. To change the default, set it on the new one." }),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .openapi("UpdateMarketInput");
export type UpdateMarketInput = z.input<typeof UpdateMarketInput>;

/** `?market=` or `X-Market` on catalog reads, `market` on carts: a market's handle or id. */
export const MarketSelector = z.string().min(1).max(64).openapi({ example: "eu", description: "A market's handle or id." });

// ---------------------------------------------------------------------------------------------
// Customer groups

export const CustomerGroup = z
  .object({
    id: z.string().openapi({ example: "cgrp_01jd4x..." }),
    handle: z.string().openapi({ example: "wholesale" }),
    name: z.string(),
    taxExempt: z.boolean().openapi({ description: "Members pay no tax; in markets whose prices include tax, the tax is taken out of the price." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("CustomerGroup");
export type CustomerGroup = z.infer<typeof CustomerGroup>;

export const CreateCustomerGroupInput = z
  .object({ handle: Handle, name: z.string().trim().min(1).max(100), taxExempt: z.boolean().default(false) })
  .strict()
  .openapi("CreateCustomerGroupInput");
export const UpdateCustomerGroupInput = z
  .object({ handle: Handle.optional(), name: z.string().trim().min(1).max(100).optional(), taxExempt: z.boolean().optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .openapi("UpdateCustomerGroupInput");

export const CustomerGroupMember = z.object({ customerId: z.string(), addedAt: Timestamp }).openapi("CustomerGroupMember");
export type CustomerGroupMember = z.infer<typeof CustomerGroupMember>;

export const ListPageInput = z.object({ limit: PageLimit, cursor: PageCursor });

// ---------------------------------------------------------------------------------------------
// Variant prices (base prices per currency)

export const VariantPrice = z
  .object({
    variantId: z.string(),
    currency: z.string(),
    amount: z.number().int().openapi({ description: "Minor units." }),
    compareAtAmount: z.number().int().nullable().openapi({ description: "The 'was' price, if any." }),
    updatedAt: Timestamp,
  })
  .openapi("VariantPrice");
export type VariantPrice = z.infer<typeof VariantPrice>;

export const SetVariantPriceItem = z
  .object({
    variantId: VariantId,
    currency: Currency,
    amount: Amount.nullable().openapi({ description: "Minor units; null removes the variant's price in this currency." }),
    compareAtAmount: Amount.nullable().optional(),
  })
  .strict();
export const SetPricesInput = z.object({ prices: z.array(SetVariantPriceItem).min(1).max(100) }).strict().openapi("SetPricesInput");
export type SetPricesInput = z.input<typeof SetPricesInput>;

// ---------------------------------------------------------------------------------------------
// Price lists

const DateTime = z.iso.datetime({ offset: true }).openapi({ example: "2026-12-01T00:00:00Z" });

export const PriceList = z
  .object({
    id: z.string().openapi({ example: "prl_01jd4x..." }),
    name: z.string().openapi({ example: "Winter sale" }),
    description: z.string().nullable(),
    status: z.enum(["active", "draft"]).openapi({ description: "Draft lists never apply." }),
    currency: z.string(),
    marketId: z.string().nullable().openapi({ description: "Only in this market; null: every market in `currency`." }),
    customerGroupId: z.string().nullable().openapi({ description: "Only for members of this group; null: everyone." }),
    startsAt: Timestamp.nullable().openapi({ description: "Applies from (inclusive); null: already." }),
    endsAt: Timestamp.nullable().openapi({ description: "Applies until (exclusive); null: open-ended." }),
    priceCount: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("PriceList");
export type PriceList = z.infer<typeof PriceList>;

export const PriceListPriceItem = z
  .object({
    variantId: VariantId,
    minQuantity: z.number().int().min(1).max(10_000).default(1).openapi({ description: "Applies when the cart holds at least this many of the variant (quantity tiers)." }),
    amount: Amount.nullable().openapi({ description: "Unit price in minor units of the list's currency; null removes this price." }),
    compareAtAmount: Amount.nullable().optional(),
  })
  .strict()
  .openapi("PriceListPriceInput");

export const PriceListPrice = z
  .object({ variantId: z.string(), minQuantity: z.number().int(), amount: z.number().int(), compareAtAmount: z.number().int().nullable() })
  .openapi("PriceListPrice");
export type PriceListPrice = z.infer<typeof PriceListPrice>;

const window = <T extends { startsAt?: string | null | undefined; endsAt?: string | null | undefined }>(v: T) =>
  !v.startsAt || !v.endsAt || Date.parse(v.startsAt) < Date.parse(v.endsAt);

export const CreatePriceListInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(1000).nullable().optional(),
    status: z.enum(["active", "draft"]).default("active"),
    currency: Currency,
    market: MarketSelector.nullable().optional().openapi({ description: "A market's handle or id; its currency must be the list's." }),
    customerGroup: z.string().min(1).max(64).nullable().optional().openapi({ description: "A customer group's handle or id." }),
    startsAt: DateTime.nullable().optional(),
    endsAt: DateTime.nullable().optional(),
    prices: z.array(PriceListPriceItem).max(100).optional(),
  })
  .strict()
  .refine(window, { message: "endsAt must be after startsAt.", path: ["endsAt"] })
  .openapi("CreatePriceListInput");
export type CreatePriceListInput = z.input<typeof CreatePriceListInput>;

export const UpdatePriceListInput = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    description: z.string().trim().max(1000).nullable().optional(),
    status: z.enum(["active", "draft"]).optional(),
    market: MarketSelector.nullable().optional(),
    customerGroup: z.string().min(1).max(64).nullable().optional(),
    startsAt: DateTime.nullable().optional(),
    endsAt: DateTime.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Provide at least one field to change.")
  .refine(window, { message: "endsAt must be after startsAt.", path: ["endsAt"] })
  .openapi("UpdatePriceListInput");
export type UpdatePriceListInput = z.input<typeof UpdatePriceListInput>;

export const SetPriceListPricesInput = z.object({ prices: z.array(PriceListPriceItem).min(1).max(100) }).strict().openapi("SetPriceListPricesInput");

export const ListPriceListsInput = z.object({
  limit: PageLimit,
  cursor: PageCursor,
  market: MarketSelector.optional(),
  status: z.enum(["active", "draft"]).optional(),
});

// ---------------------------------------------------------------------------------------------
// Resolution (pipeline step 2)

export const PriceSource = z
  .object({
    kind: z.enum(["base", "price_list", "none"]).openapi({ description: "base: the variant's price in the market's currency; price_list: a price list's; none: no price in this market (the line cannot be bought here)." }),
    priceListId: z.string().nullable(),
    name: z.string().nullable().openapi({ description: "The price list's name." }),
    minQuantity: z.number().int().nullable().openapi({ description: "The quantity tier that applied, for price lists." }),
  })
  .openapi("PriceSource", { description: "Why a line costs what it costs." });
export type PriceSource = z.infer<typeof PriceSource>;
