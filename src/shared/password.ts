// Password hashing for every account kind (customers, staff): PBKDF2-SHA256 with a per-hash salt.
import { fromBase64Url, toBase64Url } from "./crypto";

/**
 * PBKDF2-SHA256 iterations for new password hashes: the highest count Cloudflare's production runtime
 * accepts. workerd's `DEFAULT_MAX_PBKDF2_ITERATIONS` is 100,000 and `checkPbkdfLimits` throws
 * `NotSupportedError: Pbkdf2 failed: iteration counts above 100000 are not supported` above it; the
 * open-source workerd used by wrangler dev and the tests lifts that cap, so a higher value would pass
 * locally and break every sign-in in production. OWASP asks for 600,000; the sign-in throttles
 * (customers, staff) and the per-user salt are what make up the difference. Stored per hash, so it can be raised later.
 */
export const PASSWORD_ITERATIONS = 100_000;
export const PASSWORD_SALT_BYTES = 16;
export const PASSWORD_HASH_BITS = 256;
export const PASSWORD_MIN_LENGTH = 8;
/** Long enough for passphrases and password managers, short enough not to be a hashing DoS. */
export const PASSWORD_MAX_LENGTH = 200;

export interface PasswordHash {
  algorithm: "pbkdf2-sha256";
  iterations: number;
  /** base64url */
  salt: string;
  /** base64url */
  hash: string;
}

const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, PASSWORD_HASH_BITS);
  return new Uint8Array(bits);
}

function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  // workerd extension; the cast is needed where Node's lib types shadow the global `crypto`.
  return (crypto.subtle as unknown as { timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean }).timingSafeEqual(a, b);
}

export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(PASSWORD_SALT_BYTES));
  return { algorithm: "pbkdf2-sha256", iterations, salt: toBase64Url(salt), hash: toBase64Url(await derive(password, salt, iterations)) };
}

/** Derive with the stored salt and count, compare in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = fromBase64Url(stored.hash);
  const actual = await derive(password, fromBase64Url(stored.salt), stored.iterations);
  return timingSafeEqualBytes(actual, expected);
}

/**
 * The same work as a real verification, for an email that has no account: sign-in then takes as long
 * for an unknown email as for a wrong password, so timing does not reveal who is registered.
 */
export async function verifyAgainstNobody(password: string): Promise<false> {
  const salt = crypto.getRandomValues(new Uint8Array(PASSWORD_SALT_BYTES));
  const actual = await derive(password, salt, PASSWORD_ITERATIONS);
  timingSafeEqualBytes(actual, crypto.getRandomValues(new Uint8Array(actual.byteLength)));
  return false;
}

export function needsRehash(stored: Pick<PasswordHash, "algorithm" | "iterations">): boolean {
  return stored.algorithm !== "pbkdf2-sha256" || stored.iterations < PASSWORD_ITERATIONS;
}
