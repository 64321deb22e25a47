import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { newId } from "../../shared/ids";
import { events } from "./tables";

/** Every event type the shop emits. Payload schemas live in the events module's catalogue. */
export const eventTypes = [
  "order.placed",
  "order.held",
  "order.paid",
  "order.fulfilled",
  "order.cancelled",
  "order.refunded",
  "product.created",
  "product.updated",
  "product.deleted",
  "inventory.low",
  "inventory.out_of_stock",
  "customer.created",
  "promotion.created",
  "promotion.updated",
  "promotion.deleted",
  "price.changed",
  "price_list.created",
  "price_list.updated",
  "price_list.deleted",
  "customer.password_reset_requested",
  "payment.authorized",
  "payment.requires_action",
  "payment.captured",
  "payment.refunded",
  "payment.voided",
  "payment.failed",
  "payment.disputed",
  "fulfillment.created",
  "return.requested",
  "return.approved",
  "return.rejected",
  "return.received",
] as const;
export type EventType = (typeof eventTypes)[number];

export interface NewEvent {
  type: EventType;
  resource: { type: string; id: string };
  data: Record<string, unknown>;
}

/**
 * The outbox insert for one event, to put in the SAME `db.batch([...])` as the state change.
 * The per-resource sequence is computed inside the statement, so concurrent batches for one
 * resource cannot share a number (the unique index would reject the second batch whole).
 * After the batch commits, call `publishAfterResponse(ctx)` from `./relay` so the event leaves
 * for the queue without waiting for the sweeper.
 */
export function eventInsert(db: Database, event: NewEvent, at = new Date().toISOString()) {
  return db.insert(events).values({
    id: newId("event"),
    type: event.type,
    resourceType: event.resource.type,
    resourceId: event.resource.id,
    sequence: sql`(SELECT coalesce(max(${events.sequence}), 0) + 1 FROM ${events} WHERE ${events.resourceId} = ${event.resource.id})`,
    position: sql`(SELECT coalesce(max(${events.position}), 0) + 1 FROM ${events})`,
    payload: { type: event.type, timestamp: at, data: event.data },
    createdAt: at,
  });
}
