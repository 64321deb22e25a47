import type { MiddlewareHandler } from "hono";
import { errorToResponse } from "../../http/problem";
import type { AppEnv } from "../../http/types";
import { sha256Hex } from "../../shared/crypto";
import { ServiceError } from "../../shared/errors";
import { ANONYMOUS_SCOPE, assertKey, canonicalBody, DUPLICATE_WAIT_MS, IDEMPOTENCY_KEY_HEADER, idempotencyObject, idempotencyScope, isReplayableStatus, refuse } from "./idempotency";

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
