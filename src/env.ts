import type { IdempotencyObject } from "./http/idempotency-object";
import type { RateLimiterObject } from "./http/rate-limiter-object";
import type { InventoryObject } from "./modules/inventory/inventory-object";
import type { OrderFeedObject } from "./modules/orders/order-feed-object";

/** Bindings declared in wrangler.toml, plus secrets from `.dev.vars` / `wrangler secret put`. */
export interface Env {
  DB: D1Database;
  EVENTS: Queue;
  INVENTORY: DurableObjectNamespace<InventoryObject>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiterObject>;
  IDEMPOTENCY: DurableObjectNamespace<IdempotencyObject>;
  ORDER_FEED: DurableObjectNamespace<OrderFeedObject>;
  /** "development" enables GraphiQL and introspection; anything else is production. */
  ENVIRONMENT: string;
  SHIPPING_RATES: string;
  TAX_RATES: string;
  /** Protection limits (docs/protection.md); each optional, with the defaults in src/http/limits.ts. */
  RATE_LIMIT_IP?: string;
  RATE_LIMIT_CUSTOMER?: string;
  RATE_LIMIT_ADMIN_KEY?: string;
  GRAPHQL_COST_MAXIMUM?: string;
  GRAPHQL_COST_RESTORE_RATE?: string;
  GRAPHQL_TRUSTED_DOCUMENTS_ONLY?: string;
  MAX_BODY_BYTES?: string;
  JSON_MAX_DEPTH?: string;
  JSON_MAX_ARRAY_LENGTH?: string;
  /** Bootstrap admin API key (secret). Compared by SHA-256 hash in constant time. */
  ADMIN_API_KEY?: string;
}

export function isDevelopment(env: Pick<Env, "ENVIRONMENT">): boolean {
  return env.ENVIRONMENT === "development";
}
