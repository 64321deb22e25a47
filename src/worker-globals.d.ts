// Tells workers-types what the main module exports, so `exports` from "cloudflare:workers"
// (ctx.exports) is typed: the default handler, the RPC entrypoint and the Durable Object classes.
declare namespace Cloudflare {
  interface GlobalProps {
    // eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a global declaration cannot use import statements
    mainModule: typeof import("./index");
    durableNamespaces: "InventoryObject" | "RateLimiterObject" | "IdempotencyObject" | "OrderFeedObject";
  }
}
