import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { adminSecurity, createRouter, json, listOf, problems } from "../../http/openapi";
import type { AppEnv } from "../../http/types";
import { createDb } from "../../db/client";
import { AuditEntry, ListAuditLogInput } from "./schemas";
import { auditActor, listAuditLog, recordAdminWrites } from "./service";

const AuditLogPage = listOf(AuditEntry, "AuditLogPage");

export const auditRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/audit-log",
    operationId: "listAuditLog",
    tags: ["Audit log"],
    security: adminSecurity,
    summary: "Read the audit log",
    description:
      "Every admin write (each POST, PUT, PATCH or DELETE made with an admin key or a staff session, and each GraphQL mutation field), newest first: who, what (`action` is the REST operationId or the GraphQL field), on what, when, with which request id and how it ended. Filter by `actor` and `action`. Needs `audit:read`.",
    request: { query: ListAuditLogInput },
    responses: { 200: json(AuditLogPage, "A page of entries."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
  }),
  async (c) => {
    const page = await listAuditLog(c.get("services"), c.req.valid("query"));
    return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
  },
);

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * REST half of the audit log: after an unsafe `/v1` request by an admin key or staff session, one
 * entry with the route's operationId (`operationIdOf` comes from the root's OpenAPI registry), the
 * path's ids and the final status, written after the response. Placed after `authenticate()`.
 */
export const auditAdminWrites =
  (operationIdOf: (method: string, routePath: string) => string | undefined): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    await next();
    if (!UNSAFE.has(c.req.method)) return;
    const services = c.get("services");
    const actor = services && auditActor(services.actor);
    if (!actor) return;
    const routePath = c.req.routePath;
    const params = Object.values(c.req.param() as Record<string, string>);
    c.executionCtx.waitUntil(
      recordAdminWrites(createDb(c.env.DB), [
        {
          actor,
          action: operationIdOf(c.req.method, routePath) ?? `${c.req.method} ${routePath}`,
          resource: params.length ? params.join("/") : null,
          transport: "rest",
          method: c.req.method,
          path: c.req.path,
          requestId: services.requestId,
          status: c.res.status,
        },
      ]),
    );
  };
