import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ClientNetwork } from "../context";
import { ServiceError } from "../shared/errors";
import { problemFor, problemResponse } from "./problem";
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

/** 413 before a large body is read into memory; `maxBytes` says the limit for this request (the root passes the protection limits). */
export const limitBody = (maxBytes: (c: Context<AppEnv>) => number): MiddlewareHandler<AppEnv> => (c, next) => {
  const maxSize = maxBytes(c);
  return bodyLimit({
    maxSize,
    onError: (c) => problemResponse(c, problemFor("PAYLOAD_TOO_LARGE", `Request bodies are limited to ${maxSize} bytes.`)),
  })(c, next);
};

/** Unsafe methods with a body must send JSON; anything else is a 415 (`except`: routes that take other bodies). */
export const requireJson = (except: (c: Context<AppEnv>) => boolean = () => false): MiddlewareHandler<AppEnv> => async (c, next) => {
  const method = c.req.method;
  if ((method === "POST" || method === "PUT" || method === "PATCH") && !except(c)) {
    const hasBody = c.req.header("content-length") !== "0" && (c.req.header("content-length") !== undefined || c.req.header("transfer-encoding") !== undefined || c.req.raw.body !== null);
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (hasBody && type !== "application/json" && type !== "application/merge-patch+json") {
      return problemResponse(c, problemFor("UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json."));
    }
  }
  await next();
};

/** The token of `Authorization: Bearer <token>`; undefined without the header, 401 when it is malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ServiceError("UNAUTHENTICATED", "Use 'Authorization: Bearer <token>'.");
  return match[1]!;
}

/** Country and ASN from `request.cf` (set by Cloudflare's edge; absent in plain local requests). */
export function clientNetwork(cf: Request["cf"]): ClientNetwork | undefined {
  if (!cf) return undefined;
  const country = typeof cf.country === "string" ? cf.country : undefined;
  const asn = typeof cf.asn === "number" ? cf.asn : undefined;
  return country === undefined && asn === undefined ? undefined : { ...(country && { country }), ...(asn !== undefined && { asn }) };
}
