import type { MiddlewareHandler } from "hono";
import { errorToResponse } from "../../http/problem";
import type { AppEnv } from "../../http/types";
import { assertJsonWithinLimits } from "./json-limits";
import { protectionLimits } from "./limits";

/**
 * Parse JSON bodies once, up front, and refuse over-complex ones before any validator or service
 * sees them. Hono caches the parsed body, so route validators reuse it instead of parsing again.
 */
export const limitJson = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  // GET and HEAD have no body to check, whatever Content-Type a client sends along (parsing an empty
  // body only to swallow the error cost every such read a thrown exception).
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/json" || type === "application/merge-patch+json") {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      // Empty or malformed bodies are the validators' to report, with their usual 400.
      return next();
    }
    try {
      assertJsonWithinLimits(body, protectionLimits(c.env).json);
    } catch (error) {
      return errorToResponse(c, error);
    }
  }
  return next();
};
