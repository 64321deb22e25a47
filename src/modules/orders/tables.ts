import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Address } from "../carts";

/** What checkout's pricing knew besides the lines and totals (docs/pricing.md). */
export interface OrderPricingSnapshot {
  market: { id: string; handle: string; name: string; currency: string; pricesIncludeTax: boolean };
  taxExempt: boolean;
  shipping: { methodId: string; name: string; amount: number; discount: number; discounts: { promotionId: string; code: string | null; amount: number }[]; tax: number; taxRate: number } | null;
  discounts: { promotionId: string; code: string | null; title: string; amount: number }[];
  giftCards: { giftCardId: string; kind?: "gift_card" | "store_credit"; last4: string; amount: number }[];
}

export const orderStatuses = ["on_hold", "placed", "paid", "fulfilled", "cancelled", "refunded"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/**
 * The money side of an order, derived from its payment records (src/modules/payments) and changed
 * only through a guarded order transition. `not_required`: nothing is due (amount due 0).
 */
export const paymentStatuses = [
  "not_required",
  "pending",
  "requires_action",
  "authorized",
  "partially_paid",
  "paid",
  "partially_refunded",
  "refunded",
  "voided",
  "failed",
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** The goods side of an order, derived from its fulfilments (src/modules/fulfillments). */
export const fulfillmentStatuses = ["unfulfilled", "partially_fulfilled", "fulfilled"] as const;
export type FulfillmentStatus = (typeof fulfillmentStatuses)[number];

/** What a transition changed: the lifecycle, the money, the goods, a return, or a note. */
export const orderChangeKinds = ["status", "payment", "fulfillment", "return", "note"] as const;
export type OrderChangeKind = (typeof orderChangeKinds)[number];

/**
 * Orders. `cart_id` is unique: at most one order per cart, whatever races. Guests read their
 * order with the order token (or the cart token) of which only SHA-256 hashes are stored.
 * `version` counts transitions; see `order_transitions`.
 *
 * `stock_committed_at` is null until the order's holds became sales (commitHolds), and
 * `stock_returned_at` null until a cancelled order's sales went back (returnSale): the order batch
 * and the inventory objects cannot share a transaction, so the every-minute cron finishes what a
 * request could not (src/modules/orders/stock.ts).
 */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull().unique(),
    cartId: text("cart_id").notNull().unique(),
    customerId: text("customer_id"),
    email: text("email").notNull(),
    status: text("status", { enum: orderStatuses }).notNull(),
    paymentStatus: text("payment_status", { enum: paymentStatuses }).notNull().default("pending"),
    fulfillmentStatus: text("fulfillment_status", { enum: fulfillmentStatuses }).notNull().default("unfulfilled"),
    version: integer("version").notNull().default(0),
    currency: text("currency").notNull(),
    subtotal: integer("subtotal").notNull(),
    shipping: integer("shipping").notNull(),
    tax: integer("tax").notNull(),
    total: integer("total").notNull(),
    /** The pricing snapshot (docs/pricing.md): discounts, gift cards, what is left to pay, the market's tax mode. */
    discount: integer("discount").notNull().default(0),
    giftCards: integer("gift_cards").notNull().default(0),
    amountDue: integer("amount_due").notNull().default(0),
    pricesIncludeTax: integer("prices_include_tax", { mode: "boolean" }).notNull().default(false),
    marketId: text("market_id"),
    /** `{ market, shippingMethod, discounts, giftCards }` as priced at checkout; null for orders from before markets. */
    pricing: text("pricing", { mode: "json" }).$type<OrderPricingSnapshot>(),
    shippingAddress: text("shipping_address", { mode: "json" }).$type<Address>().notNull(),
    billingAddress: text("billing_address", { mode: "json" }).$type<Address>(),
    orderTokenHash: text("order_token_hash").notNull(),
    cartTokenHash: text("cart_token_hash"),
    paymentProvider: text("payment_provider").notNull(),
    placedAt: text("placed_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    stockCommittedAt: text("stock_committed_at"),
    stockReturnedAt: text("stock_returned_at"),
    /**
     * The inventory owner of the order's holds: its checkout attempt (`checkout:<claim>`), which took the cart's
     * holds over. Null for orders placed before attempts owned their holds: those held as `cart:<cart id>`.
     */
    holdOwner: text("hold_owner"),
    /** SHA-256 of the cart id and the checkout's Idempotency-Key: a retry with the same key gets this order back. */
    checkoutKeyHash: text("checkout_key_hash"),
    /** The order token, sealed (src/shared/secret-box.ts), so that such a retry can hand it to a guest again. */
    orderTokenSealed: text("order_token_sealed"),
  },
  (t) => [
    index("orders_placed_idx").on(t.placedAt, t.id),
    // Only orders whose stock is not settled yet: the reconciler's work list stays small.
    index("orders_stock_unsettled_idx")
      .on(t.updatedAt)
      .where(sql`${t.stockCommittedAt} IS NULL OR (${t.status} = 'cancelled' AND ${t.stockReturnedAt} IS NULL)`),
    index("orders_status_placed_idx").on(t.status, t.placedAt, t.id),
    index("orders_customer_placed_idx").on(t.customerId, t.placedAt, t.id),
  ],
);

/** Price snapshots: what was bought at what price, whatever the catalog says later. */
export const orderLines = sqliteTable(
  "order_lines",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    variantId: text("variant_id").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    title: text("title").notNull(),
    unitPrice: integer("unit_price").notNull(),
    quantity: integer("quantity").notNull(),
    /** unit price x quantity minus the line's discounts. */
    lineTotal: integer("line_total").notNull(),
    compareAtPrice: integer("compare_at_price"),
    /** Why this price (pricing module's PriceSource); null for orders from before markets. */
    priceSource: text("price_source", { mode: "json" }).$type<Record<string, unknown>>(),
    discount: integer("discount").notNull().default(0),
    /** Discounts allocated to this line: `[{ promotionId, code, amount }]`. */
    discounts: text("discounts", { mode: "json" }).$type<{ promotionId: string; code: string | null; amount: number }[]>().notNull().default(sql`'[]'`),
    /** Tax of this line (included in it or on top, per the order's market); null for orders from before markets. */
    tax: integer("tax"),
    taxRate: integer("tax_rate"),
  },
  (t) => [index("order_lines_order_idx").on(t.orderId, t.position)],
);

/**
 * The status history, and the guard that makes transitions race-free: the primary key
 * (order_id, from_version) lets only ONE transition leave a given version, so of two concurrent
 * transitions the second batch fails whole (its event included).
 */
export const orderTransitions = sqliteTable(
  "order_transitions",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    fromVersion: integer("from_version").notNull(),
    fromStatus: text("from_status").notNull(),
    toStatus: text("to_status").notNull(),
    /** What the transition was about; `from_status`/`to_status` always hold the lifecycle status. */
    change: text("change", { enum: orderChangeKinds }).notNull().default("status"),
    /** Who made it: `admin:<key id>`, `customer:<id>`, `provider:stripe`, `system`. */
    actor: text("actor").notNull(),
    /** The admin timeline's details: payment/fulfilment status before and after, amounts, ids. */
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.fromVersion] })],
);

/** Notes staff write on an order (shown on the admin timeline). */
export const orderNotes = sqliteTable(
  "order_notes",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    author: text("author").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("order_notes_order_idx").on(t.orderId, t.createdAt)],
);
