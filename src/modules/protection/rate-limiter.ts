import type { Env } from "../../env";
import { log } from "../../shared/log";
import type { BucketPolicy, BucketState } from "./rate-limiter-object";

// The client of RateLimiterObject: every caller (REST and GraphQL limits, sign-in throttling) takes
// and gives back tokens through these two functions, never through the stub directly.

/** Take `cost` tokens from the bucket named `key` under `policy`. */
export function consumeRateLimit(env: Pick<Env, "RATE_LIMITER">, key: string, policy: BucketPolicy, cost = 1): Promise<BucketState> {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).consume(policy, cost);
}

/** Give `amount` tokens back to the bucket named `key` (never above its capacity). */
export function refundRateLimit(env: Pick<Env, "RATE_LIMITER">, key: string, policy: BucketPolicy, amount: number): Promise<BucketState> {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).refund(policy, amount);
}

/** One JSON line when the rate limiter cannot be reached (the request is served without a limit). */
export function logLimiterFailure(error: unknown, requestId: string | undefined, surface: "rest" | "graphql"): void {
  log.warn("rate limiter unavailable; request served without a limit", { surface, request_id: requestId, error: error instanceof Error ? error.message : String(error) });
}
