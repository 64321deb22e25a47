import { primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Emails sent, one row per (event, template): the claim that makes sending idempotent when the
 * queue delivers an event twice. The body is not kept (a password reset carries a secret link).
 */
export const emailDeliveries = sqliteTable(
  "email_deliveries",
  {
    eventId: text("event_id").notNull(),
    template: text("template").notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull(),
    provider: text("provider").notNull(),
    status: text("status", { enum: ["sending", "sent"] }).notNull(),
    sentAt: text("sent_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.template] })],
);
