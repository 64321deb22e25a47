import { and, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import type { AdminActor } from "../../context";
import type { Database } from "../../db/client";
import { randomToken, sha256Hex, timingSafeEqualStrings, toBase64Url } from "../../shared/crypto";
import { ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { SESSION_LAST_SEEN_RESOLUTION_MS, STAFF_SESSION_PREFIX, STAFF_SESSION_TTL_MS } from "./config";
import { ROLE_SCOPES } from "./roles";
import { staff, staffSessions } from "./tables";

/**
 * The CSRF token of a session: derived from the session's secret, so it needs no storage, changes
 * with every session and cannot be computed by a page that cannot read the HttpOnly cookie.
 */
export async function csrfTokenFor(sessionToken: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`edgeshop-csrf:${sessionToken}`));
  return toBase64Url(new Uint8Array(digest));
}

export interface IssuedSession {
  id: string;
  token: string;
  expiresAt: string;
  insert: ReturnType<typeof insertSession>;
}

function insertSession(db: Database, values: typeof staffSessions.$inferInsert) {
  return db.insert(staffSessions).values(values);
}

export async function issueSession(db: Database, staffId: string, at: string): Promise<IssuedSession> {
  const token = `${STAFF_SESSION_PREFIX}${randomToken(32)}`;
  const id = newId("staffSession");
  const expiresAt = new Date(Date.parse(at) + STAFF_SESSION_TTL_MS).toISOString();
  return { id, token, expiresAt, insert: insertSession(db, { id, staffId, tokenHash: await sha256Hex(token), createdAt: at, expiresAt }) };
}


/**
 * Resolve a session token (from the cookie, or `Authorization: Bearer essess_…`) to an admin actor
 * with the scopes of the member's current role: a role change or a disabled account applies to the
 * next request. Unknown, expired, revoked and disabled all fail alike (401).
 * `presentedCsrf` is the request's `X-CSRF-Token`, checked in constant time for cookie sessions.
 */
export async function authenticateStaffSession(
  db: Database,
  token: string,
  how: { viaCookie: boolean; presentedCsrf?: string | undefined; waitUntil?: (p: Promise<unknown>) => void },
): Promise<AdminActor> {
  const now = Date.now();
  const row = await db
    .select({
      sessionId: staffSessions.id,
      expiresAt: staffSessions.expiresAt,
      lastSeenAt: staffSessions.lastSeenAt,
      staffId: staff.id,
      name: staff.name,
      email: staff.email,
      role: staff.role,
    })
    .from(staffSessions)
    .innerJoin(staff, eq(staff.id, staffSessions.staffId))
    .where(and(eq(staffSessions.tokenHash, await sha256Hex(token)), isNull(staffSessions.revokedAt), gt(staffSessions.expiresAt, new Date(now).toISOString()), eq(staff.disabled, false)))
    .get();
  if (!row) throw new ServiceError("UNAUTHENTICATED", "The staff session is not valid. Sign in again.");
  if (row.lastSeenAt === null || now - Date.parse(row.lastSeenAt) >= SESSION_LAST_SEEN_RESOLUTION_MS) {
    const touch = db.update(staffSessions).set({ lastSeenAt: new Date(now).toISOString() }).where(eq(staffSessions.id, row.sessionId)).run();
    if (how.waitUntil) how.waitUntil(touch.catch(() => undefined));
    else await touch;
  }
  const csrfToken = await csrfTokenFor(token);
  const csrfValid = how.presentedCsrf !== undefined && timingSafeEqualStrings(how.presentedCsrf, csrfToken);
  return {
    kind: "admin",
    keyId: row.staffId,
    scopes: ROLE_SCOPES[row.role],
    principal: { type: "staff", id: row.staffId, name: row.name || row.email },
    session: { id: row.sessionId, viaCookie: how.viaCookie, csrfValid, csrfToken, expiresAt: row.expiresAt },
  };
}

/**
 * End sessions of a member: one (`only`) or all of them. `onlyIfDisabled` makes it conditional on the
 * member being disabled by then (the batch's guarded UPDATE may have refused). Returns the ids it ended.
 */
export function revokeSessions(db: Database, staffId: string, at: string, options: { only?: string; onlyIfDisabled?: boolean } = {}) {
  const conditions: SQL[] = [eq(staffSessions.staffId, staffId), isNull(staffSessions.revokedAt)];
  if (options.only) conditions.push(eq(staffSessions.id, options.only));
  if (options.onlyIfDisabled) conditions.push(sql`EXISTS (SELECT 1 FROM ${staff} WHERE ${staff.id} = ${staffId} AND ${staff.disabled} = 1)`);
  return db.update(staffSessions).set({ revokedAt: at }).where(and(...conditions)).returning({ id: staffSessions.id });
}
