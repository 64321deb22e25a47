import { z } from "@hono/zod-openapi";
import { Money } from "../../shared/schemas";

/**
 * What a promotion does: the rule types, the discount value and which lines a rule matches.
 * The one definition: the service validates with these, the table stores them as JSON, REST and
 * GraphQL describe them from here.
 */

const Id = z.string().trim().min(1).max(64);

/** A percentage with at most two decimals (12.5 = 12.5 %), kept exact as basis points by the engine. */
export const Percent = z
  .number()
  .gt(0)
  .lte(100)
  .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-6, "At most two decimals.")
  .openapi({ example: 15, description: "Percent off, 0.01 to 100, at most two decimals." });

/** Basis points of a validated percentage: 12.5 -> 1250. */
export const basisPoints = (percent: number) => Math.round(percent * 100);

/** Amounts per currency: one entry per currency, no currency twice. */
export const MoneyPerCurrency = z
  .array(Money)
  .max(20)
  .refine((list) => new Set(list.map((m) => m.currency)).size === list.length, "One amount per currency.");

export const DiscountValue = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("percentage"), percent: Percent }).strict(),
    z
      .object({
        type: z.literal("fixed"),
        amounts: MoneyPerCurrency.refine((l) => l.length > 0 && l.every((m) => m.amount > 0), "At least one amount, each above 0.").openapi({
          description: "The amount off in each currency the promotion is for; carts in other currencies are not eligible.",
        }),
      })
      .strict(),
  ])
  .openapi("DiscountValue", {
    description: "`percentage` of the matched amount, or a `fixed` amount per currency (never more than the matched amount).",
  });
export type DiscountValue = z.infer<typeof DiscountValue>;

/** Which lines a rule is about: a line matches when it matches ANY of the lists given. */
export const LineMatch = z
  .object({
    categoryIds: z.array(Id).max(50).optional().openapi({ description: "Products in these categories or their descendants." }),
    productIds: z.array(Id).max(100).optional(),
    skus: z.array(Id).max(100).optional(),
  })
  .strict()
  .refine((m) => (m.categoryIds?.length ?? 0) + (m.productIds?.length ?? 0) + (m.skus?.length ?? 0) > 0, "Name at least one category, product or SKU.")
  .openapi("LineMatch", { description: "A line matches when its product is in one of the categories, is one of the products, or has one of the SKUs." });
export type LineMatch = z.infer<typeof LineMatch>;

const Quantity = z.number().int().min(1).max(100);

export const PromotionRule = z
  .discriminatedUnion("type", [
    z
      .object({ type: z.literal("order"), value: DiscountValue })
      .strict()
      .openapi({ description: "Off the whole order (its lines; not shipping), allocated to the lines in proportion to their amounts." }),
    z
      .object({ type: z.literal("lines"), match: LineMatch, value: DiscountValue })
      .strict()
      .openapi({ description: "Off the matching lines together, allocated among them in proportion to their amounts." }),
    z.object({ type: z.literal("free_shipping") }).strict().openapi({ description: "The chosen shipping method costs nothing." }),
    z
      .object({
        type: z.literal("buy_x_get_y"),
        buy: z.object({ quantity: Quantity, match: LineMatch }).strict(),
        get: z.object({ quantity: Quantity, match: LineMatch, percent: Percent.default(100).openapi({ description: "Percent off each `get` unit; 100 (default) makes it free." }) }).strict(),
        maxApplications: z.number().int().min(1).max(1000).optional().openapi({ description: "How many times one order may use it; unlimited if absent." }),
      })
      .strict()
      .openapi({ description: "Buy `buy.quantity` matching units, get `get.quantity` matching units at `get.percent` off; the cheapest units are the ones discounted." }),
  ])
  .openapi("PromotionRule");
export type PromotionRule = z.infer<typeof PromotionRule>;
export type PromotionRuleType = PromotionRule["type"];

/** Where a rule applies in the documented order: line rules, then order rules, then shipping. */
export const phaseOf: Record<PromotionRuleType, number> = { lines: 1, buy_x_get_y: 1, order: 2, free_shipping: 3 };

/** The line matches a rule uses (none for order and shipping rules). */
export function lineMatchesOf(rule: PromotionRule): LineMatch[] {
  if (rule.type === "lines") return [rule.match];
  if (rule.type === "buy_x_get_y") return [rule.buy.match, rule.get.match];
  return [];
}
