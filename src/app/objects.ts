// The classes wrangler.toml binds: Durable Objects and the RPC entrypoint. Each lives with the
// module that owns it; the root imports them from their own files (not the module's index.ts) so
// that Worker start-up evaluates only these classes and what they import, never a module's services.
export { InventoryObject } from "../modules/inventory/inventory-object";
export { RateLimiterObject } from "../modules/protection/rate-limiter-object";
export { IdempotencyObject } from "../modules/protection/idempotency-object";
export { OrderFeedObject } from "../modules/orders/order-feed-object";
export { RiskCounterObject } from "../modules/risk/risk-counter-object";
export { CatalogService } from "../modules/catalog/rpc";
