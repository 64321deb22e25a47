import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requireAdmin, type ServiceContext } from "../../context";
import { isUniqueViolation } from "../../shared/db-errors";
import { ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, type Page, pageOf } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { mergeGuestCart } from "../carts";
import { eventInsert, publishAfterResponse } from "../events";
import { hashPassword, needsRehash, verifyAgainstNobody, verifyPassword, type PasswordHash } from "../../shared/password";
import {
  ChangePasswordInput,
  ListCustomersInput,
  SignInInput,
  SignOutInput,
  SignUpInput,
  UpdateProfileInput,
  type AuthResult,
  type Customer,
  type CustomerWithAddresses,
} from "./schemas";
import { customers } from "./tables";
import { throttlePasswordAttempt } from "./throttle";
import { tokensRevoked } from "./revocation";
import { decoyToken, issueToken, revokeTokens } from "./tokens";
import { requireCustomer, type CustomerActor } from "./actor";
import { addressesByCustomerIds } from "./addresses";

const now = () => new Date().toISOString();

type CustomerRow = typeof customers.$inferSelect;

export function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    marketingConsent: row.marketingConsent,
    marketingConsentUpdatedAt: row.marketingConsentUpdatedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function storedHash(row: CustomerRow): PasswordHash {
  return { algorithm: row.passwordAlgorithm, iterations: row.passwordIterations, salt: row.passwordSalt, hash: row.passwordHash };
}

function passwordColumns(hash: PasswordHash, at: string) {
  return { passwordAlgorithm: hash.algorithm, passwordIterations: hash.iterations, passwordSalt: hash.salt, passwordHash: hash.hash, passwordChangedAt: at };
}

async function currentCustomerRow(ctx: ServiceContext): Promise<{ actor: CustomerActor; row: CustomerRow }> {
  const actor = requireCustomer(ctx.actor);
  const row = await ctx.db.select().from(customers).where(eq(customers.id, actor.customerId)).get();
  // Tokens go with their customer (ON DELETE CASCADE); this only guards a race with such a delete.
  if (!row) throw new ServiceError("UNAUTHENTICATED", "The bearer token is not valid.");
  return { actor, row };
}

// ---------------------------------------------------------------------------------------------
// Sign-up, sign-in, sign-out

/**
 * Create a customer and sign them in. An email that already has an account gets an answer of the
 * same status and shape (a customer that was never stored and a token that was never issued),
 * produced by the same work (hash, then the insert that the unique email index refuses), so the
 * response does not tell an enumerator which emails are registered. See docs/customers.md.
 */
export async function signUp(ctx: ServiceContext, rawInput: unknown): Promise<AuthResult> {
  const input = parseInput(SignUpInput, rawInput);
  const at = now();
  const id = newId("customer");
  const row: CustomerRow = {
    id,
    email: input.email,
    ...passwordColumns(await hashPassword(input.password), at),
    name: input.name ?? null,
    phone: input.phone ?? null,
    marketingConsent: input.marketingConsent ?? false,
    marketingConsentUpdatedAt: input.marketingConsent === undefined ? null : at,
    createdAt: at,
    updatedAt: at,
  };
  const issued = await issueToken(ctx.db, id, at);
  try {
    await ctx.db.batch([
      ctx.db.insert(customers).values(row),
      issued.insert,
      eventInsert(ctx.db, { type: "customer.created", resource: { type: "customer", id }, data: { id, email: row.email, createdAt: at } }, at),
    ]);
  } catch (error) {
    if (!isUniqueViolation(error, "customers.email")) throw error;
    return { customer: toCustomer(row), ...decoyToken(at) };
  }
  publishAfterResponse(ctx);
  return { customer: toCustomer(row), token: issued.token, expiresAt: issued.expiresAt };
}

const BAD_CREDENTIALS = "The email or password is incorrect.";

/**
 * Exchange email and password for a bearer token. Unknown email and wrong password fail alike: same
 * 401, same message, and the same PBKDF2 work (against a random hash for an unknown email).
 */
export async function signIn(ctx: ServiceContext, rawInput: unknown): Promise<AuthResult> {
  const input = parseInput(SignInInput, rawInput);
  const attempt = await throttlePasswordAttempt(ctx, input.email);
  const row = await ctx.db.select().from(customers).where(eq(customers.email, input.email)).get();
  const valid = row ? await verifyPassword(input.password, storedHash(row)) : await verifyAgainstNobody(input.password);
  if (!row || !valid) throw new ServiceError("UNAUTHENTICATED", BAD_CREDENTIALS);
  await attempt.succeeded();

  const at = now();
  const issued = await issueToken(ctx.db, row.id, at);
  const statements: BatchItem<"sqlite">[] = [issued.insert];
  // Hashes made with an older work factor are upgraded while the password is at hand.
  if (needsRehash(storedHash(row))) {
    statements.push(ctx.db.update(customers).set(passwordColumns(await hashPassword(input.password), row.passwordChangedAt)).where(eq(customers.id, row.id)));
  }
  await ctx.db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);

  if (input.cartToken) await mergeCartAtSignIn(ctx, { kind: "customer", customerId: row.id, tokenId: issued.id }, input.cartToken);
  return { customer: toCustomer(row), token: issued.token, expiresAt: issued.expiresAt };
}

