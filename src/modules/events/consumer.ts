import { and, eq, sql } from "drizzle-orm";
import { createDb, type Database } from "../../db/client";
import type { Env } from "../../env";
import { newId } from "../../shared/ids";
import { handlersFor } from "./handlers";
import type { EventMessage } from "./relay";
import { deadLetters, eventHandlerRuns } from "./tables";
import "./subscribers";

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
        console.warn(
          JSON.stringify({ level: "warn", msg: "event handler failed; retrying", message_id: message.id, attempts: message.attempts, delay_seconds: delaySeconds, error: String(error) }),
        );
        message.retry({ delaySeconds });
      }
    }),
  );
}

/**
 * Run every handler for the event that has not run for it yet. A handler that succeeded is
 * recorded and skipped on redelivery; the first failure stops the message so it is retried.
 */
export async function dispatchEvent(db: Database, env: Env, event: EventMessage): Promise<void> {
  for (const handler of handlersFor(event.type)) {
    const done = await db
      .select({ eventId: eventHandlerRuns.eventId })
      .from(eventHandlerRuns)
      .where(and(eq(eventHandlerRuns.eventId, event.id), eq(eventHandlerRuns.handler, handler.name)))
      .get();
    if (done) continue;
    await handler.handle(env, event);
    await db.insert(eventHandlerRuns).values({ eventId: event.id, handler: handler.name, processedAt: new Date().toISOString() }).onConflictDoNothing();
  }
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
        const body = message.body as Partial<EventMessage> | null;
        const eventId = body && typeof body.id === "string" ? body.id : null;
        const at = new Date().toISOString();
        await db
          .insert(deadLetters)
          .values({
            id: newId("deadLetter"),
            key: eventId ?? `message:${message.id}`,
            eventId,
            eventType: body && typeof body.type === "string" ? body.type : null,
            body: message.body,
            attempts: message.attempts,
            status: "dead",
            firstDeadAt: at,
            lastDeadAt: at,
          })
          .onConflictDoUpdate({
            target: deadLetters.key,
            set: { status: "dead", body: message.body, attempts: message.attempts, lastDeadAt: at, deadCount: sql`${deadLetters.deadCount} + 1` },
          });
        message.ack();
      } catch (error) {
        console.error(JSON.stringify({ level: "error", msg: "could not record dead letter", message_id: message.id, error: String(error) }));
        message.retry({ delaySeconds: 60 });
      }
    }),
  );
}
