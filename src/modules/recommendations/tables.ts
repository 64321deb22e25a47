import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The recommender's state in D1, learned from orders one at a time (recordPurchase). Counts are
 * the model; `rec_neighbours` is its precomputed, servable form (top-N per product), so a request
 * reads rows and never builds a model.
 */

/** Orders already counted: makes recordPurchase idempotent per order id. */
export const recOrders = sqliteTable("rec_orders", {
  orderId: text("order_id").primaryKey(),
  customerId: text("customer_id"),
  /** Random per attempt: the batch's counting statements only run when THIS attempt's row landed. */
  attempt: text("attempt").notNull(),
  recordedAt: text("recorded_at").notNull(),
});

/** Single-row counters, e.g. `orders` (the N of lift and the popularity prior). */
export const recTotals = sqliteTable("rec_totals", {
  key: text("key").primaryKey(),
  value: integer("value").notNull(),
});

/** Orders containing each product: popularity. */
export const recItemStats = sqliteTable(
  "rec_item_stats",
  {
    productId: text("product_id").primaryKey(),
    orders: integer("orders").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("rec_item_stats_orders_idx").on(t.orders)],
);

/** Orders containing both products, stored in both directions so one index lookup reads a row of the matrix. */
export const recPairCounts = sqliteTable(
  "rec_pair_counts",
  {
    productId: text("product_id").notNull(),
    otherId: text("other_id").notNull(),
    orders: integer("orders").notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.otherId] })],
);

/** Each product's top neighbours under the served similarity measure. */
export const recNeighbours = sqliteTable(
  "rec_neighbours",
  {
    productId: text("product_id").notNull(),
    neighbourId: text("neighbour_id").notNull(),
    score: real("score").notNull(),
    together: integer("together").notNull(),
    modelVersion: text("model_version").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.neighbourId] }), index("rec_neighbours_score_idx").on(t.productId, t.score)],
);

/** What each customer bought: the anchors of "recommended for you" and what it must not offer again. */
export const recCustomerProducts = sqliteTable(
  "rec_customer_products",
  {
    customerId: text("customer_id").notNull(),
    productId: text("product_id").notNull(),
    orders: integer("orders").notNull(),
    lastOrderedAt: text("last_ordered_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.productId] })],
);
