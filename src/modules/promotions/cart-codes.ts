import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { ServiceError } from "../../shared/errors";
import { parseInput } from "../../shared/validation";
import { ApplyCodeInput } from "./schemas";
import { cartDiscountCodes, discountCodes } from "./tables";

/**
 * The codes a shopper entered on a cart. The carts module authorises the caller for the cart and
 * then calls these; this module only knows cart ids. A code that does not exist is refused (and
 * nothing is stored); a code that exists but does not apply now stays on the cart, shown with
 * the reason, and applies as soon as the cart qualifies.
 */
export const MAX_CART_CODES = 5;

export async function cartCodes(db: Database, cartId: string): Promise<string[]> {
  const rows = await db
    .select({ code: cartDiscountCodes.code })
    .from(cartDiscountCodes)
    .where(eq(cartDiscountCodes.cartId, cartId))
    .orderBy(asc(cartDiscountCodes.addedAt), asc(cartDiscountCodes.code));
  return rows.map((r) => r.code);
}

export async function addCartCode(db: Database, cartId: string, rawInput: unknown): Promise<string> {
  const { code } = parseInput(ApplyCodeInput, rawInput);
  const known = await db.select({ code: discountCodes.code }).from(discountCodes).where(eq(discountCodes.code, code)).get();
  if (!known) throw new ServiceError("VALIDATION_FAILED", `There is no discount code '${code}'.`, { errors: [{ pointer: "/code", detail: "Unknown discount code." }] });
  // One statement: insert unless the cart already holds the maximum (a code already there is a no-op).
  const inserted = await db
    .insert(cartDiscountCodes)
    .select(
      sql`SELECT ${cartId}, ${code}, ${new Date().toISOString()} WHERE (SELECT count(*) FROM ${cartDiscountCodes} WHERE ${cartDiscountCodes.cartId} = ${cartId}) < ${MAX_CART_CODES}`,
    )
    .onConflictDoNothing()
    .returning({ code: cartDiscountCodes.code });
  if (inserted.length === 0 && !(await cartCodes(db, cartId)).includes(code)) {
    throw new ServiceError("CONFLICT", `A cart holds at most ${MAX_CART_CODES} discount codes; remove one first.`);
  }
  return code;
}

export async function removeCartCode(db: Database, cartId: string, rawCode: string): Promise<boolean> {
  const removed = await db
    .delete(cartDiscountCodes)
    .where(and(eq(cartDiscountCodes.cartId, cartId), eq(cartDiscountCodes.code, rawCode.trim().toUpperCase())))
    .returning({ code: cartDiscountCodes.code });
  return removed.length > 0;
}

/**
 * When a guest cart merges into a customer's cart at sign-in, its codes come along: the statement
 * for the merge's batch, acting only while `guard` (the guest cart is still open) holds.
 */
export function moveCartCodesStatement(db: Database, fromCartId: string, toCartId: string, guard: SQL) {
  return db
    .insert(cartDiscountCodes)
    .select(sql`SELECT ${toCartId}, ${cartDiscountCodes.code}, ${cartDiscountCodes.addedAt} FROM ${cartDiscountCodes} WHERE ${cartDiscountCodes.cartId} = ${fromCartId} AND ${guard}`)
    .onConflictDoNothing();
}
