import type { BucketPolicy } from "../protection";

/**
 * PBKDF2-SHA256 iterations for new password hashes: the highest count Cloudflare's production runtime
 * accepts. workerd's `DEFAULT_MAX_PBKDF2_ITERATIONS` is 100,000 and `checkPbkdfLimits` throws
 * `NotSupportedError: Pbkdf2 failed: iteration counts above 100000 are not supported` above it; the
 * open-source workerd used by wrangler dev and the tests lifts that cap, so a higher value would pass
 * locally and break every sign-in in production. OWASP asks for 600,000; the rate limits below and
 * the per-user salt are what make up the difference. Stored per hash, so it can be raised later.
 */
export const PASSWORD_ITERATIONS = 100_000;
export const PASSWORD_SALT_BYTES = 16;
export const PASSWORD_HASH_BITS = 256;
export const PASSWORD_MIN_LENGTH = 8;
/** Long enough for passphrases and password managers, short enough not to be a hashing DoS. */
export const PASSWORD_MAX_LENGTH = 200;

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
