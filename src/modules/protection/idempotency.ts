import type { ServiceContext } from "../../context";
import type { Env } from "../../env";
import { sha256Hex } from "../../shared/crypto";
import { ServiceError } from "../../shared/errors";
import type { IdempotencyBegin } from "./idempotency-object";

/**
 * Idempotency keys (IETF draft-ietf-httpapi-idempotency-key-header semantics, GUIDE.md):
 * the first request with a key runs; a retry with the same key and the same payload gets the
 * stored response; the same key with another payload is a 422; a retry while the first still runs
 * waits for it (bounded) and is a 409 if it is still running. Keys are scoped to the caller and
 * expire after 24 hours.
 */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
/** Duplicates wait this long for the first request before answering 409. */
export const DUPLICATE_WAIT_MS = 10_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const ANONYMOUS_SCOPE = "anonymous";

/** Who the key belongs to: two callers using the same key never see each other's responses. */
export async function idempotencyScope(ctx: Pick<ServiceContext, "actor" | "cartToken">): Promise<string> {
  const actor = ctx.actor;
  if (actor.kind === "admin") return `admin:${actor.keyId}`;
  if (actor.kind === "customer") return `customer:${actor.customerId}`;
  if (ctx.cartToken) return `cart:${await sha256Hex(ctx.cartToken)}`;
  return ANONYMOUS_SCOPE;
}

export function idempotencyObject(env: Pick<Env, "IDEMPOTENCY">, scope: string, key: string) {
  return env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(`${scope}\n${key}`));
}

/** JSON with sorted keys, so that `{a,b}` and `{b,a}` are the same payload. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function canonicalBody(text: string): string {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text;
  }
}

/**
 * Whether an outcome is final and therefore replayed. Server errors, rejected credentials, rate
 * limits and malformed input are not: the client may fix the cause and retry with the same key.
 */
export function isReplayableStatus(status: number): boolean {
  return status < 500 && status !== 400 && status !== 401 && status !== 403 && status !== 429;
}

export function assertKey(key: string, pointer: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new ServiceError("VALIDATION_FAILED", "The idempotency key must be 1 to 255 visible ASCII characters.", {
      errors: [{ pointer, detail: "Use a random value such as a UUID." }],
    });
  }
}

export function refuse(begun: Exclude<IdempotencyBegin, { state: "started" | "replay" }>): ServiceError {
  return begun.state === "mismatch"
    ? new ServiceError("IDEMPOTENCY_KEY_REUSED", "This idempotency key was already used with a different request. Use a new key for a new request.")
    : new ServiceError("IDEMPOTENCY_KEY_IN_USE", "A request with this idempotency key is still being processed. Retry later.");
}
