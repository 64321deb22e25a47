import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
  },
  (t) => [
    uniqueIndex("events_resource_sequence_idx").on(t.resourceId, t.sequence),
    index("events_unpublished_idx").on(t.publishedAt, t.createdAt),
  ],
);

export interface EventPayload {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}
