import { OpenAPIHono, z, type Hook } from "@hono/zod-openapi";
import { errorCodes, problemType, type ErrorCode } from "../shared/errors";
import { Problem } from "../shared/schemas";
import { validationError } from "../shared/validation";
import { errorToResponse } from "./problem";
import type { AppEnv } from "./types";
import type { Context, TypedResponse } from "hono";

/** zod failures in params, query or body become one 400 problem with a pointer per field. */
const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (!result.success) return errorToResponse(c, validationError(result.error));
  return undefined;
};

/** Every module's REST router is an OpenAPIHono with the shared validation hook. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

export function jsonBody<T extends z.ZodType>(schema: T, description = "JSON body.") {
  return { body: { content: { "application/json": { schema } }, required: true, description } };
}

/** Problem responses a route can produce, documented with their stable `type` URI. */
export function problems(...codes: ErrorCode[]) {
  const out: Record<number, { description: string; content: { "application/problem+json": { schema: typeof Problem } } }> = {};
  for (const code of codes) {
    const { status, title } = errorCodes[code];
    const previous = out[status]?.description;
    out[status] = {
      description: previous ? `${previous} / ${title} (${problemType(code)})` : `${title} (${problemType(code)})`,
      content: { "application/problem+json": { schema: Problem } },
    };
  }
  return out;
}

type Security = Record<string, string[]>[];
/** An admin API key or a staff session (cookie, with X-CSRF-Token for writes; or `Bearer essess_…`). */
export const adminSecurity: Security = [{ adminApiKey: [] }, { staffSession: [] }];
/** A customer token required. */
export const customerSecurity: Security = [{ customerToken: [] }];
/** No credentials: anyone may call it (said explicitly, so generated clients send none). */
export const publicSecurity: Security = [];
/** Anyone; a customer token changes whose data it is (guests use the cart / order token headers instead). */
export const optionalCustomerSecurity: Security = [{}, { customerToken: [] }];
/** Anyone; an admin key or staff session shows more (drafts, `status` filters). */
export const optionalAdminSecurity: Security = [{}, { adminApiKey: [] }, { staffSession: [] }];
/** Anyone with a guest token header, a customer token, an admin key or a staff session (the service decides what each may see). */
export const guestCustomerOrAdminSecurity: Security = [{}, { customerToken: [] }, { adminApiKey: [] }, { staffSession: [] }];
/** A customer token, an admin key or a staff session. */
export const customerOrAdminSecurity: Security = [{ customerToken: [] }, { adminApiKey: [] }, { staffSession: [] }];

export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      next_cursor: z.string().nullable().openapi({ description: "Pass as `cursor` to get the next page; null on the last page." }),
    })
    .openapi(name);
}

/**
 * A 200 `application/json` response whose body is JSON text a service already wrote (e.g. catalog's
 * listProductsJson, which splices the JSON SQLite built instead of parsing and re-serialising it).
 * The route's OpenAPI schema still describes it; the catalog tests compare it with the parsed read.
 */
export function jsonText<T>(c: Context, text: string): TypedResponse<T, 200, "json"> {
  return c.newResponse(text, 200, { "content-type": "application/json" }) as unknown as TypedResponse<T, 200, "json">;
}
