import type { Money } from "../../shared/schemas";
import { allocate, percentOf } from "./money-math";
import { basisPoints, phaseOf, type DiscountValue, type LineMatch, type PromotionRule } from "./rules";

/**
 * The promotion engine: a pure function from a priced cart and the promotions on offer to the
 * discounts, allocated to lines. No I/O, no clock (the time comes in), no randomness: the same
 * input always gives the same output, whatever the order of the offers in it.
 *
 * Order of application (docs/pricing.md):
 * 1. Eligibility of each offer: status, start/end, market, customer group, usage limits,
 *    currency, minimum subtotal (the cart's subtotal before any discount).
 * 2. Line rules (`lines`, `buy_x_get_y`), then order rules (`order`), then shipping
 *    (`free_shipping`); within a phase by `priority` (lower first), then by promotion id (oldest
 *    first). Each offer works on what earlier ones left: percentages compound (10 % then 10 % is
 *    19 %), fixed amounts are capped at what is left, so no line and no shipping goes below zero.
 * 3. Exclusive offers (`combinable: false`) apply alone: the engine compares the combination of all
 *    combinable offers with each exclusive offer on its own and keeps whichever discounts most
 *    (ties: the combination, then the earlier exclusive offer). Codes that lose are reported as
 *    `not_combinable`.
 * 4. Each offer's discount is allocated to the lines it touched in proportion to what was left of
 *    them (largest remainder, ties to the earlier line), so allocations sum exactly to it.
 */

export interface EngineLine {
  lineId: string;
  productId: string;
  sku: string;
  /** The line's categories AND their ancestors: a rule on a category matches its descendants. */
  categoryIds: readonly string[];
  quantity: number;
  /** Unit price in minor units, in the same tax mode as the market's prices. */
  unitPrice: number;
}

export interface Offer {
  promotionId: string;
  title: string;
  /** The code that brought this promotion in; null for automatic promotions. */
  code: string | null;
  status: "active" | "disabled";
  rule: PromotionRule;
  minimumSubtotal: readonly Money[];
  customerGroupIds: readonly string[];
  marketIds: readonly string[];
  startsAt: string | null;
  endsAt: string | null;
  combinable: boolean;
  priority: number;
  usageLimitReached: boolean;
  customerUsageLimitReached: boolean;
}

export interface EngineInput {
  currency: string;
  marketId: string | null;
  customerGroupIds: readonly string[];
  /** RFC 3339 UTC, compared as strings with the offers' windows. */
  at: string;
  lines: readonly EngineLine[];
  shipping: { amount: number } | null;
  offers: readonly Offer[];
}

export const rejectionReasons = [
  "unknown_code",
  "inactive",
  "not_started",
  "expired",
  "market_not_eligible",
  "customer_group_not_eligible",
  "currency_not_eligible",
  "usage_limit_reached",
  "customer_usage_limit_reached",
  "minimum_subtotal_not_met",
  "nothing_to_discount",
  "not_combinable",
  "already_applied",
] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export interface Discount {
  promotionId: string;
  code?: string;
  amount: number;
}

export interface Evaluation {
  lines: { lineId: string; discounts: Discount[] }[];
  shippingDiscounts: Discount[];
  applied: (Discount & { title: string })[];
  rejectedCodes: { code: string; reason: RejectionReason }[];
}

/** What one offer did in one run: its share of each line (by index) and of shipping. */
interface Effect {
  offer: Offer;
  lineAmounts: number[];
  shipping: number;
  amount: number;
}

const byApplicationOrder = (a: Offer, b: Offer) =>
  phaseOf[a.rule.type] - phaseOf[b.rule.type] || a.priority - b.priority || (a.promotionId < b.promotionId ? -1 : a.promotionId > b.promotionId ? 1 : 0);

