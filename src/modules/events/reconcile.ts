import { and, asc, gte, inArray, isNotNull, lt, lte, sql } from "drizzle-orm";
import { createDb } from "../../db/client";
import type { Env } from "../../env";
import { log } from "../../shared/log";
import { recordDeadLetter } from "./consumer";
import { EVENT_REDELIVERY_GRACE_MS, toMessage } from "./relay";
import { events } from "./tables";

/** Sends again at 5, 10 and 20 minutes past the grace period; then the event becomes a dead letter. */
export const MAX_EVENT_REDELIVERIES = 3;
const BATCH = 50;

/**
 * Cron: end-to-end reconciliation of the outbox. The relay marks an event published once the queue has
 * accepted it, but a queue can still lose it (a local queue keeps messages in memory; a consumer can die
 * before it runs anything). An event that no consumer has handled `EVENT_REDELIVERY_GRACE_MS` after it was
 * published is sent again, with a doubling wait, at most `MAX_EVENT_REDELIVERIES` times; after that it is
 * recorded as a dead letter, where an admin sees it and can replay it. Idempotent: consumers run each
 * (event, handler) once, and rows are claimed with one conditional UPDATE, so concurrent runs send each once.
 */
export async function redeliverUnhandledEvents(env: Pick<Env, "DB" | "EVENTS">, now = new Date()): Promise<{ redelivered: number; deadLettered: number; failed: number }> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  const due = (more: ReturnType<typeof sql> | ReturnType<typeof and>) =>
    db
      .select({ id: events.id })
      .from(events)
      .where(and(isNotNull(events.redeliverAt), lte(events.redeliverAt, at), more))
      .orderBy(asc(events.redeliverAt))
      .limit(BATCH);

  // Claim: the next check moves out by grace x 2^tries, so two crons never send the same row in one round.
  const claimed = await db
    .update(events)
    .set({
      redeliveries: sql`${events.redeliveries} + 1`,
      redeliverAt: sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${at}, '+' || (${EVENT_REDELIVERY_GRACE_MS / 1000} * (1 << ${events.redeliveries})) || ' seconds')`,
    })
    .where(and(inArray(events.id, due(lt(events.redeliveries, MAX_EVENT_REDELIVERIES))), lte(events.redeliverAt, at), lt(events.redeliveries, MAX_EVENT_REDELIVERIES)))
    .returning();
  let failed = 0;
  if (claimed.length > 0) {
    try {
      await env.EVENTS.sendBatch(claimed.map((row) => ({ body: toMessage(row), contentType: "json" as const })));
      log.warn("events sent again: published but not handled in time", { events: claimed.length, ids: claimed.map((r) => r.id).slice(0, 10) });
    } catch (error) {
      failed = claimed.length;
      log.warn("event redelivery failed; the next check retries", { events: claimed.length, error: String(error) });
    }
  }

  const exhausted = await db
    .update(events)
    .set({ redeliverAt: null })
    .where(and(inArray(events.id, due(gte(events.redeliveries, MAX_EVENT_REDELIVERIES))), lte(events.redeliverAt, at)))
    .returning();
  for (const row of exhausted) await recordDeadLetter(db, toMessage(row), row.redeliveries, `event:${row.id}`);
  if (exhausted.length > 0) log.error("events never handled after every redelivery; recorded as dead letters", { ids: exhausted.map((r) => r.id) });
  return { redelivered: claimed.length - failed, deadLettered: exhausted.length, failed };
}
