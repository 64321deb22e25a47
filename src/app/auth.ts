import type { MiddlewareHandler } from "hono";
import { createServiceContext, type Actor } from "../context";
import { createDb } from "../db/client";
import type { D1SessionScope } from "../db/session";
import type { Env } from "../env";
import { bearerToken, clientNetwork } from "../http/middleware";
import { errorToResponse } from "../http/problem";
import type { AppEnv } from "../http/types";
import { ADMIN_KEY_PREFIX, authenticateAdminKey } from "../modules/access";
import { authenticateCustomerToken, CUSTOMER_TOKEN_PREFIX } from "../modules/customers";
import { ServiceError } from "../shared/errors";

/** Who presents the token: admin API keys (access) and customer tokens (customers), told apart by prefix. */
async function resolveActor(env: Env, token: string | undefined): Promise<Actor> {
  if (token === undefined) return { kind: "anonymous" };
  if (token.startsWith(ADMIN_KEY_PREFIX)) return authenticateAdminKey(env, createDb(env.DB), token);
  if (token.startsWith(CUSTOMER_TOKEN_PREFIX)) return authenticateCustomerToken(env, createDb(env.DB), token);
  throw new ServiceError("UNAUTHENTICATED", "The bearer token is not valid.");
}

/** Resolve the caller from `Authorization: Bearer …` and put the per-request service context on `c`. */
export const authenticate = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  let actor: Actor;
  try {
    actor = await resolveActor(c.env, bearerToken(c.req.header("authorization")));
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
      clientNetwork: clientNetwork(c.req.raw.cf),
      waitUntil: (p) => c.executionCtx.waitUntil(p),
      cartToken: c.req.header("x-cart-token"),
      orderToken: c.req.header("x-order-token"),
      ...(d1 && { db: () => d1.db }),
    }),
  );
  await next();
};
