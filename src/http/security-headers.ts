import type { MiddlewareHandler } from "hono";
import { isDevelopment, type Env } from "../env";
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
 * The API app runs it as middleware; the pages for people (src/app/browser.ts) call `secureResponse`.
 */
export const DEFAULT_HTML_CSP = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'";
export const HSTS = "max-age=63072000; includeSubDomains";

export function secureResponse(response: Response, pathname: string, env: Pick<Env, "ENVIRONMENT">): Response {
  let res = response;
  try {
    res.headers.set("x-content-type-options", "nosniff");
  } catch {
    // Immutable headers (a response passed through from a binding or fetch): copy it once.
    res = new Response(res.body, res);
    res.headers.set("x-content-type-options", "nosniff");
  }
  const headers = res.headers;
  if ((pathname.startsWith("/v1/") || pathname === "/graphql") && !headers.has("cache-control")) headers.set("cache-control", "no-store");
  if (headers.get("content-type")?.toLowerCase().startsWith("text/html")) {
    const csp = headers.get("content-security-policy");
    if (!csp) headers.set("content-security-policy", DEFAULT_HTML_CSP);
    else if (!/(^|;)\s*frame-ancestors\b/i.test(csp)) headers.set("content-security-policy", `${csp}; frame-ancestors 'none'`);
  }
  if (!isDevelopment(env)) headers.set("strict-transport-security", HSTS);
  return res;
}

export const securityHeaders = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next();
  const secured = secureResponse(c.res, c.req.path, c.env);
  if (secured !== c.res) {
    c.res = undefined;
    c.res = secured;
  }
};
