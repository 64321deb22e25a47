import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import { createDb } from "../../db/client";
import type { Env } from "../../env";
import { log } from "../../shared/log";
import { keyring, needsSealing, open, seal } from "../../shared/secret-box";
import { webhookEndpoints } from "./tables";

/**
 * Signing secrets are stored sealed (AES-256-GCM, `src/shared/secret-box.ts`), bound to their endpoint: a sealed
 * secret copied into another endpoint's row does not open. Both columns (`secret`, `previous_secret`) use the same
 * binding, so a rotation can move the current value to `previous_secret` as it is.
 */
const boundTo = (endpointId: string) => `webhook-endpoint:${endpointId}`;

export async function sealSecret(env: Env, endpointId: string, secret: string): Promise<string> {
  return seal(await keyring(env), secret, boundTo(endpointId));
}

type SecretColumns = Pick<typeof webhookEndpoints.$inferSelect, "id" | "secret" | "previousSecret" | "previousSecretExpiresAt">;

/** The secrets that sign a delivery now: the current one, and the previous one during a rotation's overlap. */
export async function signingSecrets(env: Env, endpoint: SecretColumns, now: Date): Promise<string[]> {
  const ring = await keyring(env);
  const secrets = [await open(ring, endpoint.secret, boundTo(endpoint.id))];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now.toISOString()) {
    secrets.push(await open(ring, endpoint.previousSecret, boundTo(endpoint.id)));
  }
  return secrets;
}

/**
 * Cron: seal what is not sealed with the current key: rows written before secrets were sealed (the migration of
 * existing rows) and, after a key rotation, rows sealed with `SECRETS_KEY_PREVIOUS`. A bounded batch per run, each
 * row compare-and-set on the values it read, so a concurrent rotation of the endpoint's secret wins.
 */
export async function resealWebhookSecrets(env: Env, limit = 50): Promise<{ resealed: number }> {
  const ring = await keyring(env);
  const db = createDb(env.DB);
  const current = `sealed:v1:${ring.current.id}:`;
  const stale = (column: typeof webhookEndpoints.secret | typeof webhookEndpoints.previousSecret) => ne(sql`substr(${column}, 1, ${current.length})`, current);
  const rows = await db
    .select({ id: webhookEndpoints.id, secret: webhookEndpoints.secret, previousSecret: webhookEndpoints.previousSecret })
    .from(webhookEndpoints)
    .where(or(stale(webhookEndpoints.secret), stale(webhookEndpoints.previousSecret)))
    .limit(limit);
  let resealed = 0;
  for (const row of rows) {
    const again = async (value: string) => (needsSealing(ring, value) ? seal(ring, await open(ring, value, boundTo(row.id)), boundTo(row.id)) : value);
    const updated = await db
      .update(webhookEndpoints)
      .set({ secret: await again(row.secret), previousSecret: row.previousSecret === null ? null : await again(row.previousSecret) })
      .where(
        and(
          eq(webhookEndpoints.id, row.id),
          eq(webhookEndpoints.secret, row.secret),
          row.previousSecret === null ? isNull(webhookEndpoints.previousSecret) : eq(webhookEndpoints.previousSecret, row.previousSecret),
        ),
      )
      .returning({ id: webhookEndpoints.id });
    resealed += updated.length;
  }
  if (resealed > 0) log.info("webhook secrets sealed with the current SECRETS_KEY", { resealed, key_id: ring.current.id, more: rows.length === limit });
  return { resealed };
}
