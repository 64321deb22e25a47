/** Bindings declared in wrangler.toml, plus secrets from `.dev.vars` / `wrangler secret put`. */
export interface Env {
  DB: D1Database;
  EVENTS: Queue;
  INVENTORY: DurableObjectNamespace;
  RATE_LIMITER: DurableObjectNamespace;
  IDEMPOTENCY: DurableObjectNamespace;
  ORDER_FEED: DurableObjectNamespace;
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
