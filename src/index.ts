import type { Env } from "./env";
import type * as BackgroundModule from "./app/background";
import type * as BrowserModule from "./app/browser";
import type * as HttpModule from "./app/http";
import { isBrowserRequest } from "./web/paths";

// The Worker's entry (wrangler.toml `main`). The composition root is src/app/: it alone wires modules
// to transports and to each other. Start-up CPU is spent only on what every isolate needs: the
// Durable Object and RPC classes. The HTTP app (every route, zod schema and the OpenAPI registry) and
// the queue/cron work are built on first use: the bundler evaluates a dynamically imported module
// lazily (docs/performance.md).
let loadApp: Promise<typeof HttpModule> | undefined;
let loadBackground: Promise<typeof BackgroundModule> | undefined;
let loadBrowser: Promise<typeof BrowserModule> | undefined;
const background = () => (loadBackground ??= import("./app/background"));

// Durable Object classes and the RPC entrypoint that wrangler.toml binds, by name (the test pool and
// wrangler read the entry's named exports; `export *` hides them).
export { InventoryObject, RateLimiterObject, IdempotencyObject, OrderFeedObject, RiskCounterObject, CatalogService } from "./app/objects";

export default {
  async fetch(request, env, ctx) {
    // Pages for people (storefront, admin shell, /docs, GraphiQL): src/app/browser, which calls the API in-process.
    if (isBrowserRequest(request)) return (await (loadBrowser ??= import("./app/browser"))).handleBrowserRequest(request, env, ctx);
    const { app } = await (loadApp ??= import("./app/http"));
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env, ctx) {
    return (await background()).queue(batch, env, ctx);
  },
  async scheduled(controller, env, ctx) {
    return (await background()).scheduled(controller, env, ctx);
  },
} satisfies ExportedHandler<Env>;
