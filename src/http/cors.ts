import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./types";

/**
 * CORS for browsers on other origins (docs/back-office.md). Only origins listed in
 * `CORS_ALLOWED_ORIGINS` (comma-separated, exact `scheme://host[:port]`) get CORS headers; an
 * unlisted origin gets none, so the browser refuses to hand the response to its page. The allowed
 * origin is echoed only after an exact match (never `*`, never a reflection of whatever was sent),
 * and credentials are allowed for listed origins only. Hono's `cors()` was not used: it sends
 * `Access-Control-Allow-Credentials` and the exposed headers to every origin.
 */
export const CORS_ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "idempotency-key",
  "if-none-match",
  "x-csrf-token",
  "x-cart-token",
  "x-order-token",
  "x-d1-bookmark",
  "x-request-id",
  "x-graphql-csrf",
  "apollo-require-preflight",
];
export const CORS_EXPOSED_HEADERS = [
  "RateLimit",
  "RateLimit-Policy",
  "ETag",
  "x-d1-bookmark",
  "x-request-id",
  "idempotent-replayed",
  "Retry-After",
  "Location",
  "x-edge-cache",
];
const ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

let parsed: { raw: string; origins: ReadonlySet<string> } | undefined;

/** The exact origins of `CORS_ALLOWED_ORIGINS`; entries that are not a bare origin are ignored. */
export function allowedOrigins(raw: string | undefined): ReadonlySet<string> {
  const value = raw ?? "";
  if (parsed?.raw === value) return parsed.origins;
  const origins = new Set<string>();
  for (const entry of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    try {
      const url = new URL(entry);
      // Only a bare origin counts: "https://shop.example" yes, "https://shop.example/path" or "*" no.
      if ((url.protocol === "https:" || url.protocol === "http:") && url.origin === entry.replace(/\/$/, "")) origins.add(url.origin);
    } catch {
      // not a URL: ignored
    }
  }
  parsed = { raw: value, origins };
  return origins;
}

export const cors = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const origin = c.req.header("origin");
  const listed = origin !== undefined && allowedOrigins(c.env.CORS_ALLOWED_ORIGINS).has(origin);
  const isPreflight = c.req.method === "OPTIONS" && c.req.header("access-control-request-method") !== undefined;
  if (isPreflight) {
    const headers = new Headers({ vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" });
    if (listed) {
      headers.set("access-control-allow-origin", origin);
      headers.set("access-control-allow-credentials", "true");
      headers.set("access-control-allow-methods", ALLOWED_METHODS);
      headers.set("access-control-allow-headers", CORS_ALLOWED_HEADERS.join(", "));
      headers.set("access-control-max-age", PREFLIGHT_MAX_AGE_SECONDS);
    }
    // An unlisted origin's preflight is answered too, without CORS headers: the browser stops there.
    return new Response(null, { status: 204, headers });
  }
  await next();
  c.res.headers.append("vary", "Origin");
  if (listed) {
    c.res.headers.set("access-control-allow-origin", origin);
    c.res.headers.set("access-control-allow-credentials", "true");
    c.res.headers.set("access-control-expose-headers", CORS_EXPOSED_HEADERS.join(", "));
  }
};