/**
 * The merge runs on behalf of the customer who just signed in. A cart token the carts module rejects
 * (unknown, already merged…) does not undo a sign-in that succeeded; unexpected errors still surface.
 */
async function mergeCartAtSignIn(ctx: ServiceContext, actor: CustomerActor, cartToken: string): Promise<void> {
  try {
    await mergeGuestCart({ ...ctx, actor }, { cartToken, customerId: actor.customerId });
  } catch (error) {
    if (!(error instanceof ServiceError) || error.status >= 500) throw error;
  }
}

/** Revoke the token this request presented, or with `everywhere` every token of the customer. */
export async function signOut(ctx: ServiceContext, rawInput: unknown = {}): Promise<{ revokedTokens: number }> {
  const actor = requireCustomer(ctx.actor);
  const input = parseInput(SignOutInput, rawInput ?? {});
  if (!input.everywhere && !actor.tokenId) return { revokedTokens: 0 };
  const revoked = await revokeTokens(ctx.db, actor.customerId, now(), input.everywhere ? {} : { only: actor.tokenId! });
  await tokensRevoked(ctx.env, actor.customerId, revoked.map((r) => r.id));
  return { revokedTokens: revoked.length };
}

// ---------------------------------------------------------------------------------------------
// Profile

export async function getMe(ctx: ServiceContext): Promise<Customer> {
  return toCustomer((await currentCustomerRow(ctx)).row);
}

export async function updateProfile(ctx: ServiceContext, rawInput: unknown): Promise<Customer> {
  const input = parseInput(UpdateProfileInput, rawInput);
  const { row } = await currentCustomerRow(ctx);
  const at = now();
  const consentChanged = input.marketingConsent !== undefined && input.marketingConsent !== row.marketingConsent;
  const updated = await ctx.db
    .update(customers)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.phone !== undefined && { phone: input.phone }),
      ...(consentChanged && { marketingConsent: input.marketingConsent, marketingConsentUpdatedAt: at }),
      updatedAt: at,
    })
    .where(eq(customers.id, row.id))
    .returning()
    .get();
  return toCustomer(updated!);
}

/**
 * Needs the current password (a stolen token alone cannot take the account over). Every other token
 * of the customer is revoked in the same batch; the one presented keeps working.
 */
export async function changePassword(ctx: ServiceContext, rawInput: unknown): Promise<{ customer: Customer; revokedTokens: number }> {
  const input = parseInput(ChangePasswordInput, rawInput);
  const { actor, row } = await currentCustomerRow(ctx);
  const attempt = await throttlePasswordAttempt(ctx, row.email);
  if (!(await verifyPassword(input.currentPassword, storedHash(row)))) {
    throw new ServiceError("VALIDATION_FAILED", "The current password is incorrect.", { errors: [{ pointer: "/currentPassword", detail: "Incorrect." }] });
  }
  await attempt.succeeded();
  const at = now();
  const [updated, revoked] = await ctx.db.batch([
    ctx.db.update(customers).set({ ...passwordColumns(await hashPassword(input.newPassword), at), updatedAt: at }).where(eq(customers.id, row.id)).returning(),
    revokeTokens(ctx.db, row.id, at, actor.tokenId ? { except: actor.tokenId } : {}),
  ]);
  await tokensRevoked(ctx.env, row.id, revoked.map((r) => r.id));
  return { customer: toCustomer(updated[0]!), revokedTokens: revoked.length };
}

// ---------------------------------------------------------------------------------------------
// Admin

export async function listCustomers(ctx: ServiceContext, rawInput: unknown): Promise<Page<Customer>> {
  requireAdmin(ctx.actor, "customers:read");
  const input = parseInput(ListCustomersInput, rawInput);
  const where: SQL[] = [];
  if (input.email) where.push(eq(customers.email, input.email));
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    where.push(sql`(${customers.createdAt} < ${c.v} OR (${customers.createdAt} = ${c.v} AND ${customers.id} < ${c.id}))`);
  }
  const rows = await ctx.db
    .select()
    .from(customers)
    .where(and(...where))
    .orderBy(desc(customers.createdAt), desc(customers.id))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: r.createdAt, id: r.id }), Boolean(input.cursor));
  return { ...page, items: page.items.map(toCustomer) };
}

export async function getCustomer(ctx: ServiceContext, id: string): Promise<CustomerWithAddresses> {
  requireAdmin(ctx.actor, "customers:read");
  const row = await ctx.db.select().from(customers).where(eq(customers.id, id)).get();
  if (!row) throw new ServiceError("NOT_FOUND", `Customer '${id}' was not found.`);
  const addresses = await addressesByCustomerIds(ctx.db, [row.id]);
  return { ...toCustomer(row), addresses: addresses.get(row.id) ?? [] };
}


/** When a customer's account was created (risk scoring reads account age); null if unknown. */
export async function accountCreatedAt(db: ServiceContext["db"], customerId: string): Promise<string | null> {
  const row = await db.select({ createdAt: customers.createdAt }).from(customers).where(eq(customers.id, customerId)).get();
  return row?.createdAt ?? null;
}
