import { and, desc, eq, isNull, type SQL } from "drizzle-orm";
import { mayGrant, readScope, requireAdmin, type AdminActor, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import type { Env } from "../../env";
import { randomToken, sha256Hex, timingSafeEqualStrings } from "../../shared/crypto";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { listeners } from "../../shared/listeners";
import { olderThanCursor } from "../../db/keyset";
import { pageOf, type Page } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { CreateApiKeyInput, ListApiKeysInput, type ApiKey, type CreatedApiKey } from "./schemas";
import { adminApiKeys } from "./tables";

export const ADMIN_KEY_PREFIX = "esk_admin_";
const PREFIX_LENGTH = 16;
/** `last_used_at` is written at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60 * 1000;

type KeyRow = typeof adminApiKeys.$inferSelect;

/**
 * Resolve an `Authorization: Bearer` credential to an actor. Admin keys are recognised by prefix and
 * matched by SHA-256: first against the bootstrap secret, then against stored keys. A credential
 * that is unknown, revoked or expired is a 401 (the same one), never a silent downgrade to anonymous.
 * `lastUsedAt` is refreshed after the response, at most once a minute per key.
 */
export async function authenticateAdminKey(env: Env, db: Database, key: string, waitUntil?: (p: Promise<unknown>) => void): Promise<AdminActor> {
  const hash = await sha256Hex(key);
  if (env.ADMIN_API_KEY && timingSafeEqualStrings(hash, await sha256Hex(env.ADMIN_API_KEY))) {
    return { kind: "admin", keyId: "bootstrap", scopes: ["admin:*"], principal: { type: "bootstrap", id: "bootstrap", name: "Bootstrap key" } };
  }
  const row = await db
    .select({ id: adminApiKeys.id, name: adminApiKeys.name, scopes: adminApiKeys.scopes, expiresAt: adminApiKeys.expiresAt, lastUsedAt: adminApiKeys.lastUsedAt })
    .from(adminApiKeys)
    .where(and(eq(adminApiKeys.keyHash, hash), isNull(adminApiKeys.revokedAt)))
    .get();
  const now = Date.now();
  if (!row || (row.expiresAt !== null && Date.parse(row.expiresAt) <= now)) throw new ServiceError("UNAUTHENTICATED", "The API key is not valid.");
  if (row.lastUsedAt === null || now - Date.parse(row.lastUsedAt) >= LAST_USED_RESOLUTION_MS) {
    const touch = db
      .update(adminApiKeys)
      .set({ lastUsedAt: new Date(now).toISOString() })
      // Conditional, so concurrent first uses in one minute write once.
      .where(and(eq(adminApiKeys.id, row.id), row.lastUsedAt === null ? isNull(adminApiKeys.lastUsedAt) : eq(adminApiKeys.lastUsedAt, row.lastUsedAt)))
      .run()
      .catch(() => undefined);
    if (waitUntil) waitUntil(touch);
    else await touch;
  }
  return { kind: "admin", keyId: row.id, scopes: row.scopes, principal: { type: "api_key", id: row.id, name: row.name } };
}

function toApiKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
  };
}

/** Who an admin actor is, for `createdBy`. */
const principalId = (actor: AdminActor) => actor.principal?.id ?? actor.keyId;

/**
 * Create a key: the secret is returned once and only its SHA-256 stored. Nobody can create a key with
 * scopes they do not hold (a `keys:write` key cannot mint an `admin:*` one).
 */
export async function createApiKey(ctx: ServiceContext, rawInput: unknown): Promise<CreatedApiKey> {
  const actor = requireAdmin(ctx.actor, "keys:write");
  const input = parseInput(CreateApiKeyInput, rawInput);
  if (!mayGrant(actor.scopes, input.scopes)) {
    throw new ServiceError("FORBIDDEN", "A key cannot have scopes that you do not hold.", { errors: [{ pointer: "/scopes", detail: "Above your own scopes." }] });
  }
  const at = new Date();
  const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt).toISOString();
  if (expiresAt !== null && Date.parse(expiresAt) <= at.getTime()) {
    throw new ServiceError("VALIDATION_FAILED", "expiresAt must be in the future.", { errors: [{ pointer: "/expiresAt", detail: "Must be in the future." }] });
  }
  const secret = `${ADMIN_KEY_PREFIX}${randomToken(32)}`;
  const row: KeyRow = {
    id: newId("apiKey"),
    name: input.name,
    keyHash: await sha256Hex(secret),
    prefix: secret.slice(0, PREFIX_LENGTH),
    scopes: [...new Set(input.scopes)],
    createdAt: at.toISOString(),
    createdBy: principalId(actor),
    expiresAt,
    revokedAt: null,
    lastUsedAt: null,
  };
  await ctx.db.insert(adminApiKeys).values(row);
  return { apiKey: toApiKey(row), secret };
}

export async function listApiKeys(ctx: ServiceContext, rawInput: unknown = {}): Promise<Page<ApiKey>> {
  requireAdmin(ctx.actor, readScope("keys"));
  const input = parseInput(ListApiKeysInput, rawInput);
  const where: (SQL | undefined)[] = [];
  where.push(olderThanCursor(input.cursor, adminApiKeys.createdAt, adminApiKeys.id));
  const rows = await ctx.db
    .select()
    .from(adminApiKeys)
    .where(and(...where))
    .orderBy(desc(adminApiKeys.createdAt), desc(adminApiKeys.id))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: r.createdAt, id: r.id }), Boolean(input.cursor));
  return { ...page, items: page.items.map(toApiKey) };
}

const revokedKeys = listeners<{ keyIds: string[] }>("API key revocation");

/**
 * Long-lived connections opened with a key (the live order feed) close when it is revoked; the root wires the
 * listener in (src/app/wiring.ts), since orders depends on access and not the reverse.
 */
export const onApiKeysRevoked = (listener: (env: Env, revoked: { keyIds: string[] }) => Promise<unknown>): void => revokedKeys.on(listener);

/**
 * Revoke a key: from the next request on it is a 401. Idempotent: revoking a revoked key answers the
 * key as it is, with its first `revokedAt` (the UPDATE is conditional, so concurrent revocations
 * agree on one time).
 */
export async function revokeApiKey(ctx: ServiceContext, id: string): Promise<ApiKey> {
  requireAdmin(ctx.actor, "keys:write");
  const updated = await ctx.db
    .update(adminApiKeys)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(adminApiKeys.id, id), isNull(adminApiKeys.revokedAt)))
    .returning()
    .get();
  if (updated) {
    await revokedKeys.emit(ctx.env, { keyIds: [updated.id] });
    return toApiKey(updated);
  }
  const row = await ctx.db.select().from(adminApiKeys).where(eq(adminApiKeys.id, id)).get();
  if (!row) throw notFound("API key", id);
  return toApiKey(row);
}
