import type * as AppModule from "./app";
import type { Env } from "./env";
import type * as BackgroundModule from "./background";
import type * as WebModule from "./web";
import { isBrowserRequest } from "./web/paths";

// Start-up CPU is spent only on what every isolate needs: the Durable Object and RPC classes.
// The HTTP app (every route, zod schema and the OpenAPI registry) and the queue/cron work are built
// on first use: the bundler evaluates a dynamically imported module lazily (docs/performance.md).
let loadApp: Promise<typeof AppModule> | undefined;
let loadBackground: Promise<typeof BackgroundModule> | undefined;
let loadWeb: Promise<typeof WebModule> | undefined;
const background = () => (loadBackground ??= import("./background"));

export { CatalogService } from "./modules/catalog/rpc";
export { InventoryObject, RateLimiterObject, IdempotencyObject, OrderFeedObject, RiskCounterObject } from "./objects";

const apiFetch: WebModule.ApiFetch = async (request, env, ctx) => (await (loadApp ??= import("./app"))).app.fetch(request, env, ctx);

export default {
  async fetch(request, env, ctx) {
    const { app } = await (loadApp ??= import("./app"));
    // Pages for people (storefront, admin shell, /docs, GraphiQL); they call the API app in-process.
    if (isBrowserRequest(request)) return (await (loadWeb ??= import("./web"))).handleBrowserRequest(request, env, ctx, apiFetch);
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env, ctx) {
    return (await background()).queue(batch, env, ctx);
  },
  async scheduled(controller, env, ctx) {
    return (await background()).scheduled(controller, env, ctx);
  },
} satisfies ExportedHandler<Env>;
