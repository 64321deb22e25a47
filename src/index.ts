import { app } from "./app";
import type { Env } from "./env";
import { consumeEvents, EVENTS_DLQ, recordDeadLetters } from "./modules/events/consumer";
import { publishPendingEvents } from "./modules/events/relay";
import { sweepDueDeliveries } from "./modules/webhooks/delivery";

export { CatalogService } from "./modules/catalog/rpc";
export { InventoryObject, RateLimiterObject, IdempotencyObject, OrderFeedObject, RiskCounterObject } from "./objects";

export default {
  fetch: app.fetch,
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
