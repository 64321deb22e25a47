import { and, eq } from "drizzle-orm";
import { createDb } from "../../db/client";
import { newId } from "../../shared/ids";
import type { EventHandler } from "../events";
import { attemptDelivery } from "./delivery";
import { webhookDeliveries, webhookEndpoints } from "./tables";

/**
 * The webhooks module's event handler: one delivery per subscribed, enabled endpoint, then the
 * first attempt right away. Idempotent by construction: deliveries are unique per (endpoint,
 * event) and attempts are claimed, so a redelivered message creates and sends nothing twice.
 */
export const webhookFanOut: EventHandler = {
  name: "webhooks.fan-out",
  types: "*",
  async handle(env, event) {
    const db = createDb(env.DB);
    const endpoints = (await db.select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes }).from(webhookEndpoints).where(eq(webhookEndpoints.status, "enabled"))).filter(
      (e) => e.eventTypes.includes("*") || e.eventTypes.includes(event.type),
    );
    if (endpoints.length === 0) return;
    const at = new Date().toISOString();
    await db
      .insert(webhookDeliveries)
      .values(endpoints.map((e) => ({ id: newId("webhookDelivery"), endpointId: e.id, eventId: event.id, eventType: event.type, status: "pending" as const, nextAttemptAt: at, createdAt: at, updatedAt: at })))
      .onConflictDoNothing();
    const pending = await db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.eventId, event.id), eq(webhookDeliveries.status, "pending")));
    await Promise.all(pending.map((d) => attemptDelivery(env, d.id)));
  },
};
