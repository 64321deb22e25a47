import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import type { Env } from "../../env";
import { sha256Hex, timingSafeEqualStrings } from "../../shared/crypto";
import { ServiceError } from "../../shared/errors";
import { adminApiKeys } from "./tables";

export const ADMIN_KEY_PREFIX = "esk_admin_";

/**
 * Resolve an `Authorization: Bearer` credential to an actor. Admin keys are recognised by prefix and
 * matched by SHA-256: first against the bootstrap secret, then against stored keys. A credential
 * that is present but unknown is a 401, never a silent downgrade to anonymous.
 */
export async function authenticateAdminKey(env: Env, db: Database, key: string): Promise<Actor> {
  const hash = await sha256Hex(key);
  if (env.ADMIN_API_KEY && timingSafeEqualStrings(hash, await sha256Hex(env.ADMIN_API_KEY))) {
    return { kind: "admin", keyId: "bootstrap", scopes: ["admin:*"] };
  }
  const row = await db
    .select({ id: adminApiKeys.id, scopes: adminApiKeys.scopes })
    .from(adminApiKeys)
    .where(and(eq(adminApiKeys.keyHash, hash), isNull(adminApiKeys.revokedAt)))
    .get();
  if (!row) throw new ServiceError("UNAUTHENTICATED", "The API key is not valid.");
  return { kind: "admin", keyId: row.id, scopes: row.scopes };
}
