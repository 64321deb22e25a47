import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const paymentAttemptStatuses = ["pending", "requires_action", "authorized", "succeeded", "canceled", "failed"] as const;
export type PaymentAttemptStatus = (typeof paymentAttemptStatuses)[number];

/**
 * One payment attempt per order attempt: a Stripe PaymentIntent, or a manual payment. The money
 * columns are the attempt's running totals in minor units; `refund_pending` is money reserved by a
 * refund that is on its way to the provider. The refund guard is ONE conditional UPDATE
 * (`amount_captured - amount_refunded - refund_pending >= amount`), so concurrent refunds can never
 * together exceed what was captured.
 */
export const paymentAttempts = sqliteTable(
  "payment_attempts",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    provider: text("provider").notNull(),
    /** The provider's id (Stripe: `pi_…`); null for manual payments. */
    providerRef: text("provider_ref"),
    status: text("status", { enum: paymentAttemptStatuses }).notNull(),
    captureMethod: text("capture_method", { enum: ["automatic", "manual"] }).notNull(),
    currency: text("currency").notNull(),
    amount: integer("amount").notNull(),
    amountAuthorized: integer("amount_authorized").notNull().default(0),
    amountCaptured: integer("amount_captured").notNull().default(0),
    amountRefunded: integer("amount_refunded").notNull().default(0),
    refundPending: integer("refund_pending").notNull().default(0),
    /** Stripe's client secret: shown to the order's owner so the storefront can confirm and finish 3-D Secure. */
    clientSecret: text("client_secret"),
    /** Stripe's `next_action.type` while `requires_action` (e.g. `use_stripe_sdk`, `redirect_to_url`). */
    nextAction: text("next_action"),
    lastError: text("last_error"),
    disputed: integer("disputed", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("payment_attempts_order_idx").on(t.orderId, t.createdAt),
    uniqueIndex("payment_attempts_provider_ref_idx").on(t.provider, t.providerRef).where(sql`${t.providerRef} IS NOT NULL`),
    // The last line of defence behind the refund guard: no write can refund more than was captured.
    check("payment_attempts_refunds_within_captured", sql`${t.refundPending} >= 0 AND ${t.amountRefunded} + ${t.refundPending} <= ${t.amountCaptured}`),
  ],
);

export const paymentOperationKinds = ["authorize", "capture", "refund", "void", "fail", "requires_action", "dispute"] as const;
export type PaymentOperationKind = (typeof paymentOperationKinds)[number];

/** The history of an attempt: every authorisation, capture, refund, void, failure and dispute, by whom. */
export const paymentOperations = sqliteTable(
  "payment_operations",
  {
    id: text("id").primaryKey(),
    paymentId: text("payment_id")
      .notNull()
      .references(() => paymentAttempts.id, { onDelete: "cascade" }),
    orderId: text("order_id").notNull(),
    kind: text("kind", { enum: paymentOperationKinds }).notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    /** The provider's reference (Stripe: `re_…`, `pi_…`, `dp_…`; manual: the admin's reference). */
    reference: text("reference").notNull(),
    /** `admin:<key id>`, `provider:stripe`, `system`. */
    actor: text("actor").notNull(),
    reason: text("reason"),
    /** Refunds by lines: `[{ lineId, quantity, amount }]`. */
    lines: text("lines", { mode: "json" }).$type<{ lineId: string; quantity: number; amount: number }[]>(),
    /** The key sent to the provider (Stripe's Idempotency-Key). */
    idempotencyKey: text("idempotency_key"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("payment_operations_order_idx").on(t.orderId, t.createdAt), index("payment_operations_payment_idx").on(t.paymentId, t.createdAt)],
);

/**
 * Provider webhook events handled, claimed by the provider's event id in the same batch as their
 * effect: a replayed or concurrently redelivered event finds its id taken and changes nothing.
 */
export const providerEvents = sqliteTable("payment_provider_events", {
  id: text("id").primaryKey(),
  provider: text("provider").notNull(),
  type: text("type").notNull(),
  paymentId: text("payment_id"),
  receivedAt: text("received_at").notNull(),
});
