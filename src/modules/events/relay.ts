import { and, asc, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { createDb, type Database } from "../../db/client";
import type { Env } from "../../env";
import type { EventType } from "./outbox";
import { events, type EventPayload } from "./tables";
import { log } from "../../shared/log";

/** What travels on the EVENTS queue: the outbox row, enough for any handler without a D1 read. */
export interface EventMessage {
  id: string;
  type: EventType;
  resource: { type: string; id: string };
  sequence: number;
  position: number | null;
  payload: EventPayload;
  createdAt: string;
}

/**
 * How long a published event may go unhandled before the reconciler sends it again (src/modules/events/reconcile.ts).
 * Queue deliveries take seconds; a consumer holds a handler for at most HANDLER_LEASE_MS.
 */
export const EVENT_REDELIVERY_GRACE_MS = 5 * 60_000;

/** How long a relay owns the rows it claimed; a relay that dies mid-send frees them after this. */
export const RELAY_LEASE_MS = 60_000;
/** Queues accept at most 100 messages per sendBatch. */
const BATCH_SIZE = 100;

export interface RelayResult {
  published: number;
  failed: number;
}

/**
 * Move unpublished outbox rows to the EVENTS queue. Safe to run concurrently: rows are claimed
 * with one conditional UPDATE (a lease), so two relays never hold the same row; if a crash
 * between send and mark makes an event go twice, consumers are idempotent per event id.
 * A failed send releases the claim and leaves the rows for the next run (the cron sweeper).
 */
export async function publishPendingEvents(env: Pick<Env, "DB" | "EVENTS">, options: { now?: Date; maxBatches?: number } = {}): Promise<RelayResult> {
  const db = createDb(env.DB);
  const result: RelayResult = { published: 0, failed: 0 };
  for (let round = 0; round < (options.maxBatches ?? 10); round++) {
    const now = options.now ?? new Date();
    const claimed = await claimBatch(db, now);
    if (claimed.length === 0) break;
    const ids = claimed.map((row) => row.id);
    try {
      await env.EVENTS.sendBatch(claimed.map((row) => ({ body: toMessage(row), contentType: "json" as const })));
    } catch (error) {
      result.failed += claimed.length;
      log.warn("event relay send failed; left for the sweeper", { events: ids.length, error: String(error) });
      await db.update(events).set({ relayLeaseUntil: null }).where(and(inArray(events.id, ids), isNull(events.publishedAt)));
      break;
    }
    const publishedAt = new Date();
    await db
      .update(events)
      .set({
        publishedAt: publishedAt.toISOString(),
        relayLeaseUntil: null,
        // Unless a consumer was quicker than this update, the reconciler checks on it after the grace period.
        redeliverAt: sql`CASE WHEN ${events.handledAt} IS NULL THEN ${new Date(publishedAt.getTime() + EVENT_REDELIVERY_GRACE_MS).toISOString()} END`,
      })
      .where(inArray(events.id, ids));
    result.published += claimed.length;
    if (claimed.length < BATCH_SIZE) break;
  }
  return result;
}

/** Schedule the relay after the response: call right after a batch that recorded events. */
export function publishAfterResponse(ctx: Pick<ServiceContext, "env" | "waitUntil">): void {
  ctx.waitUntil(
    publishPendingEvents(ctx.env).catch((error: unknown) => {
      // Nothing is lost: the rows stay unpublished and the cron sweeper sends them.
      log.warn("event relay failed", { error: String(error) });
    }),
  );
}

async function claimBatch(db: Database, now: Date) {
  const at = now.toISOString();
  const leaseUntil = new Date(now.getTime() + RELAY_LEASE_MS).toISOString();
  const candidates = db
    .select({ id: events.id })
    .from(events)
    .where(and(isNull(events.publishedAt), or(isNull(events.relayLeaseUntil), lt(events.relayLeaseUntil, at))))
    .orderBy(asc(events.createdAt))
    .limit(BATCH_SIZE);
  // One statement: D1 runs it alone, so the re-checked conditions make the claim exclusive.
  const rows = await db
    .update(events)
    .set({ relayLeaseUntil: leaseUntil })
    .where(
      and(
        inArray(events.id, candidates),
        isNull(events.publishedAt),
        or(isNull(events.relayLeaseUntil), lt(events.relayLeaseUntil, at)),
      ),
    )
    .returning();
  return rows.sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.createdAt.localeCompare(b.createdAt));
}

export function toMessage(row: typeof events.$inferSelect): EventMessage {
  return {
    id: row.id,
    type: row.type as EventType,
    resource: { type: row.resourceType, id: row.resourceId },
    sequence: row.sequence,
    position: row.position,
    payload: row.payload,
    createdAt: row.createdAt,
  };
}

