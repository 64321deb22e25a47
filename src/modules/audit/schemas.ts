import { z } from "@hono/zod-openapi";
import { PageCursor, PageLimit, Timestamp } from "../../shared/schemas";

export const AuditEntry = z
  .object({
    id: z.string().openapi({ example: "aud_01jd4x..." }),
    at: Timestamp,
    actor: z
      .object({
        type: z.enum(["bootstrap", "api_key", "staff"]),
        id: z.string().openapi({ description: "`bootstrap`, a `key_…` id or a `stf_…` id." }),
        name: z.string(),
      })
      .openapi("AuditActor"),
    action: z.string().openapi({ description: "The REST operationId or GraphQL mutation field, e.g. `createProduct`.", example: "createProduct" }),
    resource: z.string().nullable().openapi({ description: "The ids in the request path (e.g. `prod_…`), or the id argument of a mutation." }),
    transport: z.enum(["rest", "graphql"]),
    method: z.string(),
    path: z.string(),
    requestId: z.string(),
    status: z.number().int().openapi({ description: "The HTTP status the write ended with (GraphQL: the error's status, 200 when the field succeeded)." }),
  })
  .openapi("AuditEntry");
export type AuditEntry = z.infer<typeof AuditEntry>;

export const ListAuditLogInput = z.object({
  limit: PageLimit,
  cursor: PageCursor,
  actor: z.string().min(1).max(64).optional().openapi({ description: "Only entries by this actor id (`bootstrap`, `key_…`, `stf_…`)." }),
  action: z.string().min(1).max(100).optional().openapi({ description: "Only entries of this action, e.g. `updateProduct`." }),
});

/** What a transport hands over for one admin write. */
export interface AdminWrite {
  actor: { type: "bootstrap" | "api_key" | "staff"; id: string; name: string };
  action: string;
  resource: string | null;
  transport: "rest" | "graphql";
  method: string;
  path: string;
  requestId: string;
  status: number;
}
