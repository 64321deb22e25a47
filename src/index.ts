import { app } from "./app";
import type { Env } from "./env";

export { CatalogService } from "./modules/catalog/rpc";
export { InventoryObject, RateLimiterObject, IdempotencyObject, OrderFeedObject, RiskCounterObject } from "./objects";

export default {
  fetch: app.fetch,
  async queue(batch, _env, _ctx) {
    // Consumers arrive with the events issue; until then acknowledge nothing so messages are retried.
    for (const message of batch.messages) message.retry();
  },
  async scheduled(_controller, _env, _ctx) {
    // The outbox sweeper arrives with the events issue.
  },
} satisfies ExportedHandler<Env>;
