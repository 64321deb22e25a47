import type { MiddlewareHandler } from "hono";
import type { ServiceContext } from "../context";
import type { Env } from "../env";
import { sha256Hex } from "../shared/crypto";
import { errorCodes, ServiceError, type ErrorCode } from "../shared/errors";
import type { IdempotencyBegin } from "./idempotency-object";
import { errorToResponse } from "./problem";
import type { AppEnv } from "./types";

/**
 * Idempotency keys (IETF draft-ietf-httpapi-idempotency-key-header semantics, GUIDE.md):
 * the first request with a key runs; a retry with the same key and the same payload gets the
 * stored response; the same key with another payload is a 422; a retry while the first still runs
 * waits for it (bounded) and is a 409 if it is still running. Keys are scoped to the caller and
 * expire after 24 hours.
 */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
/** Duplicates wait this long for the first request before answering 409. */
const DUPLICATE_WAIT_MS = 10_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const ANONYMOUS_SCOPE = "anonymous";

/** Who the key belongs to: two callers using the same key never see each other's responses. */
export async function idempotencyScope(ctx: Pick<ServiceContext, "actor" | "cartToken">): Promise<string> {
  const actor = ctx.actor;
  if (actor.kind === "admin") return `admin:${actor.keyId}`;
  if (actor.kind === "customer") return `customer:${actor.customerId}`;
  if (ctx.cartToken) return `cart:${await sha256Hex(ctx.cartToken)}`;
  return ANONYMOUS_SCOPE;
}

function idempotencyObject(env: Pick<Env, "IDEMPOTENCY">, scope: string, key: string) {
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

function canonicalBody(text: string): string {
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

function assertKey(key: string, pointer: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new ServiceError("VALIDATION_FAILED", "The idempotency key must be 1 to 255 visible ASCII characters.", {
      errors: [{ pointer, detail: "Use a random value such as a UUID." }],
    });
  }
}

function refuse(begun: Exclude<IdempotencyBegin, { state: "started" | "replay" }>): ServiceError {
  return begun.state === "mismatch"
    ? new ServiceError("IDEMPOTENCY_KEY_REUSED", "This idempotency key was already used with a different request. Use a new key for a new request.")
    : new ServiceError("IDEMPOTENCY_KEY_IN_USE", "A request with this idempotency key is still being processed. Retry later.");
}

/** Response headers worth replaying (the request id is per attempt and is not). */
const REPLAYED_HEADERS = ["content-type", "location"];

/** REST middleware. `required` routes answer 400 without a key; others honour a key when sent. */
export const idempotent =
  (options: { required: boolean }): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_KEY_HEADER);
    if (key === undefined) {
      if (!options.required) return next();
      return errorToResponse(
        c,
        new ServiceError("IDEMPOTENCY_KEY_REQUIRED", "Send an Idempotency-Key header (e.g. a UUID) so that a retry cannot repeat this operation.", {
          errors: [{ pointer: "/headers/idempotency-key", detail: "Required." }],
        }),
      );
    }
    try {
      assertKey(key, "/headers/idempotency-key");
    } catch (error) {
      return errorToResponse(c, error);
    }
    const services = c.get("services");
    const scope = await idempotencyScope(services);
    // Without an identity there is no scope to keep one caller's responses from another's.
    if (scope === ANONYMOUS_SCOPE) return next();
    const body = c.req.method === "GET" || c.req.method === "HEAD" ? "" : await c.req.text();
    const fingerprint = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${canonicalBody(body)}`);
    const stub = idempotencyObject(c.env, scope, key);
    const begun = await stub.begin(fingerprint, { waitMs: DUPLICATE_WAIT_MS });
    if (begun.state === "replay") {
      const { status, headers, body: stored } = begun.response;
      return new Response(stored, { status, headers: { ...headers, "idempotent-replayed": "true" } });
    }
    if (begun.state !== "started") return errorToResponse(c, refuse(begun));

    try {
      await next();
    } catch (error) {
      await stub.abandon(fingerprint, begun.attempt);
      throw error;
    }
    const res = c.res;
    if (!isReplayableStatus(res.status)) {
      await stub.abandon(fingerprint, begun.attempt);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    await stub.complete(fingerprint, { status: res.status, headers, body: await res.clone().text() }, begun.attempt);
  };

type StoredOutcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; detail: string; errors?: ServiceError["errors"]; extra?: ServiceError["extra"] };

/**
 * The same semantics for a GraphQL mutation taking `idempotencyKey`: a replay returns the stored
 * result (or throws the stored error) without running `run` again. `input` is the payload whose
 * fingerprint must match; `operation` keeps keys of different mutations apart.
 */
export async function withIdempotency<T>(
  ctx: ServiceContext,
  args: { operation: string; key: string | null | undefined; input: unknown },
  run: () => Promise<T>,
): Promise<T> {
  if (args.key === null || args.key === undefined) {
    throw new ServiceError("IDEMPOTENCY_KEY_REQUIRED", "Pass an idempotencyKey (e.g. a UUID) so that a retry cannot repeat this operation.", {
      errors: [{ pointer: "/idempotencyKey", detail: "Required." }],
    });
  }
  assertKey(args.key, "/idempotencyKey");
  const scope = await idempotencyScope(ctx);
  if (scope === ANONYMOUS_SCOPE) return run();
  const fingerprint = await sha256Hex(`graphql ${args.operation}\n${canonicalJson(args.input)}`);
  const stub = idempotencyObject(ctx.env, scope, args.key);
  const begun = await stub.begin(fingerprint, { waitMs: DUPLICATE_WAIT_MS });
  if (begun.state === "replay") {
    const outcome = JSON.parse(begun.response.body) as StoredOutcome<T>;
    if (outcome.ok) return outcome.value;
    throw new ServiceError(outcome.code, outcome.detail, { ...(outcome.errors && { errors: outcome.errors }), ...(outcome.extra && { extra: outcome.extra }) });
  }
  if (begun.state !== "started") throw refuse(begun);

  let outcome: StoredOutcome<T>;
  try {
    outcome = { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof ServiceError && isReplayableStatus(errorCodes[error.code].status)) {
      const stored: StoredOutcome<T> = { ok: false, code: error.code, detail: error.message, errors: error.errors, extra: error.extra };
      await stub.complete(fingerprint, { status: error.status, headers: {}, body: JSON.stringify(stored) }, begun.attempt);
    } else {
      await stub.abandon(fingerprint, begun.attempt);
    }
    throw error;
  }
  await stub.complete(fingerprint, { status: 200, headers: {}, body: JSON.stringify(outcome) }, begun.attempt);
  return outcome.value;
}
