import { and, eq } from "drizzle-orm";
import { createDb, type Database } from "../../db/client";
import { ServiceError } from "../../shared/errors";
import type { Env } from "../../env";
import { issuePasswordResetToken } from "../customers";
import type { EventHandler, EventMessage } from "../events";
import { orderLinesOf, orderRow } from "../orders";
import { emailProvider } from "./provider";
import { orderConfirmation, passwordReset, refund, shipment, type Email } from "./templates";
import { emailDeliveries } from "./tables";

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- event payloads, validated by their producers

const TEMPLATES: Partial<Record<string, string>> = {
  "order.placed": "order_confirmation",
  "fulfillment.created": "shipment",
  "payment.refunded": "refund",
  "customer.password_reset_requested": "password_reset",
};

/** Which email an event sends, to whom. */
async function render(env: Env, db: Database, event: EventMessage): Promise<{ template: string; to: string; email: Email } | null> {
  const data = event.payload.data as Data;
  switch (event.type) {
    case "order.placed": {
      // An event whose order is gone (deleted, or a synthetic event) has no one to write to: skip it
      // rather than retry it forever.
      const order = await orderRow(db, data.id).catch((error: unknown) => {
        if (error instanceof ServiceError && error.code === "NOT_FOUND") return null;
        throw error;
      });
      if (!order) return null;
      const lines = await orderLinesOf(db, order.id);
      return {
        template: "order_confirmation",
        to: order.email,
        email: orderConfirmation({ number: order.number, currency: order.currency, subtotal: order.subtotal, shipping: order.shipping, tax: order.tax, total: order.total, lines }),
      };
    }
    case "fulfillment.created":
      return { template: "shipment", to: data.email, email: shipment({ ...data, orderNumber: data.orderNumber, complete: data.fulfillmentStatus === "fulfilled" } as Parameters<typeof shipment>[0]) };
    case "payment.refunded":
      return { template: "refund", to: data.email, email: refund({ orderNumber: data.orderNumber, amount: data.amount.amount, currency: data.amount.currency, refunded: data.refunded.amount, captured: data.captured.amount }) };
    case "customer.password_reset_requested": {
      const { token, expiresAt } = await issuePasswordResetToken(db, data.customerId, event.id);
      const link = `${(env.STOREFRONT_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "")}/reset-password?token=${encodeURIComponent(token)}`;
      return { template: "password_reset", to: data.email, email: passwordReset({ link, expiresAt }) };
    }
    default:
      return null;
  }
}

/**
 * Transactional email, sent from the queue (never inside a request). Idempotent per (event,
 * template): a row in `email_deliveries` marks what was sent, so a redelivered event sends nothing.
 * If the provider accepted an email but the row could not be written, the retry sends it again:
 * a rare duplicate email rather than a lost one.
 */
export const notificationsEmail: EventHandler = {
  name: "notifications.email",
  types: ["order.placed", "fulfillment.created", "payment.refunded", "customer.password_reset_requested"],
  async handle(env, event) {
    const db = createDb(env.DB);
    const provider = emailProvider(env);
    const template = TEMPLATES[event.type];
    if (!template) return;
    const key = and(eq(emailDeliveries.eventId, event.id), eq(emailDeliveries.template, template));
    // Checked before rendering: rendering a password reset issues a new token (replacing the sent one).
    const done = await db.select({ status: emailDeliveries.status }).from(emailDeliveries).where(key).get();
    if (done?.status === "sent") return;
    const message = await render(env, db, event);
    if (!message) return;
    const at = new Date().toISOString();
    await db
      .insert(emailDeliveries)
      .values({ eventId: event.id, template: message.template, recipient: message.to, subject: message.email.subject, provider: provider.id, status: "sending", createdAt: at })
      .onConflictDoNothing();
    await provider.send({ to: message.to, subject: message.email.subject, text: message.email.text, template: message.template });
    await db.update(emailDeliveries).set({ status: "sent", sentAt: new Date().toISOString() }).where(key);
  },
};
