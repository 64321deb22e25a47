import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const returnStatuses = ["requested", "approved", "received", "rejected"] as const;
export type ReturnStatus = (typeof returnStatuses)[number];

/** A return request: requested (customer or admin) -> approved -> received, or rejected. */
export const orderReturns = sqliteTable(
  "returns",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    status: text("status", { enum: returnStatuses }).notNull(),
    reason: text("reason"),
    requestedBy: text("requested_by").notNull(),
    /** Set when received with a refund: the payment operation that paid it back. */
    refundOperationId: text("refund_operation_id"),
    refundAmount: integer("refund_amount"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("returns_order_idx").on(t.orderId, t.createdAt)],
);

/** Units coming back. `restocked_at` is stamped once the inventory object took them back (exactly once, keyed by this line's id). */
export const returnLines = sqliteTable(
  "return_lines",
  {
    id: text("id").primaryKey(),
    returnId: text("return_id")
      .notNull()
      .references(() => orderReturns.id, { onDelete: "cascade" }),
    orderId: text("order_id").notNull(),
    orderLineId: text("order_line_id").notNull(),
    sku: text("sku").notNull(),
    quantity: integer("quantity").notNull(),
    restockedAt: text("restocked_at"),
  },
  (t) => [index("return_lines_return_idx").on(t.returnId), index("return_lines_order_idx").on(t.orderId)],
);
