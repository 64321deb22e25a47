import type { BucketPolicy } from "../protection";

/** Session tokens also work as `Authorization: Bearer` (scripts, curl); the prefix tells them apart. */
export const STAFF_SESSION_PREFIX = "essess_";
/** A session lasts a working day from sign-in; then sign in again. */
export const STAFF_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often per session, so authenticated reads stay reads. */
export const SESSION_LAST_SEEN_RESOLUTION_MS = 60 * 1000;
/** Staff passwords protect the whole shop: at least 12 characters. */
export const STAFF_PASSWORD_MIN_LENGTH = 12;

/** Failed staff sign-ins are throttled like customers' (docs/customers.md), in buckets of their own. */
export const STAFF_SIGN_IN_THROTTLE = {
  perEmail: { capacity: 5, refillPerSecond: 1 / 60 },
  perIp: { capacity: 20, refillPerSecond: 1 / 15 },
} as const satisfies Record<string, BucketPolicy>;
