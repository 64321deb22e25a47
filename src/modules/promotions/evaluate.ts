import { and, eq, inArray, isNull, lte, or, gt } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { categoryAncestryByProductIds } from "../catalog";
import { cartCodes } from "./cart-codes";
import { evaluateOffers, type Evaluation, type Offer } from "./engine";
import { customerKeyOf } from "./redemptions";
import { lineMatchesOf } from "./rules";
import { discountCodes, promotionCustomerUsage, promotions } from "./tables";

/**
 * Step 3 of the cart pricing pipeline (contract: /work/coord/contracts/pricing-and-checkout.md):
 * load the promotions on offer to this cart (every automatic one running now, plus those of the
 * codes entered), how often this customer used them, and the lines' category ancestry; then let
 * the pure engine decide. Called on every cart read and again at checkout.
 */
export interface PromotionInput {
  marketId: string | null;
  currency: string;
  /** Informational: discounts are in the prices' own tax mode (gross when prices include tax). */
  pricesIncludeTax: boolean;
  customerId: string | null;
  /** For guests' per-customer limits (counted per email). */
  email?: string | null;
  customerGroupIds: readonly string[];
  codes: readonly string[];
  /** RFC 3339; defaults to now. */
  at?: string;
  lines: readonly { lineId: string; variantId: string; productId: string; sku: string; categoryIds?: readonly string[]; quantity: number; unitPrice: number }[];
  shipping: { methodId: string; amount: number } | null;
}

export type PromotionEvaluation = Evaluation & {
  /** Titles of the applied promotions, by id (for line allocations shown on carts and orders). */
  titles: Record<string, string>;
};

const MAX_CODES = 5;

export async function evaluatePromotions(ctx: ServiceContext, input: PromotionInput): Promise<PromotionEvaluation> {
  const at = input.at ?? new Date().toISOString();
  const codes = [...new Set(input.codes.map((c) => c.trim().toUpperCase()))].slice(0, MAX_CODES);
  const codeRows = codes.length > 0 ? await ctx.db.select().from(discountCodes).where(inArray(discountCodes.code, codes)) : [];
  const promotionOfCode = new Map(codeRows.map((r) => [r.code, r.promotionId]));
  const codedIds = [...new Set(codeRows.map((r) => r.promotionId))];

  const running = and(
    eq(promotions.trigger, "automatic"),
    eq(promotions.status, "active"),
    or(isNull(promotions.startsAt), lte(promotions.startsAt, at)),
    or(isNull(promotions.endsAt), gt(promotions.endsAt, at)),
  );
  const rows = await ctx.db
    .select()
    .from(promotions)
    .where(codedIds.length > 0 ? or(running, inArray(promotions.id, codedIds)) : running);
  const byId = new Map(rows.map((r) => [r.id, r]));

  const customerKey = customerKeyOf({ customerId: input.customerId, email: input.email ?? null });
  const limited = rows.filter((r) => r.usageLimitPerCustomer !== null).map((r) => r.id);
  const usage =
    customerKey && limited.length > 0
      ? await ctx.db
          .select({ promotionId: promotionCustomerUsage.promotionId, redeemed: promotionCustomerUsage.redeemed })
          .from(promotionCustomerUsage)
          .where(and(eq(promotionCustomerUsage.customerKey, customerKey), inArray(promotionCustomerUsage.promotionId, limited)))
      : [];
  const usedByCustomer = new Map(usage.map((u) => [u.promotionId, u.redeemed]));

  const needsCategories = rows.some((r) => lineMatchesOf(r.rule).some((m) => (m.categoryIds?.length ?? 0) > 0));
  const ancestry = needsCategories ? await categoryAncestryByProductIds(ctx.db, input.lines.map((l) => l.productId)) : new Map<string, string[]>();

  // The row has every field an offer needs; the engine reads only those.
  const offer = (row: (typeof rows)[number], code: string | null): Offer => ({
    ...row,
    promotionId: row.id,
    code,
    usageLimitReached: row.usageLimit !== null && row.redeemed >= row.usageLimit,
    customerUsageLimitReached: row.usageLimitPerCustomer !== null && (usedByCustomer.get(row.id) ?? 0) >= row.usageLimitPerCustomer,
  });
  const offers: Offer[] = [
    ...rows.filter((r) => r.trigger === "automatic" && !codedIds.includes(r.id)).map((r) => offer(r, null)),
    ...codes.flatMap((code) => {
      const row = byId.get(promotionOfCode.get(code) ?? "");
      return row ? [offer(row, code)] : [];
    }),
  ];

  const evaluation = evaluateOffers({
    currency: input.currency,
    marketId: input.marketId,
    customerGroupIds: input.customerGroupIds,
    at,
    shipping: input.shipping ? { amount: input.shipping.amount } : null,
    lines: input.lines.map((l) => ({
      lineId: l.lineId,
      productId: l.productId,
      sku: l.sku,
      categoryIds: [...new Set([...(l.categoryIds ?? []), ...(ancestry.get(l.productId) ?? [])])],
      quantity: l.quantity,
      unitPrice: l.unitPrice,
    })),
    offers,
  });
  const unknown = codes.filter((c) => !byId.has(promotionOfCode.get(c) ?? "")).map((code) => ({ code, reason: "unknown_code" as const }));
  const rejectedCodes = [...evaluation.rejectedCodes, ...unknown].sort((a, b) => codes.indexOf(a.code) - codes.indexOf(b.code));
  return { ...evaluation, rejectedCodes, titles: Object.fromEntries(evaluation.applied.map((a) => [a.promotionId, a.title])) };
}

/**
 * The pricing pipeline's step 3 for a cart (installed by the composition root with
 * `provideDiscountStep`): the codes stored on the cart plus any the caller passes, evaluated.
 */
export async function discountsForCart(ctx: ServiceContext, input: Omit<PromotionInput, "codes"> & { cartId: string; codes?: readonly string[] }): Promise<PromotionEvaluation> {
  const stored = await cartCodes(ctx.db, input.cartId);
  return evaluatePromotions(ctx, { ...input, codes: [...stored, ...(input.codes ?? [])] });
}
