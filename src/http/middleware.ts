import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createServiceContext, type Actor } from "../context";
import { createDb } from "../db/client";
import type { D1SessionScope } from "../db/session";
import { authenticateAdminKey, ADMIN_KEY_PREFIX } from "../modules/access/service";
import { authenticateCustomerToken, CUSTOMER_TOKEN_PREFIX } from "../modules/customers";
import { ServiceError } from "../shared/errors";
import { protectionLimits } from "./limits";
import { errorToResponse, problemFor, problemResponse } from "./problem";
import type { AppEnv } from "./types";

export const REQUEST_ID_HEADER = "x-request-id";
export const MAX_BODY_BYTES = 256 * 1024;

/** Every response carries a request id: the caller's if it sent a sane one, else a fresh one. */
export const requestId = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const incoming = c.req.header(REQUEST_ID_HEADER);
  const id = incoming && /^[\w.:-]{8,128}$/.test(incoming) ? incoming : `req_${crypto.randomUUID().replaceAll("-", "")}`;
  c.set("requestId", id);
  await next();
  c.res.headers.set(REQUEST_ID_HEADER, id);
};

/** 413 before a large body is read into memory. The size is the `MAX_BODY_BYTES` var (default 256 KiB). */
export const limitBody = (): MiddlewareHandler<AppEnv> => (c, next) => {
  const maxSize = protectionLimits(c.env).maxBodyBytes;
  return bodyLimit({
    maxSize,
    onError: (c) => problemResponse(c, problemFor("PAYLOAD_TOO_LARGE", `Request bodies are limited to ${maxSize} bytes.`)),
  })(c, next);
};

/** Unsafe methods with a body must send JSON; anything else is a 415. */
export const requireJson = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const method = c.req.method;
  if (method === "POST" || method === "PUT" || method === "PATCH") {
    const hasBody = c.req.header("content-length") !== "0" && (c.req.header("content-length") !== undefined || c.req.header("transfer-encoding") !== undefined || c.req.raw.body !== null);
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (hasBody && type !== "application/json" && type !== "application/merge-patch+json") {
      return problemResponse(c, problemFor("UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json."));
    }
  }
  await next();
};

/** Country and ASN from `request.cf` (set by Cloudflare's edge; absent in plain local requests). */
function clientNetwork(cf: Request["cf"]): { country?: string; asn?: number } | undefined {
  if (!cf) return undefined;
  const country = typeof cf.country === "string" ? cf.country : undefined;
  const asn = typeof cf.asn === "number" ? cf.asn : undefined;
  return country === undefined && asn === undefined ? undefined : { ...(country && { country }), ...(asn !== undefined && { asn }) };
}

/** Resolve the caller from `Authorization: Bearer …` and put the per-request service context on `c`. */
export const authenticate = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const header = c.req.header("authorization");
  let actor: Actor = { kind: "anonymous" };
  try {
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new ServiceError("UNAUTHENTICATED", "Use 'Authorization: Bearer <token>'.");
      const token = match[1]!;
      if (token.startsWith(ADMIN_KEY_PREFIX)) actor = await authenticateAdminKey(c.env, createDb(c.env.DB), token);
      else if (token.startsWith(CUSTOMER_TOKEN_PREFIX)) actor = await authenticateCustomerToken(c.env, createDb(c.env.DB), token);
      else throw new ServiceError("UNAUTHENTICATED", "The bearer token is not valid.");
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
      clientNetwork: clientNetwork(c.req.raw.cf),
      waitUntil: (p) => c.executionCtx.waitUntil(p),
      cartToken: c.req.header("x-cart-token"),
      orderToken: c.req.header("x-order-token"),
      ...(d1 && { db: () => d1.db }),
    }),
  );
  await next();
};