export function evaluateOffers(input: EngineInput): Evaluation {
  const rejected: Evaluation["rejectedCodes"] = [];
  const reject = (offer: Offer, reason: RejectionReason) => {
    if (offer.code !== null) rejected.push({ code: offer.code, reason });
  };
  const subtotal = input.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);

  // A promotion counts once, however many of its codes were entered (the first one wins).
  const seen = new Set<string>();
  const eligible: Offer[] = [];
  for (const offer of [...input.offers].sort(byApplicationOrder)) {
    const reason = seen.has(offer.promotionId) ? "already_applied" : ineligibility(offer, input, subtotal);
    if (reason) reject(offer, reason);
    else {
      seen.add(offer.promotionId);
      eligible.push(offer);
    }
  }

  const combined = run(input, eligible.filter((o) => o.combinable));
  let best = combined;
  const exclusive: Offer[] = [];
  for (const offer of eligible.filter((o) => !o.combinable)) {
    const alone = run(input, [offer]);
    if (alone.total === 0) {
      reject(offer, "nothing_to_discount");
      continue;
    }
    exclusive.push(offer);
    if (alone.total > best.total) best = alone;
  }
  const chosen = new Set(best.effects.map((e) => e.offer));
  for (const offer of [...combined.effects.map((e) => e.offer), ...exclusive]) {
    if (!chosen.has(offer)) reject(offer, "not_combinable");
  }
  for (const effect of best.effects) if (effect.amount === 0) reject(effect.offer, "nothing_to_discount");

  const effects = best.effects.filter((e) => e.amount > 0);
  const tag = (offer: Offer, amount: number): Discount => ({ promotionId: offer.promotionId, ...(offer.code !== null && { code: offer.code }), amount });
  return {
    lines: input.lines.map((line, i) => ({
      lineId: line.lineId,
      discounts: effects.filter((e) => e.lineAmounts[i]! > 0).map((e) => tag(e.offer, e.lineAmounts[i]!)),
    })),
    shippingDiscounts: effects.filter((e) => e.shipping > 0).map((e) => tag(e.offer, e.shipping)),
    applied: effects.map((e) => ({ ...tag(e.offer, e.amount), title: e.offer.title })),
    rejectedCodes: rejected.sort((a, b) => codeOrder(input, a.code) - codeOrder(input, b.code)),
  };
}

/** Rejections are reported in the order the codes were entered. */
function codeOrder(input: EngineInput, code: string): number {
  return input.offers.findIndex((o) => o.code === code);
}

function ineligibility(offer: Offer, input: EngineInput, subtotal: number): RejectionReason | null {
  if (offer.status !== "active") return "inactive";
  if (offer.startsAt !== null && input.at < offer.startsAt) return "not_started";
  if (offer.endsAt !== null && input.at >= offer.endsAt) return "expired";
  if (offer.marketIds.length > 0 && (input.marketId === null || !offer.marketIds.includes(input.marketId))) return "market_not_eligible";
  if (offer.customerGroupIds.length > 0 && !offer.customerGroupIds.some((g) => input.customerGroupIds.includes(g))) return "customer_group_not_eligible";
  if (offer.usageLimitReached) return "usage_limit_reached";
  if (offer.customerUsageLimitReached) return "customer_usage_limit_reached";
  const value = "value" in offer.rule ? offer.rule.value : null;
  if (value?.type === "fixed" && !value.amounts.some((m) => m.currency === input.currency)) return "currency_not_eligible";
  if (offer.minimumSubtotal.length > 0) {
    const minimum = offer.minimumSubtotal.find((m) => m.currency === input.currency);
    if (!minimum) return "currency_not_eligible";
    if (subtotal < minimum.amount) return "minimum_subtotal_not_met";
  }
  return null;
}

/** Apply offers in application order to a fresh copy of the cart's amounts. */
function run(input: EngineInput, offers: readonly Offer[]): { effects: Effect[]; total: number } {
  const remaining = input.lines.map((l) => l.unitPrice * l.quantity);
  let shipping = input.shipping?.amount ?? 0;
  const effects: Effect[] = [];
  let total = 0;
  for (const offer of offers) {
    const effect = apply(input, offer, remaining, shipping);
    effect.lineAmounts.forEach((amount, i) => (remaining[i]! -= amount));
    shipping -= effect.shipping;
    total += effect.amount;
    effects.push(effect);
  }
  return { effects, total };
}

