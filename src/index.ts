import type * as AppModule from "./app";
import type { Env } from "./env";

// The HTTP app (every route definition, zod schema and the OpenAPI registry) is built on the first
// request instead of at start-up: the bundler evaluates a dynamically imported module lazily, which
// keeps Worker start-up CPU inside its budget (docs/performance.md).
let loadApp: Promise<typeof AppModule> | undefined;

export { CatalogService } from "./modules/catalog/rpc";
export { InventoryObject, RateLimiterObject, IdempotencyObject, OrderFeedObject } from "./objects";

export default {
  async fetch(request, env, ctx) {
    const { app } = await (loadApp ??= import("./app"));
    return app.fetch(request, env, ctx);
  },
  async queue(batch, _env, _ctx) {
    // Consumers arrive with the events issue; until then acknowledge nothing so messages are retried.
    for (const message of batch.messages) message.retry();
  },
  async scheduled(_controller, _env, _ctx) {
    // The outbox sweeper arrives with the events issue.
  },
} satisfies ExportedHandler<Env>;
