import type { Env } from "../../env";
import { ServiceError } from "../../shared/errors";
import { consumeRateLimit, refundRateLimit } from "./rate-limiter";
import type { BucketPolicy } from "./rate-limiter-object";

/** One token bucket an attempt counts against, e.g. `signin:email:<hash>`. */
export interface AttemptBucket {
  key: string;
  policy: BucketPolicy;
}

/** Hand-back for an attempt that succeeded: only failures should count against the caller. */
export type AttemptReceipt = { succeeded(): Promise<void> };

/**
 * Take one attempt from every bucket before the guess is checked (a password, say), so concurrent
 * guesses cannot all slip under the limit. Refused: 429 with the longest wait of the buckets that
 * said no. Used by customer and staff sign-in.
 */
export async function takeAttempt(env: Env, buckets: readonly AttemptBucket[]): Promise<AttemptReceipt> {
  const states = await Promise.all(buckets.map((b) => consumeRateLimit(env, b.key, b.policy, 1)));
  const refund = (only: (allowed: boolean) => boolean) =>
    Promise.all(buckets.filter((_, i) => only(states[i]!.allowed)).map((b) => refundRateLimit(env, b.key, b.policy, 1))).then(() => undefined);
  if (states.some((s) => !s.allowed)) {
    await refund((allowed) => allowed);
    const retryAfterSeconds = Math.max(1, ...states.map((s) => Math.ceil(s.retryAfterMs / 1000)));
    throw new ServiceError("THROTTLED", "Too many failed attempts. Wait for Retry-After seconds before trying again.", { extra: { retryAfterSeconds } });
  }
  return { succeeded: () => refund(() => true) };
}
