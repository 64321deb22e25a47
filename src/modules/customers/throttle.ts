import type { ServiceContext } from "../../context";
import { consumeRateLimit, refundRateLimit, type BucketPolicy } from "../protection";
import { sha256Hex } from "../../shared/crypto";
import { ServiceError } from "../../shared/errors";
import { SIGN_IN_THROTTLE } from "./config";

interface Bucket {
  key: string;
  policy: BucketPolicy;
}

/** Hand-back for an attempt that succeeded: only failures should count against the caller. */
export type ThrottleReceipt = { succeeded(): Promise<void> };

/**
 * Take one attempt from every bucket before the password is checked, so concurrent guesses cannot
 * all slip under the limit. Refused: 429 with the longest wait of the buckets that said no.
 */
async function takeAttempt(ctx: ServiceContext, buckets: Bucket[]): Promise<ThrottleReceipt> {
  const states = await Promise.all(buckets.map((b) => consumeRateLimit(ctx.env, b.key, b.policy, 1)));
  const refund = (only: (allowed: boolean) => boolean) =>
    Promise.all(buckets.filter((_, i) => only(states[i]!.allowed)).map((b) => refundRateLimit(ctx.env, b.key, b.policy, 1))).then(() => undefined);
  if (states.some((s) => !s.allowed)) {
    await refund((allowed) => allowed);
    const retryAfterSeconds = Math.max(1, ...states.map((s) => Math.ceil(s.retryAfterMs / 1000)));
    throw new ServiceError("THROTTLED", "Too many failed attempts. Wait for Retry-After seconds before trying again.", { extra: { retryAfterSeconds } });
  }
  return { succeeded: () => refund(() => true) };
}

export async function emailBucket(email: string): Promise<Bucket> {
  return { key: `signin:email:${await sha256Hex(email)}`, policy: SIGN_IN_THROTTLE.perEmail };
}

export function ipBucket(ctx: ServiceContext): Bucket {
  return { key: `signin:ip:${ctx.clientIp ?? "unknown"}`, policy: SIGN_IN_THROTTLE.perIp };
}

/**
 * A password guess (sign-in, or the current password on a password change) counts against the
 * email and the client IP.
 */
export async function throttlePasswordAttempt(ctx: ServiceContext, email: string): Promise<ThrottleReceipt> {
  return takeAttempt(ctx, [await emailBucket(email), ipBucket(ctx)]);
}
