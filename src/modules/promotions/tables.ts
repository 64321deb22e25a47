import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Money } from "../../shared/schemas";
import type { PromotionRule } from "./rules";

/**
 * Promotions: automatic ones and those a discount code switches on. The rule, the conditions and
 * the amounts per currency are JSON (read whole, never queried inside).
 *
 * `redeemed` counts redemptions of placed orders (a cancelled order gives its one back). The CHECK
 * is the usage limit's guard: checkout increments `redeemed` in the same D1 batch that writes the
 * order, so when a limit is reached the increment violates the CHECK and the whole batch (the
 * order included) is refused. D1 runs batches one at a time, so no two checkouts can both take
 * the last use, however many run at once.
 */
export const promotions = sqliteTable(
  "promotions",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    trigger: text("trigger", { enum: ["automatic", "code"] }).notNull(),
    status: text("status", { enum: ["active", "disabled"] }).notNull(),
    rule: text("rule", { mode: "json" }).$type<PromotionRule>().notNull(),
    minimumSubtotal: text("minimum_subtotal", { mode: "json" }).$type<Money[]>().notNull(),
    customerGroupIds: text("customer_group_ids", { mode: "json" }).$type<string[]>().notNull(),
    marketIds: text("market_ids", { mode: "json" }).$type<string[]>().notNull(),
    startsAt: text("starts_at"),
    endsAt: text("ends_at"),
    combinable: integer("combinable", { mode: "boolean" }).notNull(),
    priority: integer("priority").notNull(),
    usageLimit: integer("usage_limit"),
    usageLimitPerCustomer: integer("usage_limit_per_customer"),
    redeemed: integer("redeemed").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    check("promotions_usage_limit", sql`${t.redeemed} >= 0 AND (${t.usageLimit} IS NULL OR ${t.redeemed} <= ${t.usageLimit})`),
    index("promotions_trigger_status_idx").on(t.trigger, t.status),
  ],
);

/** Discount codes, stored upper-case; a code belongs to one promotion (several codes may share one). */
export const discountCodes = sqliteTable(
  "discount_codes",
  {
    code: text("code").primaryKey(),
    promotionId: text("promotion_id")
      .notNull()
      .references(() => promotions.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("discount_codes_promotion_idx").on(t.promotionId)],
);

/**
 * Uses per customer (`customer:<id>`, or `email:<address>` for guests) of promotions with a
 * per-customer limit. `usage_limit` is copied from the promotion by each increment, so that the
 * CHECK (which can only see its own row) guards it exactly like `promotions.redeemed`.
 */
export const promotionCustomerUsage = sqliteTable(
  "promotion_customer_usage",
  {
    promotionId: text("promotion_id")
      .notNull()
      .references(() => promotions.id, { onDelete: "cascade" }),
    customerKey: text("customer_key").notNull(),
    redeemed: integer("redeemed").notNull(),
    usageLimit: integer("usage_limit"),
  },
  (t) => [
    primaryKey({ columns: [t.promotionId, t.customerKey] }),
    check("promotion_customer_usage_limit", sql`${t.redeemed} >= 0 AND (${t.usageLimit} IS NULL OR ${t.redeemed} <= ${t.usageLimit})`),
  ],
);

/**
 * One row per (order, promotion) that discounted the order, written in the order's batch. A
 * cancelled order's redemptions become `returned` (their uses count again) exactly once: the
 * return statements only touch rows still `redeemed`.
 */
export const promotionRedemptions = sqliteTable(
  "promotion_redemptions",
  {
    id: text("id").primaryKey(),
    promotionId: text("promotion_id")
      .notNull()
      .references(() => promotions.id),
    code: text("code"),
    orderId: text("order_id").notNull(),
    customerKey: text("customer_key").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: ["redeemed", "returned"] }).notNull(),
    redeemedAt: text("redeemed_at").notNull(),
    returnedAt: text("returned_at"),
  },
  (t) => [
    uniqueIndex("promotion_redemptions_order_promotion_idx").on(t.orderId, t.promotionId),
    index("promotion_redemptions_promotion_idx").on(t.promotionId, t.redeemedAt),
  ],
);

/** Codes a shopper entered on a cart, in the order entered. Carts call this module to add and remove them. */
export const cartDiscountCodes = sqliteTable(
  "cart_discount_codes",
  {
    cartId: text("cart_id").notNull(),
    code: text("code")
      .notNull()
      .references(() => discountCodes.code, { onDelete: "cascade" }),
    addedAt: text("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cartId, t.code] })],
);
