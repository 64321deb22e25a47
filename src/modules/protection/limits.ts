import type { Env } from "../../env";
import type { BucketPolicy } from "./rate-limiter-object";

/** A REST rate limit: `quota` requests per `windowSeconds`, refilled continuously (a token bucket). */
export interface RatePolicy extends BucketPolicy {
  /** Policy name shown in `RateLimit-Policy` / `RateLimit`. */
  name: string;
  quota: number;
  windowSeconds: number;
}

/** Every configurable protection limit, read from wrangler vars with the documented defaults. */
export interface ProtectionLimits {
  rest: { ip: RatePolicy; customer: RatePolicy; adminKey: RatePolicy };
  /** The GraphQL cost bucket (Shopify's "leaky bucket"): capacity in cost points, restore rate in points/second. */
  graphqlCost: BucketPolicy;
  maxBodyBytes: number;
  json: { maxDepth: number; maxArrayLength: number };
  trustedDocumentsOnly: boolean;
}

export const DEFAULT_LIMITS = {
  RATE_LIMIT_IP: "300/60",
  RATE_LIMIT_CUSTOMER: "600/60",
  RATE_LIMIT_ADMIN_KEY: "1200/60",
  GRAPHQL_COST_MAXIMUM: "2000",
  GRAPHQL_COST_RESTORE_RATE: "100",
  MAX_BODY_BYTES: String(256 * 1024),
  JSON_MAX_DEPTH: "12",
  JSON_MAX_ARRAY_LENGTH: "1000",
} as const;

type LimitVar = keyof typeof DEFAULT_LIMITS;
type LimitEnv = Partial<Record<LimitVar | "GRAPHQL_TRUSTED_DOCUMENTS_ONLY", string>>;

function positive(env: LimitEnv, name: LimitVar): number {
  const value = Number(env[name] ?? DEFAULT_LIMITS[name]);
  return Number.isFinite(value) && value > 0 ? value : Number(DEFAULT_LIMITS[name]);
}

/** `"300/60"` = 300 requests per 60 seconds. A malformed value falls back to the default rather than to no limit. */
function ratePolicy(env: LimitEnv, name: LimitVar, policyName: string): RatePolicy {
  const parse = (text: string) => {
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    return match && Number(match[1]) > 0 && Number(match[2]) > 0 ? { quota: Number(match[1]), windowSeconds: Number(match[2]) } : undefined;
  };
  const { quota, windowSeconds } = parse(env[name] ?? "") ?? parse(DEFAULT_LIMITS[name])!;
  return { name: policyName, quota, windowSeconds, capacity: quota, refillPerSecond: quota / windowSeconds };
}

// Env objects are stable per isolate, so parse once per env object (tests pass overridden copies).
const parsed = new WeakMap<object, ProtectionLimits>();

export function protectionLimits(env: Env): ProtectionLimits {
  const cached = parsed.get(env);
  if (cached) return cached;
  const vars = env as unknown as LimitEnv;
  const limits: ProtectionLimits = {
    rest: {
      ip: ratePolicy(vars, "RATE_LIMIT_IP", "ip"),
      customer: ratePolicy(vars, "RATE_LIMIT_CUSTOMER", "customer"),
      adminKey: ratePolicy(vars, "RATE_LIMIT_ADMIN_KEY", "api-key"),
    },
    graphqlCost: { capacity: positive(vars, "GRAPHQL_COST_MAXIMUM"), refillPerSecond: positive(vars, "GRAPHQL_COST_RESTORE_RATE") },
    maxBodyBytes: positive(vars, "MAX_BODY_BYTES"),
    json: { maxDepth: positive(vars, "JSON_MAX_DEPTH"), maxArrayLength: positive(vars, "JSON_MAX_ARRAY_LENGTH") },
    trustedDocumentsOnly: /^(1|true|yes|on)$/i.test(vars.GRAPHQL_TRUSTED_DOCUMENTS_ONLY ?? ""),
  };
  parsed.set(env, limits);
  return limits;
}

/** Who a rate limit applies to: the API key, else the customer, else the client IP. */
export function clientIdentity(
  actor: { kind: "anonymous" } | { kind: "admin"; keyId: string } | { kind: "customer"; customerId: string },
  request: Request,
): { kind: "adminKey" | "customer" | "ip"; id: string } {
  if (actor.kind === "admin") return { kind: "adminKey", id: actor.keyId };
  if (actor.kind === "customer") return { kind: "customer", id: actor.customerId };
  // Cloudflare sets CF-Connecting-IP on every request at the edge; only local runs lack it.
  return { kind: "ip", id: request.headers.get("cf-connecting-ip") ?? "local" };
}
