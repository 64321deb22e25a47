import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { mayGrant, readScope, requireAdmin, type Actor, type AdminActor, type ServiceContext } from "../../context";
import { isUniqueViolation } from "../../shared/db-errors";
import { conflict, notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { olderThanCursor } from "../../db/keyset";
import { pageOf, type Page } from "../../shared/pagination";
import { hashPassword, needsRehash, verifyAgainstNobody, verifyPassword, type PasswordHash } from "../../shared/password";
import { sha256Hex } from "../../shared/crypto";
import { parseInput } from "../../shared/validation";
import { takeAttempt } from "../protection";
import { STAFF_SIGN_IN_THROTTLE } from "./config";
import { ROLE_SCOPES } from "./roles";
import { CreateStaffInput, ListStaffInput, StaffSignInInput, UpdateStaffInput, type Staff } from "./schemas";
import { csrfTokenFor, issueSession, revokeSessions } from "./sessions";
import { staff } from "./tables";

type StaffRow = typeof staff.$inferSelect;
const now = () => new Date().toISOString();

export function toStaff(row: StaffRow): Staff {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    scopes: [...ROLE_SCOPES[row.role]],
    disabled: row.disabled,
    createdAt: row.createdAt,
    lastSignInAt: row.lastSignInAt,
  };
}

const storedHash = (row: StaffRow): PasswordHash => ({ algorithm: row.passwordAlgorithm, iterations: row.passwordIterations, salt: row.passwordSalt, hash: row.passwordHash });
const passwordColumns = (hash: PasswordHash) => ({ passwordAlgorithm: hash.algorithm, passwordIterations: hash.iterations, passwordSalt: hash.salt, passwordHash: hash.hash });

/** The signed-in member behind a staff session (cookie or bearer); 401 otherwise. */
function requireStaffSession(actor: Actor): AdminActor & { principal: { type: "staff" }; session: NonNullable<AdminActor["session"]> } {
  if (actor.kind === "admin" && actor.principal?.type === "staff" && actor.session) return actor as never;
  throw new ServiceError("UNAUTHENTICATED", "Sign in as a staff member (POST /v1/staff/sign-in).");
}

const BAD_CREDENTIALS = "The email or password is incorrect.";

/**
 * Exchange email and password for a session. Unknown email, wrong password and a disabled account
 * fail alike (401, same message, same PBKDF2 work); failures are throttled per email and per IP
 * (429 with Retry-After) before the password is checked. The caller puts `token` in the cookie.
 */
export async function signInStaff(ctx: ServiceContext, rawInput: unknown): Promise<{ staff: Staff; token: string; csrfToken: string; expiresAt: string }> {
  const input = parseInput(StaffSignInInput, rawInput);
  const attempt = await takeAttempt(ctx.env, [
    { key: `staff-signin:email:${await sha256Hex(input.email)}`, policy: STAFF_SIGN_IN_THROTTLE.perEmail },
    { key: `staff-signin:ip:${ctx.clientIp ?? "unknown"}`, policy: STAFF_SIGN_IN_THROTTLE.perIp },
  ]);
  const row = await ctx.db.select().from(staff).where(eq(staff.email, input.email)).get();
  const valid = row ? await verifyPassword(input.password, storedHash(row)) : await verifyAgainstNobody(input.password);
  if (!row || !valid || row.disabled) throw new ServiceError("UNAUTHENTICATED", BAD_CREDENTIALS);
  await attempt.succeeded();

  const at = now();
  const session = await issueSession(ctx.db, row.id, at);
  const rehash = needsRehash(storedHash(row)) ? passwordColumns(await hashPassword(input.password)) : {};
  const [, updated] = await ctx.db.batch([
    session.insert,
    ctx.db.update(staff).set({ lastSignInAt: at, ...rehash }).where(eq(staff.id, row.id)).returning(),
  ]);
  return { staff: toStaff(updated[0] ?? row), token: session.token, csrfToken: await csrfTokenFor(session.token), expiresAt: session.expiresAt };
}

/** The member behind this session, with the session's CSRF token (the admin reads it after a reload). */
export async function staffMe(ctx: ServiceContext): Promise<{ staff: Staff; csrfToken: string; expiresAt: string }> {
  const actor = requireStaffSession(ctx.actor);
  const row = await ctx.db.select().from(staff).where(eq(staff.id, actor.principal.id)).get();
  if (!row) throw new ServiceError("UNAUTHENTICATED", "The staff session is not valid. Sign in again.");
  return { staff: toStaff(row), csrfToken: actor.session.csrfToken, expiresAt: actor.session.expiresAt };
}

