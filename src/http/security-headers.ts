import type { MiddlewareHandler } from "hono";
import { isDevelopment } from "../env";
import type { AppEnv } from "./types";

/**
 * Headers every response gets (docs/back-office.md):
 * - `X-Content-Type-Options: nosniff` everywhere;
 * - `Cache-Control: no-store` on API answers that did not choose their own caching: they may carry
 *   tokens (sign-in, sign-up, cart and order tokens, API key secrets) or personal data (`/v1/me`,
 *   orders, customers, staff). Public catalog reads set their own `Cache-Control` and keep it;
 * - on HTML, a Content-Security-Policy with `frame-ancestors 'none'` (no framing, no clickjacking):
 *   a page that sets its own policy (the admin, the storefront) keeps it and gains `frame-ancestors`
 *   if it lacks one; a page without one gets a policy that restricts framing, plugins and `<base>`
 *   only, so it cannot break the page's own scripts;
 * - `Strict-Transport-Security` outside development (README: anything but "development" is
 *   production), so browsers never talk plain HTTP to a deployed shop.
 */
export const DEFAULT_HTML_CSP = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'";
export const HSTS = "max-age=63072000; includeSubDomains";

export const securityHeaders = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next();
  let headers = c.res.headers;
  try {
    headers.set("x-content-type-options", "nosniff");
  } catch {
    // Immutable headers (a response passed through from a binding): copy it once.
    c.res = new Response(c.res.body, c.res);
    headers = c.res.headers;
    headers.set("x-content-type-options", "nosniff");
  }
  const path = c.req.path;
  if ((path.startsWith("/v1/") || path === "/graphql") && !headers.has("cache-control")) headers.set("cache-control", "no-store");
  if (headers.get("content-type")?.toLowerCase().startsWith("text/html")) {
    const csp = headers.get("content-security-policy");
    if (!csp) headers.set("content-security-policy", DEFAULT_HTML_CSP);
    else if (!/(^|;)\s*frame-ancestors\b/i.test(csp)) headers.set("content-security-policy", `${csp}; frame-ancestors 'none'`);
  }
  if (!isDevelopment(c.env)) headers.set("strict-transport-security", HSTS);
};
