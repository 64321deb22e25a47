import { and, asc, desc, eq, gt, inArray, lt, type SQL } from "drizzle-orm";
import { requireAdmin, type ServiceContext } from "../../context";
import { conflict, notFound, ServiceError } from "../../shared/errors";
import { decodeCursor, type Page, pageOf } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { eventTypes } from "./outbox";
import { DeadLetter, ListDeadLettersInput, ListEventsInput, ReplayEventInput, type Event, type EventReplay } from "./schemas";
import { deadLetters, eventHandlerRuns, events } from "./tables";
import { handlersFor } from "./handlers";
import { EVENT_REDELIVERY_GRACE_MS, toMessage } from "./relay";
import { log } from "../../shared/log";

type EventRow = typeof events.$inferSelect;

function toEvent(row: EventRow): Event {
  return {
    id: row.id,
    type: row.type as Event["type"],
    resource: { type: row.resourceType, id: row.resourceId },
    sequence: row.sequence,
    timestamp: row.payload.timestamp,
    data: row.payload.data,
    publishedAt: row.publishedAt,
    handledAt: row.handledAt,
  };
}

function parseTypes(raw: string | undefined): string[] | null {
  if (!raw) return null;
  const types = [...new Set(raw.split(",").map((t) => t.trim()).filter(Boolean))];
  const unknown = types.filter((t) => !(eventTypes as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw new ServiceError("VALIDATION_FAILED", `Unknown event type: ${unknown.join(", ")}.`, { errors: [{ pointer: "/types", detail: `Use one of ${eventTypes.join(", ")}.` }] });
  }
  return types.length > 0 ? types : null;
}

export interface EventFeedPage extends Page<Event> {
  /** Where to resume: after the last item, or the cursor given when nothing new arrived. */
  resumeCursor: string | null;
}

/**
 * The pull API: events in commit order (position), after a cursor. Commit order matters for a
 * receiver reconciling with `after=`: an event committed late can never appear behind a cursor
 * the receiver already holds.
 */
export async function listEvents(ctx: ServiceContext, rawInput: unknown = {}): Promise<EventFeedPage> {
  requireAdmin(ctx.actor, "events:read");
  const input = parseInput(ListEventsInput, rawInput);
  const types = parseTypes(input.types);
  const after = input.after ? decodeCursor(input.after, "/after") : null;
  if (after && typeof after.v !== "number") throw new ServiceError("VALIDATION_FAILED", "The cursor is not valid.", { errors: [{ pointer: "/after", detail: "Not an event cursor." }] });
  const rows = await ctx.db
    .select()
    .from(events)
    .where(and(after ? gt(events.position, after.v as number) : undefined, types ? inArray(events.type, types) : undefined))
    .orderBy(asc(events.position))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: r.position, id: r.id }), after !== null);
  return { ...page, items: page.items.map(toEvent), resumeCursor: page.cursors.at(-1) ?? input.after ?? null };
}

export async function getEvent(ctx: ServiceContext, id: string): Promise<Event> {
  requireAdmin(ctx.actor, "events:read");
  const row = await ctx.db.select().from(events).where(eq(events.id, id)).get();
  if (!row) throw notFound("Event", id);
  return toEvent(row);
}

function toDeadLetter(row: typeof deadLetters.$inferSelect): DeadLetter {
  const { key: _key, ...rest } = row;
  return DeadLetter.parse(rest);
}

export async function listDeadLetters(ctx: ServiceContext, rawInput: unknown = {}): Promise<Page<DeadLetter>> {
  requireAdmin(ctx.actor, "events:read");
  const input = parseInput(ListDeadLettersInput, rawInput);
  const after = input.cursor ? decodeCursor(input.cursor).id : null;
  const filters: (SQL | undefined)[] = [input.status ? eq(deadLetters.status, input.status) : undefined, after ? lt(deadLetters.id, after) : undefined];
  const rows = await ctx.db.select().from(deadLetters).where(and(...filters)).orderBy(desc(deadLetters.id)).limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: null, id: r.id }), after !== null);
  return { ...page, items: page.items.map(toDeadLetter) };
}

