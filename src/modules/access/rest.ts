import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, createRouter, json, jsonBody, listOf, problems } from "../../http/openapi";
import { ApiKey, CreateApiKeyInput, CreatedApiKey, ListApiKeysInput } from "./schemas";
import * as keys from "./service";

const tags = ["API keys"];
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "key_..." }) });
const ApiKeyList = listOf(ApiKey, "ApiKeyList");

export const accessRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/api-keys",
      operationId: "listApiKeys",
      tags,
      security: adminSecurity,
      summary: "List admin API keys",
      description: "Newest first, revoked and expired keys included; never the secrets. Needs `keys:read` or `keys:write`.",
      request: { query: ListApiKeysInput },
      responses: { 200: json(ApiKeyList, "A page of keys."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await keys.listApiKeys(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/api-keys",
      operationId: "createApiKey",
      tags,
      security: adminSecurity,
      summary: "Create an admin API key",
      description:
        "The answer carries the secret once; only its SHA-256 is stored. A key gets only scopes its creator holds (403 with pointer `/scopes` otherwise); `expiresAt` must be in the future. Needs `keys:write` (owners). The bootstrap `ADMIN_API_KEY` is for set-up: create keys and the first owner with it, then use those.",
      request: jsonBody(CreateApiKeyInput),
      responses: { 201: json(CreatedApiKey, "The key and its secret."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "UNSUPPORTED_MEDIA_TYPE") },
    }),
    async (c) => c.json(await keys.createApiKey(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/api-keys/{id}/revoke",
      operationId: "revokeApiKey",
      tags,
      security: adminSecurity,
      summary: "Revoke an admin API key",
      description: "From the next request on, the key is a 401. Revoking a revoked key changes nothing and answers the key with its first `revokedAt`. Needs `keys:write`.",
      request: { params: IdParam },
      responses: { 200: json(ApiKey, "The revoked key."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => c.json(await keys.revokeApiKey(c.get("services"), c.req.valid("param").id), 200),
  );
