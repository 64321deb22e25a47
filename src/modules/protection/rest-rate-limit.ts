import type { MiddlewareHandler } from "hono";
import { clientIdentity, protectionLimits, type RatePolicy } from "./limits";
import { problemFor, problemResponse } from "../../http/problem";
import type { BucketState } from "./rate-limiter-object";
import { logLimiterFailure, takeTokens } from "./rate-limiter";
import type { AppEnv } from "../../http/types";

/**
 * `RateLimit-Policy` and `RateLimit` as in draft-ietf-httpapi-ratelimit-headers (structured fields:
 * `"name";q=<quota>;w=<window s>` and `"name";r=<remaining>;t=<s until the quota is whole again>`).
 */
export function rateLimitHeaders(policy: RatePolicy, state: BucketState): Record<string, string> {
  return {
    "RateLimit-Policy": `"${policy.name}";q=${policy.quota};w=${policy.windowSeconds}`,
    RateLimit: `"${policy.name}";r=${state.remaining};t=${Math.ceil(state.resetMs / 1000)}`,
  };
}

/**
 * One bucket per admin API key, per customer, or per client IP (anonymous callers), each with its
 * configured policy. Runs after `authenticate`, before any handler work. Local-first: the isolate
 * spends from its copy of the bucket and settles with the RateLimiterObject in the background, so a
 * read costs no object call on its path (takeTokens); a refused request costs nothing else.
 */
export const restRateLimit = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const limits = protectionLimits(c.env);
  const who = clientIdentity(c.get("services").actor, c.req.raw);
  const policy = limits.rest[who.kind];
  let state: BucketState;
  try {
    state = await takeTokens(c.env, `rest:${who.kind}:${who.id}`, policy, 1, (p) => c.executionCtx.waitUntil(p));
  } catch (error) {
    // Fail open: an unreachable limiter must not take the shop down with it. Logged to be seen.
    logLimiterFailure(error, c.get("requestId"), "rest");
    return next();
  }
  const headers = rateLimitHeaders(policy, state);
  if (!state.allowed) {
    const retryAfter = Math.max(1, Math.ceil(state.retryAfterMs / 1000));
    return problemResponse(
      c,
      problemFor("THROTTLED", `Rate limit of ${policy.quota} requests per ${policy.windowSeconds} s exceeded; retry in ${retryAfter} s.`, {
        instance: new URL(c.req.url).pathname,
        request_id: c.get("requestId"),
      }),
      { ...headers, "Retry-After": String(retryAfter) },
    );
  }
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
};
