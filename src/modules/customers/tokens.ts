import { and, eq, isNull, ne, type SQL } from "drizzle-orm";
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import type { Env } from "../../env";
import { randomToken, sha256Hex } from "../../shared/crypto";
import { ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { CUSTOMER_TOKEN_PREFIX, CUSTOMER_TOKEN_TTL_MS, TOKEN_LAST_USED_RESOLUTION_MS } from "./config";
import { customerTokens } from "./tables";

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: string;
  /** The insert, for the caller's batch. */
  insert: ReturnType<typeof tokenInsert>;
}

function tokenInsert(db: Database, values: typeof customerTokens.$inferInsert) {
  return db.insert(customerTokens).values(values);
}

/** A fresh bearer token; only its SHA-256 goes to storage. */
export async function issueToken(db: Database, customerId: string, at: string): Promise<IssuedToken> {
  const token = `${CUSTOMER_TOKEN_PREFIX}${randomToken(32)}`;
  const id = newId("customerToken");
  const expiresAt = new Date(Date.parse(at) + CUSTOMER_TOKEN_TTL_MS).toISOString();
  return { id, token, expiresAt, insert: tokenInsert(db, { id, customerId, tokenHash: await sha256Hex(token), createdAt: at, expiresAt }) };
}

/** A token-shaped string that was never stored: what sign-up answers for an email that is taken. */
export function decoyToken(at: string): { token: string; expiresAt: string } {
  return { token: `${CUSTOMER_TOKEN_PREFIX}${randomToken(32)}`, expiresAt: new Date(Date.parse(at) + CUSTOMER_TOKEN_TTL_MS).toISOString() };
}

/**
 * Resolve `Authorization: Bearer ectok_…` to the customer. Unknown, expired and revoked tokens get
 * the same 401, so a response never says which of the three it was.
 */
export async function authenticateCustomerToken(_env: Env, db: Database, token: string): Promise<Actor> {
  const row = await db
    .select({ id: customerTokens.id, customerId: customerTokens.customerId, expiresAt: customerTokens.expiresAt, revokedAt: customerTokens.revokedAt, lastUsedAt: customerTokens.lastUsedAt })
    .from(customerTokens)
    .where(eq(customerTokens.tokenHash, await sha256Hex(token)))
    .get();
  const now = Date.now();
  if (!row || row.revokedAt !== null || Date.parse(row.expiresAt) <= now) {
    throw new ServiceError("UNAUTHENTICATED", "The bearer token is not valid.");
  }
  if (row.lastUsedAt === null || now - Date.parse(row.lastUsedAt) >= TOKEN_LAST_USED_RESOLUTION_MS) {
    await db.update(customerTokens).set({ lastUsedAt: new Date(now).toISOString() }).where(eq(customerTokens.id, row.id));
  }
  return { kind: "customer", customerId: row.customerId, tokenId: row.id };
}

/** Revoke the customer's live tokens (all of them, or all but `except`). */
export function revokeTokens(db: Database, customerId: string, at: string, options: { only?: string; except?: string } = {}) {
  const conditions: SQL[] = [eq(customerTokens.customerId, customerId), isNull(customerTokens.revokedAt)];
  if (options.only) conditions.push(eq(customerTokens.id, options.only));
  if (options.except) conditions.push(ne(customerTokens.id, options.except));
  return db.update(customerTokens).set({ revokedAt: at }).where(and(...conditions)).returning({ id: customerTokens.id });
}
