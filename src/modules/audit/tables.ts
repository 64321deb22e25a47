import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per admin write (REST unsafe request or GraphQL mutation field by an admin key or staff session). Append-only. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    at: text("at").notNull(),
    actorType: text("actor_type", { enum: ["bootstrap", "api_key", "staff"] }).notNull(),
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name").notNull(),
    /** The REST operationId (`createProduct`) or the GraphQL mutation field (`createProduct`). */
    action: text("action").notNull(),
    resource: text("resource"),
    transport: text("transport", { enum: ["rest", "graphql"] }).notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    requestId: text("request_id").notNull(),
    status: integer("status").notNull(),
  },
  (t) => [index("audit_log_at_idx").on(t.at, t.id), index("audit_log_actor_idx").on(t.actorId, t.at), index("audit_log_action_idx").on(t.action, t.at)],
);
