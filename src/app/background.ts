import { createDb } from "../db/client";
import type { Env } from "../env";
import { consumeEvents, EVENTS_DLQ, publishPendingEvents, recordDeadLetters, redeliverUnhandledEvents } from "../modules/events";
import { reconcileOrderStock, releaseAbandonedCheckouts } from "../modules/orders";
import { rebuildNeighbours } from "../modules/recommendations";
import { resealWebhookSecrets, sweepDueDeliveries } from "../modules/webhooks";
import "./subscribers";
import "./wiring";

/** The nightly cron in wrangler.toml; every other trigger is the every-minute one. */
export const NIGHTLY_CRON = "0 3 * * *";

type CronTask = (env: Env, now: Date) => Promise<unknown>;

/** What each cron trigger runs, in parallel. Add a module's periodic work here (and its schedule in wrangler.toml). */
const everyMinute: readonly CronTask[] = [
  // events the per-request relay could not send
  (env) => publishPendingEvents(env),
  // events the queue accepted but no consumer handled (a lost message): sent again, then dead-lettered
  (env, now) => redeliverUnhandledEvents(env, now),
  // webhook retries that are due
  (env, now) => sweepDueDeliveries(env, now),
  // webhook secrets stored before sealing, or sealed with SECRETS_KEY_PREVIOUS after a key rotation
  (env) => resealWebhookSecrets(env),
  // order stock that a request could not commit or return
  (env, now) => reconcileOrderStock(env, createDb(env.DB), now),
  // checkouts whose Worker died before writing the order: their holds go back to the cart, the cart reopens
  (env, now) => releaseAbandonedCheckouts(env, now),
];
const nightly: readonly CronTask[] = [
  // recompute every product's neighbour list (recordPurchase refreshes only the purchased products'
  // lists, so others drift as their neighbours' counts change)
  (env) => rebuildNeighbours(createDb(env.DB)),
];

/** Queue consumer: one Worker consumes both queues; the dead-letter queue only records what it receives. */
export async function queue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
  if (batch.queue === EVENTS_DLQ) return recordDeadLetters(batch, env);
  return consumeEvents(batch, env);
}

/** Cron triggers. */
export async function scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const now = new Date(controller.scheduledTime);
  const tasks = controller.cron === NIGHTLY_CRON ? nightly : everyMinute;
  await Promise.all(tasks.map((task) => task(env, now)));
}
