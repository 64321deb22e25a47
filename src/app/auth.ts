import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { createServiceContext, type Actor } from "../context";
import { createDb } from "../db/client";
import type { D1SessionScope } from "../db/session";
import type { Env } from "../env";
import { bearerToken, clientNetwork } from "../http/middleware";
import { errorToResponse } from "../http/problem";
import type { AppEnv } from "../http/types";
import { ADMIN_KEY_PREFIX, authenticateAdminKey } from "../modules/access";
import { authenticateCustomerToken, CUSTOMER_TOKEN_PREFIX } from "../modules/customers";
import { authenticateStaffSession, STAFF_SESSION_PREFIX } from "../modules/staff";
import { clearSessionCookie, STAFF_COOKIE_NAME } from "../modules/staff/rest";
import { ServiceError } from "../shared/errors";

type WaitUntil = (p: Promise<unknown>) => void;

/** Who presents the bearer token: admin API keys, staff sessions and customer tokens, told apart by prefix. */
async function resolveBearer(env: Env, token: string, waitUntil: WaitUntil): Promise<Actor> {
  const db = createDb(env.DB);
  if (token.startsWith(ADMIN_KEY_PREFIX)) return authenticateAdminKey(env, db, token, waitUntil);
  if (token.startsWith(STAFF_SESSION_PREFIX)) return authenticateStaffSession(db, token, { viaCookie: false, waitUntil });
  if (token.startsWith(CUSTOMER_TOKEN_PREFIX)) return authenticateCustomerToken(env, db, token);
  throw new ServiceError("UNAUTHENTICATED", "The bearer token is not valid.");
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Resolve the caller and put the per-request service context on `c`:
 * - `Authorization: Bearer …` first (a present but wrong token is a 401);
 * - else the staff session cookie. A stale cookie (expired, revoked, disabled member) is cleared and
 *   the request goes on as anonymous: browsers send cookies to every path, and an old admin session
 *   must not break the storefront or public reads.
 * With `csrf: "unsafe-methods"` (REST), a cookie-authenticated POST/PUT/PATCH/DELETE without the
 * session's `X-CSRF-Token` is a 403; on /graphql the same check applies to mutations only (a Yoga
 * plugin, src/app/graphql.ts). Signing in needs no token: it proves itself with the password.
 */
export const authenticate = (options: { csrf: "unsafe-methods" | "graphql" }): MiddlewareHandler<AppEnv> => async (c, next) => {
  const waitUntil: WaitUntil = (p) => c.executionCtx.waitUntil(p);
  let actor: Actor = { kind: "anonymous" };
  let staleCookie = false;
  try {
    const token = bearerToken(c.req.header("authorization"));
    const cookie = token === undefined ? getCookie(c, STAFF_COOKIE_NAME, "host") : undefined;
    if (token !== undefined) actor = await resolveBearer(c.env, token, waitUntil);
    else if (cookie) {
      try {
        actor = await authenticateStaffSession(createDb(c.env.DB), cookie, { viaCookie: true, presentedCsrf: c.req.header("x-csrf-token"), waitUntil });
      } catch (error) {
        if (!(error instanceof ServiceError && error.code === "UNAUTHENTICATED")) throw error;
        staleCookie = true;
      }
    }
    if (
      options.csrf === "unsafe-methods" &&
      actor.kind === "admin" &&
      actor.session?.viaCookie &&
      !actor.session.csrfValid &&
      UNSAFE_METHODS.has(c.req.method) &&
      c.req.path !== "/v1/staff/sign-in"
    ) {
      throw new ServiceError("FORBIDDEN", "CSRF check failed: send the session's csrfToken as X-CSRF-Token with cookie-authenticated writes.", { extra: { reason: "csrf" } });
    }
  } catch (error) {
    return errorToResponse(c, error);
  }
  const d1 = c.get("d1Session") as D1SessionScope | undefined;
  c.set(
    "services",
    createServiceContext({
      env: c.env,
      actor,
      requestId: c.get("requestId"),
      clientIp: c.req.header("cf-connecting-ip"),
      clientNetwork: () => clientNetwork(c.req.raw.cf),
      waitUntil,
      cartToken: c.req.header("x-cart-token"),
      orderToken: c.req.header("x-order-token"),
      market: c.req.header("x-market"),
      ...(d1 && { db: () => d1.db }),
    }),
  );
  await next();
  if (staleCookie) clearSessionCookie(c);
};
