import type { MiddlewareHandler } from "hono";
import { BOOKMARK_HEADER, D1SessionScope } from "../db/session";
import type { AppEnv } from "./types";

/**
 * Opens the request's D1 Session (lazily) from the client's `x-d1-bookmark`, and returns the newest
 * bookmark on the response so the client can send it with its next request and read its own writes.
 */
export const d1Session = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const method = c.req.method;
  const scope = new D1SessionScope(c.env.DB, { bookmark: c.req.header(BOOKMARK_HEADER), writes: method !== "GET" && method !== "HEAD" && c.req.path !== "/graphql" });
  c.set("d1Session", scope);
  await next();
  const bookmark = scope.latestBookmark();
  if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark);
};
