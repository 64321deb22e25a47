import { and, eq, gt, isNull } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { randomToken, sha256Hex } from "../../shared/crypto";
import { ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { parseInput } from "../../shared/validation";
import { consumeRateLimit } from "../protection";
import { eventInsert, publishAfterResponse } from "../events";
import { PASSWORD_RESET_PREFIX, PASSWORD_RESET_THROTTLE, PASSWORD_RESET_TTL_MS } from "./config";
import { hashPassword } from "../../shared/password";
import { RequestPasswordResetInput, ResetPasswordInput } from "./schemas";
import { customers, passwordResets } from "./tables";
import { revokeTokens } from "./tokens";

/**
 * Ask for a reset link. The answer is the same 202 whether or not the email has an account (no
 * enumeration); requests are throttled per email and per IP (429 alike for both). For an account,
 * the event `customer.password_reset_requested` is recorded; the notifications handler issues the
 * token and sends the email, so the token is never in an event, a log or the response.
 */
export async function requestPasswordReset(ctx: ServiceContext, rawInput: unknown): Promise<{ accepted: true }> {
  const input = parseInput(RequestPasswordResetInput, rawInput);
  const buckets = [
    { key: `reset:email:${await sha256Hex(input.email)}`, policy: PASSWORD_RESET_THROTTLE.perEmail },
    { key: `reset:ip:${ctx.clientIp ?? "unknown"}`, policy: PASSWORD_RESET_THROTTLE.perIp },
  ];
  const states = await Promise.all(buckets.map((b) => consumeRateLimit(ctx.env, b.key, b.policy, 1)));
  if (states.some((s) => !s.allowed)) {
    const retryAfterSeconds = Math.max(1, ...states.map((s) => Math.ceil(s.retryAfterMs / 1000)));
    throw new ServiceError("THROTTLED", "Too many password reset requests. Wait for Retry-After seconds.", { extra: { retryAfterSeconds } });
  }
  const row = await ctx.db.select({ id: customers.id, email: customers.email }).from(customers).where(eq(customers.email, input.email)).get();
  if (row) {
    const at = new Date().toISOString();
    await ctx.db.batch([eventInsert(ctx.db, { type: "customer.password_reset_requested", resource: { type: "customer", id: row.id }, data: { customerId: row.id, email: row.email, requestedAt: at } }, at)]);
    publishAfterResponse(ctx);
  }
  return { accepted: true };
}

/**
 * Issue the token for one reset request (called by the email sender). Only its SHA-256 is stored.
 * A retried send of the same request replaces the earlier token, which never left the sender.
 */
export async function issuePasswordResetToken(db: Database, customerId: string, requestEventId: string): Promise<{ token: string; expiresAt: string }> {
  const token = PASSWORD_RESET_PREFIX + randomToken(32);
  const at = new Date();
  const expiresAt = new Date(at.getTime() + PASSWORD_RESET_TTL_MS).toISOString();
  await db.batch([
    db.delete(passwordResets).where(and(eq(passwordResets.requestEventId, requestEventId), isNull(passwordResets.usedAt))),
    db.insert(passwordResets).values({ id: newId("passwordReset"), customerId, requestEventId, tokenHash: await sha256Hex(token), expiresAt, createdAt: at.toISOString() }),
  ]);
  return { token, expiresAt };
}

const INVALID = () => new ServiceError("VALIDATION_FAILED", "The reset link is invalid, used or expired. Ask for a new one.", { errors: [{ pointer: "/token", detail: "Invalid, used or expired." }] });

/**
 * Set a new password with a reset token: single use (one conditional UPDATE claims it), expiring;
 * every bearer token of the customer and every other reset link stop working.
 */
export async function resetPassword(ctx: ServiceContext, rawInput: unknown): Promise<{ reset: true; revokedTokens: number }> {
  const input = parseInput(ResetPasswordInput, rawInput);
  const at = new Date().toISOString();
  const claimed = await ctx.db
    .update(passwordResets)
    .set({ usedAt: at })
    .where(and(eq(passwordResets.tokenHash, await sha256Hex(input.token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, at)))
    .returning({ customerId: passwordResets.customerId });
  const customerId = claimed[0]?.customerId;
  if (!customerId) throw INVALID();
  const hash = await hashPassword(input.password);
  const [, revoked] = await ctx.db.batch([
    ctx.db
      .update(customers)
      .set({ passwordAlgorithm: hash.algorithm, passwordIterations: hash.iterations, passwordSalt: hash.salt, passwordHash: hash.hash, passwordChangedAt: at, updatedAt: at })
      .where(eq(customers.id, customerId)),
    revokeTokens(ctx.db, customerId, at),
    ctx.db.update(passwordResets).set({ usedAt: at }).where(and(eq(passwordResets.customerId, customerId), isNull(passwordResets.usedAt))),
  ]);
  return { reset: true, revokedTokens: revoked.length };
}
