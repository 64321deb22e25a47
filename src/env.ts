import type { IdempotencyObject } from "./http/idempotency-object";
import type { RateLimiterObject } from "./http/rate-limiter-object";
import type { InventoryObject } from "./modules/inventory/inventory-object";
import type { OrderFeedObject } from "./modules/orders/order-feed-object";
import type { RiskCounterObject } from "./modules/risk/risk-counter-object";

/** Bindings declared in wrangler.toml, plus secrets from `.dev.vars` / `wrangler secret put`. */
export interface Env {
  DB: D1Database;
  EVENTS: Queue;
  INVENTORY: DurableObjectNamespace<InventoryObject>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiterObject>;
  IDEMPOTENCY: DurableObjectNamespace<IdempotencyObject>;
  ORDER_FEED: DurableObjectNamespace<OrderFeedObject>;
  RISK_COUNTER: DurableObjectNamespace<RiskCounterObject>;
  /** "development" enables GraphiQL and introspection; anything else is production. */
  ENVIRONMENT: string;
  SHIPPING_RATES: string;
  TAX_RATES: string;
  /** Bootstrap admin API key (secret). Compared by SHA-256 hash in constant time. */
  ADMIN_API_KEY?: string;
}

export function isDevelopment(env: Pick<Env, "ENVIRONMENT">): boolean {
  return env.ENVIRONMENT === "development";
}
