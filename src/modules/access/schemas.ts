import { z } from "@hono/zod-openapi";
import { ADMIN_SCOPES } from "../../context";
import { PageCursor, PageLimit, Timestamp } from "../../shared/schemas";

export const Scope = z.enum(ADMIN_SCOPES as [string, ...string[]]).openapi({ description: "A permission; `admin:*` holds them all." });

export const ApiKey = z
  .object({
    id: z.string().openapi({ example: "key_01jd4x..." }),
    name: z.string(),
    prefix: z.string().nullable().openapi({ description: "The first 16 characters of the secret, to tell keys apart.", example: "esk_admin_3Fq9xZ" }),
    scopes: z.array(z.string()),
    createdAt: Timestamp,
    createdBy: z.string().nullable().openapi({ description: "`bootstrap`, the `key_…` id or the `stf_…` id that created it." }),
    expiresAt: Timestamp.nullable().openapi({ description: "After this the key is refused (401); null: no expiry." }),
    revokedAt: Timestamp.nullable(),
    lastUsedAt: Timestamp.nullable().openapi({ description: "Updated at most once a minute." }),
  })
  .openapi("ApiKey");
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateApiKeyInput = z
  .object({
    name: z.string().trim().min(1).max(120).openapi({ example: "ERP sync" }),
    scopes: z.array(Scope).min(1).max(ADMIN_SCOPES.length),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "RFC 3339; must be in the future. Omit for a key that does not expire.", example: "2027-01-01T00:00:00Z" }),
  })
  .openapi("CreateApiKeyInput");
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;

export const CreatedApiKey = z
  .object({ apiKey: ApiKey, secret: z.string().openapi({ description: "The key itself (`esk_admin_…`). Shown once: only its hash is stored.", example: "esk_admin_3Fq9xZ…" }) })
  .openapi("CreatedApiKey");
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const ListApiKeysInput = z.object({ limit: PageLimit, cursor: PageCursor });
