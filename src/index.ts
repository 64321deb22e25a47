import type * as AppModule from "./app";
import type { Env } from "./env";
import { createDb } from "./db/client";
import { consumeEvents, EVENTS_DLQ, recordDeadLetters } from "./modules/events/consumer";
import { publishPendingEvents } from "./modules/events/relay";
import { reconcileOrderStock } from "./modules/orders";
import { rebuildNeighbours } from "./modules/recommendations";
import { sweepDueDeliveries } from "./modules/webhooks/delivery";

// The HTTP app (every route definition, zod schema and the OpenAPI registry) is built on the first
// request instead of at start-up: the bundler evaluates a dynamically imported module lazily, which
// keeps Worker start-up CPU inside its budget (docs/performance.md).
let loadApp: Promise<typeof AppModule> | undefined;
/** The nightly cron in wrangler.toml; every other trigger is the every-minute one. */
const NIGHTLY_CRON = "0 3 * * *";

export { CatalogService } from "./modules/catalog/rpc";
export { InventoryObject, RateLimiterObject, IdempotencyObject, OrderFeedObject, RiskCounterObject } from "./objects";

export default {
  async fetch(request, env, ctx) {
    const { app } = await (loadApp ??= import("./app"));
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env, _ctx) {
    // One Worker consumes both queues; the dead-letter queue only records what it receives.
    if (batch.queue === EVENTS_DLQ) return recordDeadLetters(batch, env);
    return consumeEvents(batch, env);
  },
  async scheduled(controller, env, _ctx) {
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
  },
} satisfies ExportedHandler<Env>;
