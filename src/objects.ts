// Durable Object classes bound in wrangler.toml. Each lives with the module that owns it.
export { InventoryObject } from "./modules/inventory/inventory-object";
export { RateLimiterObject } from "./http/rate-limiter-object";
export { IdempotencyObject } from "./http/idempotency-object";
export { OrderFeedObject } from "./modules/orders/order-feed-object";
export { RiskCounterObject } from "./modules/risk/risk-counter-object";
