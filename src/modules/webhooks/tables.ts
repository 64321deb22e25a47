import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A receiver registered by an admin. Secrets are stored because signing needs them; they are never returned after creation. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** Event types to receive; `["*"]` means all. */
    eventTypes: text("event_types", { mode: "json" }).$type<string[]>().notNull(),
    secret: text("secret").notNull(),
    /** After a rotation the old secret keeps signing (alongside the new one) until it expires. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: text("previous_secret_expires_at"),
    status: text("status", { enum: ["enabled", "disabled"] }).notNull(),
    disabledReason: text("disabled_reason"),
    disabledAt: text("disabled_at"),
    /** Start of the current run of failed attempts; null after a success. */
    failingSince: text("failing_since"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_created_idx").on(t.createdAt, t.id)],
);

/** One event for one endpoint. Unique per (endpoint, event), which makes fan-out idempotent. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
    /** Attempts made so far (all time, redeliveries included). */
    attempts: integer("attempts").notNull().default(0),
    /** Position in the retry schedule; reset by a redelivery. */
    retryStep: integer("retry_step").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    /** Claimed by one sender until then, so the consumer and the sweeper never send it twice at once. */
    leaseUntil: text("lease_until"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    succeededAt: text("succeeded_at"),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_event_idx").on(t.endpointId, t.eventId),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_event_idx").on(t.eventId),
  ],
);

/** Every HTTP attempt, successful or not. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    /** Sent as `x-request-id`, so both sides can find the attempt in their logs. */
    requestId: text("request_id").notNull(),
    url: text("url").notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    /** The first bytes of the response body, or why there was no response. */
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
    outcome: text("outcome", { enum: ["succeeded", "retry", "failed"] }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.createdAt)],
);
