import type { IdempotencyObject } from "./modules/protection/idempotency-object";
import type { RateLimiterObject } from "./modules/protection/rate-limiter-object";
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
  /** Uploaded product images and their sized variants (R2). */
  IMAGES_BUCKET: R2Bucket;
  /** Cloudflare Images: reads image dimensions at upload and makes the sized variants. */
  IMAGES: ImagesBinding;
  /** "development" enables GraphiQL and introspection; anything else is production. */
  ENVIRONMENT: string;
  SHIPPING_RATES: string;
  TAX_RATES: string;
  /** Available at or below this (but above 0) raises inventory.low; default 5. */
  LOW_STOCK_THRESHOLD: string;
  /** How long a cart line holds its stock, in minutes (default 15). */
  CART_HOLD_MINUTES?: string;
  /** Protection limits (docs/protection.md); each optional, with the defaults in src/modules/protection/limits.ts. */
  RATE_LIMIT_IP?: string;
  RATE_LIMIT_CUSTOMER?: string;
  RATE_LIMIT_ADMIN_KEY?: string;
  GRAPHQL_COST_MAXIMUM?: string;
  GRAPHQL_COST_RESTORE_RATE?: string;
  GRAPHQL_TRUSTED_DOCUMENTS_ONLY?: string;
  MAX_BODY_BYTES?: string;
  JSON_MAX_DEPTH?: string;
  JSON_MAX_ARRAY_LENGTH?: string;
  /** "shadow": score and record every checkout's risk but act on no decision. Default: enforce. */
  RISK_MODE?: string;
  /** Origins allowed to call the API from a browser (CORS), comma-separated exact origins. */
  CORS_ALLOWED_ORIGINS?: string;
  /** Workers static assets (web/dist, built by `npm run build:web`): admin SPA, storefront CSS/JS, /docs and GraphiQL bundles. */
  ASSETS?: Fetcher;
  /** Bootstrap admin API key (secret). Compared by SHA-256 hash in constant time. */
  ADMIN_API_KEY?: string;
  /**
   * Secret: 32 random bytes in base64 (`openssl rand -base64 32`). Seals secrets at rest with AES-256-GCM
   * (webhook signing secrets, guest order tokens kept for checkout replays); src/shared/secret-box.ts.
   */
  SECRETS_KEY?: string;
  /** Secret, during a key rotation only: the key SECRETS_KEY replaced, so values it sealed still open until resealed. */
  SECRETS_KEY_PREVIOUS?: string;
  /** Payments (docs/orders.md): `manual` (default) or `stripe` for new orders. */
  PAYMENT_PROVIDER?: string;
  /** `automatic` (default) or `manual`: Stripe authorises at checkout and an admin captures later. */
  STRIPE_CAPTURE_METHOD?: string;
  /** Secret: Stripe's API key (test mode: `sk_test_…`). */
  STRIPE_SECRET_KEY?: string;
  /** Secret: the webhook endpoint's signing secret (`whsec_…`). */
  STRIPE_WEBHOOK_SECRET?: string;
  /** Webhook signature tolerance in seconds (default 300, the library's default). */
  STRIPE_WEBHOOK_TOLERANCE_SECONDS?: string;
  /** Another Stripe API base URL, e.g. a local fake for tests and `wrangler dev` (default https://api.stripe.com). */
  STRIPE_API_BASE?: string;
  /** Email: `log` (default, writes one log line per email) or `cloudflare` (the EMAIL send_email binding). */
  EMAIL_PROVIDER?: string;
  /** The From address of transactional email. */
  EMAIL_FROM?: string;
  /** The storefront's base URL, for links in emails (password reset). */
  STOREFRONT_URL?: string;
  /** Cloudflare's send_email binding (wrangler.toml `[[send_email]]`). */
  EMAIL?: { send(message: { from: string; to: string; subject: string; text: string; html?: string }): Promise<unknown> };
  /** "true" lets webhooks target http and private/loopback addresses. Development only. */
  WEBHOOKS_ALLOW_PRIVATE_URLS?: string;
  /** Per-attempt webhook timeout in milliseconds (default 10000). */
  WEBHOOK_TIMEOUT_MS?: string;
  /** Disable an endpoint after it has failed every attempt for this many hours (default 24). */
  WEBHOOK_DISABLE_AFTER_HOURS?: string;
}

export function isDevelopment(env: Pick<Env, "ENVIRONMENT">): boolean {
  return env.ENVIRONMENT === "development";
}
