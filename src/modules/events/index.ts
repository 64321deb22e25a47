// The events module's public surface: the outbox (eventInsert), the relay, handler registration and the
// queue consumers. Events is the ground floor: it imports no other module and learns its handlers only
// through registerEventHandler (the composition root's subscriber table, src/app/subscribers.ts).
import { and, desc, gt, inArray, like, lt } from "drizzle-orm";
import type { Database } from "../../db/client";
import { toMessage, type EventMessage } from "./relay";
import { events } from "./tables";

export { eventInsert, eventTypes, type EventType, type NewEvent } from "./outbox";
export { publishAfterResponse, publishPendingEvents, type EventMessage } from "./relay";
export { registerEventHandler, type EventHandler } from "./handlers";
export { consumeEvents, dispatchEvent, recordDeadLetters, EVENTS_DLQ } from "./consumer";
export { redeliverUnhandledEvents } from "./reconcile";

/** Events by id, as they travel on the queue (for handlers that only keep ids). */
export async function loadEvents(db: Database, ids: readonly string[]): Promise<Map<string, EventMessage>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(events).where(inArray(events.id, [...ids]));
  return new Map(rows.map((row) => [row.id, toMessage(row)]));
}

/**
 * Committed events of one family (`typePrefix`, e.g. "order.") strictly between two positions,
 * in commit order; at most `limit`, the newest ones when there are more. Positions are assigned
 * inside D1's serialised inserts, so once position P is visible every lower position is too: a
 * reader that saw P can fetch what the queue has not brought it yet, and nothing else exists.
 */
export async function loadEventsBetween(db: Database, range: { typePrefix: string; after: number; before: number; limit: number }): Promise<EventMessage[]> {
  if (range.before - range.after <= 1) return [];
  const rows = await db
    .select()
    .from(events)
    .where(and(gt(events.position, range.after), lt(events.position, range.before), like(events.type, `${range.typePrefix}%`)))
    .orderBy(desc(events.position))
    .limit(range.limit);
  return rows.reverse().map(toMessage);
}
