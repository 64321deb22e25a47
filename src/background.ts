import { createDb } from "./db/client";
import type { Env } from "./env";
import { consumeEvents, EVENTS_DLQ, recordDeadLetters } from "./modules/events/consumer";
import { publishPendingEvents } from "./modules/events/relay";
import { reconcileOrderStock } from "./modules/orders";
import { rebuildNeighbours } from "./modules/recommendations";
import { sweepDueDeliveries } from "./modules/webhooks/delivery";

/** The nightly cron in wrangler.toml; every other trigger is the every-minute one. */
export const NIGHTLY_CRON = "0 3 * * *";

/** Queue consumer: one Worker consumes both queues; the dead-letter queue only records what it receives. */
export async function queue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
  if (batch.queue === EVENTS_DLQ) return recordDeadLetters(batch, env);
  return consumeEvents(batch, env);
}

/** Cron triggers. */
export async function scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const now = new Date(controller.scheduledTime);
  // Nightly: recompute every product's neighbour list (recordPurchase refreshes only the
  // purchased products' lists, so others drift as their neighbours' counts change).
  if (controller.cron === NIGHTLY_CRON) {
    await rebuildNeighbours(createDb(env.DB));
    return;
  }
  // Every minute: events the per-request relay could not send, webhook retries that are due,
  // and order stock that a request could not commit or return.
  await Promise.all([publishPendingEvents(env), sweepDueDeliveries(env, now), reconcileOrderStock(env, createDb(env.DB), now)]);
}
