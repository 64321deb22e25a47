// The events module's public surface for other modules.
import { inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { toMessage, type EventMessage } from "./relay";
import { events } from "./tables";

export { eventInsert, eventTypes, type EventType, type NewEvent } from "./outbox";
export { publishAfterResponse, publishPendingEvents, type EventMessage } from "./relay";
export { registerEventHandler, type EventHandler } from "./handlers";

/** Events by id, as they travel on the queue (for handlers that only keep ids). */
export async function loadEvents(db: Database, ids: readonly string[]): Promise<Map<string, EventMessage>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(events).where(inArray(events.id, [...ids]));
  return new Map(rows.map((row) => [row.id, toMessage(row)]));
}
