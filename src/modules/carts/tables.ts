import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Address } from "./schemas";

/**
 * Carts. A guest cart is addressed by a secret token of which only the SHA-256 is stored; a
 * customer cart belongs to `customer_id`. `status` moves open -> checking_out -> completed (or
 * back to open when checkout fails); a guest cart merged into a customer's becomes `merged`.
 */
export const carts = sqliteTable(
  "carts",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").unique(),
    customerId: text("customer_id"),
    status: text("status", { enum: ["open", "checking_out", "completed", "merged"] }).notNull(),
    /** The currency of the cart's market when a line was last added; null while the cart is empty (informative: lines are priced on every read). */
    currency: text("currency"),
    /** The market the shopper chose (pricing module); null: the shipping country's market, else the default. */
    marketId: text("market_id"),
    /** The shipping method the shopper chose; null or no longer applicable: the cheapest that applies. */
    shippingMethodId: text("shipping_method_id"),
    email: text("email"),
    shippingAddress: text("shipping_address", { mode: "json" }).$type<Address>(),
    billingAddress: text("billing_address", { mode: "json" }).$type<Address>(),
    /** Who is checking the cart out and since when: a claim older than the lease may be taken over. */
    checkoutClaim: text("checkout_claim"),
    checkoutClaimedAt: text("checkout_claimed_at"),
    orderId: text("order_id"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("carts_customer_idx").on(t.customerId, t.status, t.updatedAt),
    // The orders reconciler's work list: checkouts whose Worker died (src/modules/orders/abandoned.ts).
    index("carts_checking_out_idx").on(t.checkoutClaimedAt).where(sql`${t.status} = 'checking_out'`),
  ],
);

/**
 * Lines keep a snapshot of the variant (sku, title, price) taken when the line was added. The price
 * a line shows and checks out at is resolved again on every read (the pricing pipeline); the stored
 * one is what it cost when added.
 */
export const cartLines = sqliteTable(
  "cart_lines",
  {
    id: text("id").primaryKey(),
    cartId: text("cart_id")
      .notNull()
      .references(() => carts.id, { onDelete: "cascade" }),
    variantId: text("variant_id").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    title: text("title").notNull(),
    unitPrice: integer("unit_price").notNull(),
    currency: text("currency").notNull(),
    quantity: integer("quantity").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("cart_lines_cart_idx").on(t.cartId, t.createdAt)],
);