/** End this session, or with `everywhere` every session of the member (every browser, every tab). */
export async function signOutStaff(ctx: ServiceContext, options: { everywhere?: boolean } = {}): Promise<{ revokedSessions: number }> {
  const actor = requireStaffSession(ctx.actor);
  const revoked = await revokeSessions(ctx.db, actor.principal.id, now(), options.everywhere ? {} : { only: actor.session.id });
  return { revokedSessions: revoked.length };
}

// ---------------------------------------------------------------------------------------------
// Managing staff (staff:write; the first owner comes from the bootstrap key or the dev seed)

export async function listStaff(ctx: ServiceContext, rawInput: unknown = {}): Promise<Page<Staff>> {
  requireAdmin(ctx.actor, readScope("staff"));
  const input = parseInput(ListStaffInput, rawInput);
  const where: (SQL | undefined)[] = [];
  where.push(olderThanCursor(input.cursor, staff.createdAt, staff.id));
  const rows = await ctx.db
    .select()
    .from(staff)
    .where(and(...where))
    .orderBy(desc(staff.createdAt), desc(staff.id))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: r.createdAt, id: r.id }), Boolean(input.cursor));
  return { ...page, items: page.items.map(toStaff) };
}

function assertMayAssign(actor: AdminActor, role: keyof typeof ROLE_SCOPES, pointer: string): void {
  if (!mayGrant(actor.scopes, ROLE_SCOPES[role])) {
    throw new ServiceError("FORBIDDEN", `You cannot give the role '${role}': it has scopes you do not hold.`, { errors: [{ pointer, detail: "Above your own scopes." }] });
  }
}

export async function createStaff(ctx: ServiceContext, rawInput: unknown): Promise<Staff> {
  const actor = requireAdmin(ctx.actor, "staff:write");
  const input = parseInput(CreateStaffInput, rawInput);
  assertMayAssign(actor, input.role, "/role");
  const at = now();
  const row: StaffRow = {
    id: newId("staff"),
    email: input.email,
    name: input.name,
    role: input.role,
    ...passwordColumns(await hashPassword(input.password)),
    disabled: false,
    createdAt: at,
    updatedAt: at,
    lastSignInAt: null,
  };
  try {
    await ctx.db.insert(staff).values(row);
  } catch (error) {
    if (isUniqueViolation(error, "staff.email")) throw conflict(`A staff member with the email '${input.email}' exists.`);
    throw error;
  }
  return toStaff(row);
}

/**
 * Rename, change the role, disable or enable. Disabling ends every session of the member in the same
 * batch. The last enabled owner cannot be demoted or disabled (409): the shop would have no one left
 * who can manage staff. That guard is inside the UPDATE, so two concurrent demotions cannot both pass.
 */
export async function updateStaff(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Staff> {
  const actor = requireAdmin(ctx.actor, "staff:write");
  const input = parseInput(UpdateStaffInput, rawInput);
  const current = await ctx.db.select().from(staff).where(eq(staff.id, id)).get();
  if (!current) throw notFound("Staff member", id);
  if (input.role) assertMayAssign(actor, input.role, "/role");
  // Changing an owner (or making one) needs owner-level rights too.
  if (current.role === "owner") assertMayAssign(actor, "owner", input.role ? "/role" : "/disabled");
  const at = now();
  const losesOwner = current.role === "owner" && ((input.role !== undefined && input.role !== "owner") || input.disabled === true);
  const guard = losesOwner
    ? sql`(SELECT count(*) FROM ${staff} AS o WHERE o.role = 'owner' AND o.disabled = 0 AND o.id <> ${id}) > 0`
    : undefined;
  const update = ctx.db
    .update(staff)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.role !== undefined && { role: input.role }),
      ...(input.disabled !== undefined && { disabled: input.disabled }),
      updatedAt: at,
    })
    .where(and(eq(staff.id, id), guard))
    .returning();
  const [updated] = input.disabled ? await ctx.db.batch([update, revokeSessions(ctx.db, id, at, { onlyIfDisabled: true })]) : [await update];
  const row = updated[0];
  if (!row) throw conflict("This is the last enabled owner: make someone else owner first.");
  return toStaff(row);
}
