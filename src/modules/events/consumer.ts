import { and, eq, lt, sql } from "drizzle-orm";
import { createDb, type Database } from "../../db/client";
import type { Env } from "../../env";
import { newId } from "../../shared/ids";
import { handlersFor } from "./handlers";
import type { EventMessage } from "./relay";
import { deadLetters, eventHandlerRuns, events } from "./tables";
import { log } from "../../shared/log";

export const EVENTS_DLQ = "edgeshop-events-dlq";

/** Backoff before redelivering a failed message: 30 s, 1 min, 2 min … capped at one hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 3600);
}

/**
 * The EVENTS queue consumer. Each message is acknowledged or retried on its own, so one bad
 * message never makes its healthy neighbours run again. After max_retries (wrangler.toml) the
 * platform moves a message to the dead-letter queue, consumed by `recordDeadLetters`.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await dispatchEvent(db, env, parseEventMessage(message.body));
        message.ack();
      } catch (error) {
        const delaySeconds = retryDelaySeconds(message.attempts);
        log.warn("event handler failed; retrying", { message_id: message.id, attempts: message.attempts, delay_seconds: delaySeconds, error: String(error) });
        message.retry({ delaySeconds });
      }
    }),
  );
}

/** How long one consumer owns an (event, handler) run before another may take over. */
export const HANDLER_LEASE_MS = 5 * 60_000;

export class HandlerBusyError extends Error {
  constructor(eventId: string, handler: string) {
    super(`Handler '${handler}' is already running for ${eventId}; retrying later.`);
    this.name = "HandlerBusyError";
  }
}

/**
 * Run every handler for the event that has not run for it yet. Each (event, handler) is claimed
 * in D1 first, so a message delivered twice (even at the same moment) applies each handler once;
 * a handler that throws releases its claim and the message is retried.
 */
export async function dispatchEvent(db: Database, env: Env, event: EventMessage): Promise<void> {
  for (const handler of handlersFor(event.type)) {
    if (!(await claimRun(db, event.id, handler.name))) continue;
    try {
      await handler.handle(env, event);
    } catch (error) {
      await db.delete(eventHandlerRuns).where(and(eq(eventHandlerRuns.eventId, event.id), eq(eventHandlerRuns.handler, handler.name), eq(eventHandlerRuns.status, "running")));
      throw error;
    }
    await db
      .update(eventHandlerRuns)
      .set({ status: "done", leaseUntil: null, processedAt: new Date().toISOString() })
      .where(and(eq(eventHandlerRuns.eventId, event.id), eq(eventHandlerRuns.handler, handler.name)));
  }
  // Every handler has run: nothing left for the reconciler to send again.
  await db.update(events).set({ handledAt: new Date().toISOString(), redeliverAt: null }).where(eq(events.id, event.id));
}

/** True when this consumer now owns the run; false when it is already done; throws when someone else holds it. */
async function claimRun(db: Database, eventId: string, handler: string): Promise<boolean> {
  const now = new Date();
  const leaseUntil = new Date(now.getTime() + HANDLER_LEASE_MS).toISOString();
  const inserted = await db.insert(eventHandlerRuns).values({ eventId, handler, status: "running", leaseUntil }).onConflictDoNothing().returning({ eventId: eventHandlerRuns.eventId });
  if (inserted.length > 0) return true;
  // A consumer that died mid-handler leaves an expired claim: take it over.
  const taken = await db
    .update(eventHandlerRuns)
    .set({ leaseUntil })
    .where(and(eq(eventHandlerRuns.eventId, eventId), eq(eventHandlerRuns.handler, handler), eq(eventHandlerRuns.status, "running"), lt(eventHandlerRuns.leaseUntil, now.toISOString())))
    .returning({ eventId: eventHandlerRuns.eventId });
  if (taken.length > 0) return true;
  const row = await db.select({ status: eventHandlerRuns.status }).from(eventHandlerRuns).where(and(eq(eventHandlerRuns.eventId, eventId), eq(eventHandlerRuns.handler, handler))).get();
  if (row?.status === "done") return false;
  throw new HandlerBusyError(eventId, handler);
}

function parseEventMessage(body: unknown): EventMessage {
  const event = body as Partial<EventMessage> | null;
  if (!event || typeof event.id !== "string" || typeof event.type !== "string" || !event.payload) {
    throw new Error("Message body is not an event envelope.");
  }
  return event as EventMessage;
}

/** DLQ consumer: keep each dead message in D1 (one row per event) for an admin to see and replay. */
export async function recordDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await recordDeadLetter(db, message.body, message.attempts, `message:${message.id}`);
        message.ack();
      } catch (error) {
        log.error("could not record dead letter", { message_id: message.id, error: String(error) });
        message.retry({ delaySeconds: 60 });
      }
    }),
  );
}

/** Keep a message that will not be delivered any more (one row per event) for an admin to see and replay. */
export async function recordDeadLetter(db: Database, messageBody: unknown, attempts: number, fallbackKey: string): Promise<void> {
  const body = messageBody as Partial<EventMessage> | null;
  const eventId = body && typeof body.id === "string" ? body.id : null;
  const at = new Date().toISOString();
  await db
    .insert(deadLetters)
    .values({
      id: newId("deadLetter"),
      key: eventId ?? fallbackKey,
      eventId,
      eventType: body && typeof body.type === "string" ? body.type : null,
      body: messageBody,
      attempts,
      status: "dead",
      firstDeadAt: at,
      lastDeadAt: at,
    })
    .onConflictDoUpdate({
      target: deadLetters.key,
      set: { status: "dead", body: messageBody, attempts, lastDeadAt: at, deadCount: sql`${deadLetters.deadCount} + 1` },
    });
}
