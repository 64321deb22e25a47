import type * as AppModule from "./app";
import type { Env } from "./env";
import { consumeEvents, EVENTS_DLQ, recordDeadLetters } from "./modules/events/consumer";
import { publishPendingEvents } from "./modules/events/relay";
import { sweepDueDeliveries } from "./modules/webhooks/delivery";

// The HTTP app (every route definition, zod schema and the OpenAPI registry) is built on the first
// request instead of at start-up: the bundler evaluates a dynamically imported module lazily, which
// keeps Worker start-up CPU inside its budget (docs/performance.md).
let loadApp: Promise<typeof AppModule> | undefined;

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
    // The sweepers: events the per-request relay could not send, and webhook retries that are due.
    const now = new Date(controller.scheduledTime);
    await Promise.all([publishPendingEvents(env), sweepDueDeliveries(env, now)]);
  },
} satisfies ExportedHandler<Env>;