export async function getDeadLetter(ctx: ServiceContext, id: string): Promise<DeadLetter> {
  requireAdmin(ctx.actor, "events:read");
  const row = await ctx.db.select().from(deadLetters).where(eq(deadLetters.id, id)).get();
  if (!row) throw notFound("Dead letter", id);
  return toDeadLetter(row);
}

/**
 * Put a dead message back on the EVENTS queue. Handlers that already succeeded for the event are
 * skipped (they are recorded per event), so a replay only re-runs what failed.
 */
export async function replayDeadLetter(ctx: ServiceContext, id: string): Promise<DeadLetter> {
  requireAdmin(ctx.actor, "events:write");
  const row = await ctx.db.select().from(deadLetters).where(eq(deadLetters.id, id)).get();
  if (!row) throw notFound("Dead letter", id);
  if (!row.eventId) throw conflict("This dead letter is not an event envelope and cannot be replayed.");
  const at = new Date().toISOString();
  // Claim first (compare-and-set on status), so two admins replaying at once send it once.
  const [claimed] = await ctx.db
    .update(deadLetters)
    .set({ status: "replayed", replayedAt: at })
    .where(and(eq(deadLetters.id, id), eq(deadLetters.status, "dead")))
    .returning();
  if (!claimed) throw conflict("This dead letter was already replayed; it comes back here if it fails again.");
  try {
    await ctx.env.EVENTS.send(row.body, { contentType: "json" });
  } catch (error) {
    await ctx.db.update(deadLetters).set({ status: "dead", replayedAt: row.replayedAt }).where(eq(deadLetters.id, id));
    throw error;
  }
  return toDeadLetter(claimed);
}

/**
 * Run an event's handlers again: the named ones, or every handler subscribed to its type. Their records of
 * having run are cleared and the event goes back on the queue; handlers not named keep theirs and are skipped.
 * Handlers are idempotent by design (webhook fan-out creates only the deliveries that are missing: to send an
 * existing delivery again, redeliver it; to send the event to one endpoint, POST /v1/webhook-endpoints/{id}/replay).
 * The reconciler watches the replay like any published event, so a lost message is sent again.
 */
export async function replayEvent(ctx: ServiceContext, id: string, rawInput: unknown = {}): Promise<EventReplay> {
  requireAdmin(ctx.actor, "events:write");
  const input = parseInput(ReplayEventInput, rawInput);
  const row = await ctx.db.select().from(events).where(eq(events.id, id)).get();
  if (!row) throw notFound("Event", id);
  const subscribed = handlersFor(row.type).map((h) => h.name);
  if (subscribed.length === 0) throw conflict(`No handler reacts to ${row.type} events; there is nothing to run again.`);
  const chosen = [...new Set(input.handlers ?? subscribed)];
  const unknown = (input.handlers ?? []).flatMap((name, i) => (subscribed.includes(name) ? [] : [{ pointer: `/handlers/${i}`, detail: `Not a handler of ${row.type}; use one of ${subscribed.join(", ")}.` }]));
  if (unknown.length > 0) throw new ServiceError("VALIDATION_FAILED", "Unknown handler for this event.", { errors: unknown });
  const now = new Date();
  const [, updated] = await ctx.db.batch([
    ctx.db.delete(eventHandlerRuns).where(and(eq(eventHandlerRuns.eventId, id), inArray(eventHandlerRuns.handler, chosen), eq(eventHandlerRuns.status, "done"))),
    ctx.db
      .update(events)
      .set({ handledAt: null, redeliveries: 0, redeliverAt: new Date(now.getTime() + EVENT_REDELIVERY_GRACE_MS).toISOString() })
      .where(eq(events.id, id))
      .returning(),
  ]);
  try {
    await ctx.env.EVENTS.send(toMessage(row), { contentType: "json" });
  } catch (error) {
    // Not lost: redeliver_at is set, so the reconciler sends it within a few minutes.
    log.warn("event replay could not reach the queue; the reconciler will send it", { event_id: id, error: String(error) });
  }
  return { event: toEvent(updated[0]!), handlers: chosen };
}
