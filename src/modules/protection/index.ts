// The protection module's service surface: rate limiting (RateLimiterObject and its client), idempotency
// keys (IdempotencyObject), the limits configuration, JSON limits and the catalog edge cache.
// Transports use ./rest (Hono middleware) and ./graphql (Yoga plugins, the mutation wrapper).
import type { EventHandler } from "../events";
import { purgeCatalogCache } from "./catalog-cache";

export { purgeCatalogCache, provideMarketSlots } from "./catalog-cache";
export { consumeRateLimit, refundRateLimit, logLimiterFailure } from "./rate-limiter";
export { takeAttempt, type AttemptBucket, type AttemptReceipt } from "./attempts";
export { RateLimiterObject, type BucketPolicy, type BucketState } from "./rate-limiter-object";
export { IdempotencyObject } from "./idempotency-object";
export { protectionLimits, clientIdentity, type ProtectionLimits, type RatePolicy } from "./limits";
export { assertJsonWithinLimits, type JsonLimits } from "./json-limits";

/**
 * The writer's own colo purges right after its batch; this reaches the colo that consumes the queue too.
 * Purging twice is harmless (it starts a new cache generation), so redelivery needs no extra guard.
 */
export const catalogCachePurge: EventHandler = {
  name: "catalog.cache-purge",
  // Catalog reads show market prices: base price and price list changes make cached pages stale too.
  types: ["product.created", "product.updated", "product.deleted", "price.changed", "price_list.created", "price_list.updated", "price_list.deleted"],
  handle: (env, event) => purgeCatalogCache(env, { productId: event.resource.id }),
};
