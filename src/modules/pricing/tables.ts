import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Markets: where and how a shop sells (currency, countries, whether prices include tax). Exactly one
 * market is the default (partial unique index): carts without a market or a matching shipping country
 * use it, and so do catalog reads that name no market.
 */
export const markets = sqliteTable(
  "markets",
  {
    id: text("id").primaryKey(),
    handle: text("handle").notNull().unique(),
    name: text("name").notNull(),
    currency: text("currency").notNull(),
    pricesIncludeTax: integer("prices_include_tax", { mode: "boolean" }).notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("markets_one_default_idx").on(t.isDefault).where(sql`${t.isDefault} = 1`)],
);

/** A country belongs to at most one market: the primary key makes two markets claiming it a conflict. */
export const marketCountries = sqliteTable(
  "market_countries",
  {
    country: text("country").primaryKey(),
    marketId: text("market_id")
      .notNull()
      .references(() => markets.id, { onDelete: "cascade" }),
    position: integer("position").notNull().default(0),
  },
  (t) => [index("market_countries_market_idx").on(t.marketId, t.position)],
);

/** Customer groups (e.g. wholesale) that price lists and promotions target; a group may be tax exempt. */
export const customerGroups = sqliteTable("customer_groups", {
  id: text("id").primaryKey(),
  handle: text("handle").notNull().unique(),
  name: text("name").notNull(),
  taxExempt: integer("tax_exempt", { mode: "boolean" }).notNull().default(false),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const customerGroupMembers = sqliteTable(
  "customer_group_members",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => customerGroups.id, { onDelete: "cascade" }),
    customerId: text("customer_id").notNull(),
    addedAt: text("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.customerId] }), index("customer_group_members_customer_idx").on(t.customerId)],
);

/**
 * A variant's base price per currency. `product_id` is copied from the catalog when the price is
 * written, so prices of a deleted product can be dropped from its `product.deleted` event.
 */
export const variantPrices = sqliteTable(
  "variant_prices",
  {
    variantId: text("variant_id").notNull(),
    productId: text("product_id").notNull(),
    currency: text("currency").notNull(),
    amount: integer("amount").notNull(),
    compareAtAmount: integer("compare_at_amount"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.variantId, t.currency] }), index("variant_prices_product_idx").on(t.productId)],
);

/**
 * Price lists override base prices in their currency for a market (null: every market in the
 * currency), a customer group (null: everyone), from a quantity (`min_quantity` per price) and in a
 * time window (`starts_at` inclusive, `ends_at` exclusive; null: open). When several apply, the lowest
 * price wins (docs/pricing.md).
 */
export const priceLists = sqliteTable(
  "price_lists",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description"),
    status: text("status", { enum: ["active", "draft"] }).notNull(),
    currency: text("currency").notNull(),
    marketId: text("market_id").references(() => markets.id, { onDelete: "cascade" }),
    customerGroupId: text("customer_group_id").references(() => customerGroups.id, { onDelete: "cascade" }),
    startsAt: text("starts_at"),
    endsAt: text("ends_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("price_lists_currency_idx").on(t.currency, t.status)],
);

export const priceListPrices = sqliteTable(
  "price_list_prices",
  {
    priceListId: text("price_list_id")
      .notNull()
      .references(() => priceLists.id, { onDelete: "cascade" }),
    variantId: text("variant_id").notNull(),
    productId: text("product_id").notNull(),
    minQuantity: integer("min_quantity").notNull().default(1),
    amount: integer("amount").notNull(),
    compareAtAmount: integer("compare_at_amount"),
  },
  (t) => [
    primaryKey({ columns: [t.priceListId, t.variantId, t.minQuantity] }),
    index("price_list_prices_variant_idx").on(t.variantId, t.priceListId),
    index("price_list_prices_product_idx").on(t.productId),
  ],
);
