import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A shipment (or hand-over) of some of an order's units, with the carrier's tracking. */
export const fulfillments = sqliteTable(
  "fulfillments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    carrier: text("carrier"),
    trackingNumber: text("tracking_number"),
    trackingUrl: text("tracking_url"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("fulfillments_order_idx").on(t.orderId, t.createdAt)],
);

/** Which order lines, how many units. */
export const fulfillmentLines = sqliteTable(
  "fulfillment_lines",
  {
    fulfillmentId: text("fulfillment_id")
      .notNull()
      .references(() => fulfillments.id, { onDelete: "cascade" }),
    orderId: text("order_id").notNull(),
    orderLineId: text("order_line_id").notNull(),
    quantity: integer("quantity").notNull(),
  },
  (t) => [primaryKey({ columns: [t.fulfillmentId, t.orderLineId] }), index("fulfillment_lines_order_idx").on(t.orderId)],
);
