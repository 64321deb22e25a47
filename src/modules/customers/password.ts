import { fromBase64Url, toBase64Url } from "../../shared/crypto";
import { PASSWORD_HASH_BITS, PASSWORD_ITERATIONS, PASSWORD_SALT_BYTES } from "./config";

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