function apply(input: EngineInput, offer: Offer, remaining: readonly number[], shipping: number): Effect {
  const rule = offer.rule;
  const none = remaining.map(() => 0);
  const effect = (lineAmounts: number[], shippingAmount = 0): Effect => ({
    offer,
    lineAmounts,
    shipping: shippingAmount,
    amount: lineAmounts.reduce((a, b) => a + b, 0) + shippingAmount,
  });
  switch (rule.type) {
    case "free_shipping":
      return effect(none, shipping);
    case "order":
      return effect(discountOver(remaining, rule.value, input.currency));
    case "lines": {
      const weights = input.lines.map((line, i) => (matches(line, rule.match) ? remaining[i]! : 0));
      return effect(discountOver(weights, rule.value, input.currency));
    }
    case "buy_x_get_y":
      return effect(buyXGetY(input.lines, remaining, rule));
  }
}

/** A value taken off the sum of `weights` and allocated back over them. */
function discountOver(weights: readonly number[], value: DiscountValue, currency: string): number[] {
  const base = weights.reduce((a, b) => a + b, 0);
  const amount =
    value.type === "percentage" ? percentOf(base, basisPoints(value.percent)) : Math.min(base, value.amounts.find((m) => m.currency === currency)?.amount ?? 0);
  return allocate(amount, weights);
}

export function matches(line: Pick<EngineLine, "productId" | "sku" | "categoryIds">, match: LineMatch): boolean {
  return (
    (match.productIds?.includes(line.productId) ?? false) ||
    (match.skus?.includes(line.sku) ?? false) ||
    (match.categoryIds?.some((c) => line.categoryIds.includes(c)) ?? false)
  );
}

/**
 * Buy X get Y: each application takes the X most expensive unused `buy` units and then the Y
 * cheapest unused `get` units (never the same unit twice), until the units or `maxApplications`
 * run out. The `get` units are discounted by `get.percent`, capped at what is left of each line.
 */
function buyXGetY(lines: readonly EngineLine[], remaining: readonly number[], rule: Extract<PromotionRule, { type: "buy_x_get_y" }>): number[] {
  const available = lines.map((l) => l.quantity);
  const freeUnits = lines.map(() => 0);
  const indices = lines.map((_, i) => i);
  const dearestFirst = [...indices].filter((i) => matches(lines[i]!, rule.buy.match)).sort((a, b) => lines[b]!.unitPrice - lines[a]!.unitPrice || a - b);
  const cheapestFirst = [...indices].filter((i) => matches(lines[i]!, rule.get.match)).sort((a, b) => lines[a]!.unitPrice - lines[b]!.unitPrice || a - b);
  const take = (order: number[], quantity: number): [number, number][] | null => {
    const taken: [number, number][] = [];
    let need = quantity;
    for (const i of order) {
      const n = Math.min(available[i]!, need);
      if (n === 0) continue;
      taken.push([i, n]);
      available[i]! -= n;
      need -= n;
      if (need === 0) return taken;
    }
    for (const [i, n] of taken) available[i]! += n;
    return null;
  };
  for (let applied = 0; rule.maxApplications === undefined || applied < rule.maxApplications; applied++) {
    const bought = take(dearestFirst, rule.buy.quantity);
    if (!bought) break;
    const got = take(cheapestFirst, rule.get.quantity);
    if (!got) {
      for (const [i, n] of bought) available[i]! += n;
      break;
    }
    for (const [i, n] of got) freeUnits[i]! += n;
  }
  const bp = basisPoints(rule.get.percent);
  return lines.map((line, i) => Math.min(remaining[i]!, percentOf(line.unitPrice * freeUnits[i]!, bp)));
}
