import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The transactional outbox: every event is inserted in the same D1 batch as the change it
 * describes, so a change without its event (or an event without its change) cannot exist.
 * `published_at` is set once the relay has handed the event to the queue.
 */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
    /** 1, 2, 3… per resource, so receivers can order what they get. */
    sequence: integer("sequence").notNull(),
    /** `{ type, timestamp, data }`, exactly what webhook receivers and the pull API get. */
    payload: text("payload", { mode: "json" }).$type<EventPayload>().notNull(),
    createdAt: text("created_at").notNull(),
    publishedAt: text("published_at"),
    /**
     * Global commit order (1, 2, 3…), computed inside the insert: D1 applies writes one at a time,
     * so a reader paging by position never skips an event committed after it read (ids are
     * generated before commit and can land out of order).
     */
    position: integer("position"),
    /** While set and in the future, one relay owns this row; a crashed relay's lease simply expires. */
    relayLeaseUntil: text("relay_lease_until"),
    /** When the consumer finished every handler subscribed to the event (null: not yet, or before this was recorded). */
    handledAt: text("handled_at"),
    /**
     * End-to-end reconciliation: set when the event is handed to the queue; if no consumer has handled it by
     * then, the cron sends it again (the queue may have lost it). Null once handled, or after the last try.
     */
    redeliverAt: text("redeliver_at"),
    /** How many times the reconciler has sent it again. */
    redeliveries: integer("redeliveries").notNull().default(0),
  },
  (t) => [
    uniqueIndex("events_resource_sequence_idx").on(t.resourceId, t.sequence),
    index("events_unpublished_idx").on(t.publishedAt, t.createdAt),
    uniqueIndex("events_position_idx").on(t.position),
    index("events_redeliver_idx").on(t.redeliverAt).where(sql`${t.redeliverAt} IS NOT NULL`),
  ],
);

/**
 * (event, handler) pairs: "running" while one consumer holds the claim (until lease_until),
 * "done" once applied. A redelivered or concurrently delivered message skips what is done and
 * never runs a handler twice at the same time.
 */
export const eventHandlerRuns = sqliteTable(
  "event_handler_runs",
  {
    eventId: text("event_id").notNull(),
    handler: text("handler").notNull(),
    status: text("status", { enum: ["running", "done"] }).notNull(),
    leaseUntil: text("lease_until"),
    processedAt: text("processed_at"),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.handler] })],
);

/** Messages that exhausted their queue retries, kept for an admin to inspect and replay. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    /** The event id, or `message:<queue message id>` when the body is not an event. */
    key: text("key").notNull(),
    eventId: text("event_id"),
    eventType: text("event_type"),
    body: text("body", { mode: "json" }).$type<unknown>().notNull(),
    attempts: integer("attempts").notNull(),
    /** "dead" until replayed; a replay that fails again brings it back to "dead". */
    status: text("status", { enum: ["dead", "replayed"] }).notNull(),
    deadCount: integer("dead_count").notNull().default(1),
    firstDeadAt: text("first_dead_at").notNull(),
    lastDeadAt: text("last_dead_at").notNull(),
    replayedAt: text("replayed_at"),
  },
  (t) => [uniqueIndex("dead_letters_key_idx").on(t.key), index("dead_letters_status_idx").on(t.status, t.lastDeadAt)],
);

export interface EventPayload {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}
