import type { BucketPolicy } from "../protection";

// Password hashing is shared with staff accounts (src/shared/password.ts).
export { PASSWORD_ITERATIONS, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../shared/password";

export const CUSTOMER_TOKEN_PREFIX = "ectok_";
/** Tokens live 30 days from sign-in; signing in again issues a fresh one. */
export const CUSTOMER_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** `last_used_at` is written at most this often per token, so authenticated reads stay reads. */
export const TOKEN_LAST_USED_RESOLUTION_MS = 60 * 1000;

export const MAX_ADDRESSES_PER_CUSTOMER = 50;

/**
 * Failed sign-in throttling (token buckets in RateLimiterObject). Every attempt takes one token from
 * both buckets before the password is checked, so parallel guesses cannot overtake the limit; a
 * successful attempt gives its tokens back, so only failures count.
 * - per email: 5 failures in a burst, then one more every minute (an online guess rate of 1/min per
 *   account, whatever the number of attacking IPs);
 * - per client IP (`CF-Connecting-IP`): 20 failures in a burst, then one every 15 s (slows credential
 *   stuffing across many accounts from one address, yet leaves room for a shared office NAT).
 * Over either limit: 429 `throttled` with `Retry-After`, before the email is looked up.
 */
export const SIGN_IN_THROTTLE = {
  perEmail: { capacity: 5, refillPerSecond: 1 / 60 },
  perIp: { capacity: 20, refillPerSecond: 1 / 15 },
} as const satisfies Record<string, BucketPolicy>;

/** Password reset links live one hour and work once. */
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;
export const PASSWORD_RESET_PREFIX = "prst_";
/**
 * Reset requests per email (3, then one every 10 minutes) and per client IP (10, then one a minute):
 * enough for a customer who mistyped, too few to mail-bomb an address. Over the limit: 429.
 */
export const PASSWORD_RESET_THROTTLE = {
  perEmail: { capacity: 3, refillPerSecond: 1 / 600 },
  perIp: { capacity: 10, refillPerSecond: 1 / 60 },
} as const satisfies Record<string, BucketPolicy>;
