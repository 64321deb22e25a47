import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { promotionCustomerUsage, promotionRedemptions, promotions } from "./tables";

/**
 * Redemptions: the uses of promotions by orders. They are written by checkout INSIDE the order's
 * own D1 batch, so an order and its redemptions exist together or not at all, and there is
 * nothing to reserve before it nor to release after a failure:
 *
 * - `promotions.redeemed + 1` under a CHECK (`redeemed <= usage_limit`): the total limit;
 * - `promotion_customer_usage.redeemed + 1` under the same CHECK with the per-customer limit;
 * - a `promotion_redemptions` row (unique per order and promotion).
 *
 * D1 executes one batch at a time, so the CHECK is evaluated against every redemption committed
 * before: when 1,000 checkouts race for the last use, exactly one batch passes and the others
 * fail whole (their orders are never written) with the CHECK's name, which checkout turns into a
 * 409 naming the code. Cancelling an order returns its redemptions, once, in the cancellation's batch.
 */

/** Whose uses a per-customer limit counts: the customer, or the email of a guest. */
export function customerKeyOf(buyer: { customerId: string | null; email: string | null }): string | null {
  if (buyer.customerId) return `customer:${buyer.customerId}`;
  return buyer.email ? `email:${buyer.email.trim().toLowerCase()}` : null;
}

export interface RedeemedPromotion {
  promotionId: string;
  code?: string | undefined;
  amount: number;
}

/** The statements that redeem each applied promotion for an order; put them in the order's batch. */
export function redemptionStatements(db: Database, args: { orderId: string; customerKey: string; currency: string; applied: readonly RedeemedPromotion[]; at: string }) {
  return args.applied.flatMap((p) => [
    db
      .update(promotions)
      .set({ redeemed: sql`${promotions.redeemed} + 1` })
      .where(eq(promotions.id, p.promotionId)),
    db
      .insert(promotionCustomerUsage)
      .values({
        promotionId: p.promotionId,
        customerKey: args.customerKey,
        redeemed: 1,
        usageLimit: sql`(SELECT ${promotions.usageLimitPerCustomer} FROM ${promotions} WHERE ${promotions.id} = ${p.promotionId})`,
      })
      .onConflictDoUpdate({
        target: [promotionCustomerUsage.promotionId, promotionCustomerUsage.customerKey],
        // The promotion's current per-customer limit travels with every increment (an admin may change it).
        set: { redeemed: sql`${promotionCustomerUsage.redeemed} + 1`, usageLimit: sql`excluded.usage_limit` },
      }),
    db.insert(promotionRedemptions).values({
      id: newId("redemption"),
      promotionId: p.promotionId,
      code: p.code ?? null,
      orderId: args.orderId,
      customerKey: args.customerKey,
      amount: p.amount,
      currency: args.currency,
      status: "redeemed",
      redeemedAt: args.at,
      returnedAt: null,
    }),
  ]);
}

/**
 * The statements that give a cancelled order's redemptions back, for the cancellation's batch.
 * They touch only redemptions still `redeemed` (the last statement marks them `returned`), so
 * running them twice changes nothing the second time.
 */
export function returnRedemptionStatements(db: Database, orderId: string, at: string) {
  const stillRedeemed = and(eq(promotionRedemptions.orderId, orderId), eq(promotionRedemptions.status, "redeemed"));
  return [
    db
      .update(promotions)
      .set({ redeemed: sql`${promotions.redeemed} - 1` })
      .where(sql`${promotions.id} IN (SELECT ${promotionRedemptions.promotionId} FROM ${promotionRedemptions} WHERE ${stillRedeemed})`),
    db
      .update(promotionCustomerUsage)
      .set({ redeemed: sql`${promotionCustomerUsage.redeemed} - 1` })
      .where(
        sql`(${promotionCustomerUsage.promotionId}, ${promotionCustomerUsage.customerKey}) IN (SELECT ${promotionRedemptions.promotionId}, ${promotionRedemptions.customerKey} FROM ${promotionRedemptions} WHERE ${stillRedeemed})`,
      ),
    db.update(promotionRedemptions).set({ status: "returned", returnedAt: at }).where(stillRedeemed),
  ];
}

/** Which usage-limit CHECK a failed batch hit, if any. */
export function isUsageLimitViolation(error: unknown): "promotion" | "customer" | false {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes("CHECK constraint failed")) {
      if (e.message.includes("promotion_customer_usage_limit")) return "customer";
      if (e.message.includes("promotions_usage_limit")) return "promotion";
    }
  }
  return false;
}

/** A checkout batch refused by a usage limit, as the 409 the shopper sees; null for other errors. */
export function usageLimitProblem(error: unknown, codes: readonly string[]): ServiceError | null {
  const which = isUsageLimitViolation(error);
  if (!which) return null;
  const named = codes.length > 0 ? ` (${codes.join(", ")})` : "";
  return new ServiceError(
    "CONFLICT",
    which === "promotion"
      ? `A promotion on this cart${named} reached its usage limit while you were checking out. Review the cart and try again.`
      : `You have already used a promotion on this cart${named} as often as it allows. Review the cart and try again.`,
    { extra: { reason: which === "promotion" ? "usage_limit_reached" : "customer_usage_limit_reached" } },
  );
}

/** Reasons that mean a code the shopper saw applied has gone since (used up, ended, switched off, deleted). */
const GONE: ReadonlySet<string> = new Set(["usage_limit_reached", "customer_usage_limit_reached", "expired", "inactive", "unknown_code"]);

/**
 * Checkout never silently drops a code: when a code on the cart no longer applies for a reason
 * the shopper could not see coming (used up, ended, disabled, deleted), the checkout is a 409
 * naming it, so the shopper reviews the price (and removes the code) instead of paying more than
 * they were shown. Codes that did not apply in the cart either (minimum not met, …) change nothing.
 */
export function assertCodesStillApply(rejectedCodes: readonly { code: string; reason: string }[]): void {
  const gone = rejectedCodes.filter((r) => GONE.has(r.reason));
  if (gone.length === 0) return;
  throw new ServiceError("CONFLICT", `Discount code${gone.length > 1 ? "s" : ""} ${gone.map((g) => `${g.code} (${g.reason.replaceAll("_", " ")})`).join(", ")} no longer appl${gone.length > 1 ? "y" : "ies"}. Remove ${gone.length > 1 ? "them" : "it"} from the cart and check out again.`, {
    extra: { reason: "discount_code_unavailable", rejectedCodes: gone },
  });
}
