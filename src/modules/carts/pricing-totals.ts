import type { UnsellableReason } from "../catalog";
import type { Market, PriceSource } from "../pricing";
import type { ShippingOption } from "../shipping";
import type { TaxResult } from "../tax";

/**
 * The pure half of the pricing pipeline: given the facts (prices, shipping), the discounts of step 3,
 * the taxes of step 5 and the gift cards of step 6, the priced cart and its totals. No I/O, so the
 * money rules are property-tested directly (test/pricing/pipeline-properties.test.ts):
 *
 *   line:   lineTotal = unitPrice x quantity - line discounts   (never below 0)
 *   total = subtotal - discount + shipping + (tax unless prices include it)
 *   amountDue = total - gift cards                              (never below 0)
 */

export interface LineFacts {
  lineId: string;
  variantId: string;
  productId: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  compareAtPrice: number | null;
  source: PriceSource;
  taxClass: string;
  weightGrams: number;
  categoryIds: string[];
}

export interface PricingFacts {
  currency: string;
  /** Whether the amounts below include tax (false for tax-exempt shoppers, whose prices were made net). */
  pricesIncludeTax: boolean;
  taxExempt: boolean;
  lines: LineFacts[];
  shipping: { methodId: string; name: string; amount: number; taxClass: string } | null;
}

export interface AppliedDiscount {
  promotionId: string;
  code: string | null;
  amount: number;
}

/** Step 3's result (the contract's `evaluatePromotions` output). */
export interface Discounts {
  lines: { lineId: string; discounts: { promotionId: string; code?: string | null; amount: number }[] }[];
  shippingDiscounts: { promotionId: string; code?: string | null; amount: number }[];
  applied: { promotionId: string; code?: string | null; title: string; amount: number }[];
  rejectedCodes: { code: string; reason: string }[];
}

/** Step 6's result. */
export interface GiftCards {
  /** Every card on the cart in the order applied; one that cannot pay now has amount 0 and a `reason`. */
  applied: { giftCardId: string; kind: "gift_card" | "store_credit"; last4: string; amount: number; reason: "currency_mismatch" | "disabled" | "expired" | "empty" | null }[];
  amountDue: number;
}

export interface PricedLine extends LineFacts {
  /** unitPrice x quantity. */
  subtotal: number;
  discounts: AppliedDiscount[];
  discount: number;
  /** subtotal - discount: what the line costs, in the prices' tax mode. */
  lineTotal: number;
  /** Included in lineTotal when prices include tax, else on top of it. */
  tax: number;
  /** Basis points. */
  taxRate: number;
}

export interface PricedShipping {
  methodId: string;
  name: string;
  amount: number;
  discounts: AppliedDiscount[];
  discount: number;
  tax: number;
  taxRate: number;
  taxClass: string;
}

export interface CartTotals {
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  giftCards: number;
  amountDue: number;
}

export interface AssembledCart {
  currency: string;
  pricesIncludeTax: boolean;
  taxExempt: boolean;
  lines: PricedLine[];
  shipping: PricedShipping | null;
  discounts: { applied: { promotionId: string; code: string | null; title: string; amount: number }[]; rejectedCodes: { code: string; reason: string }[] };
  giftCards: GiftCards["applied"];
  totals: CartTotals;
}

export interface PricedCart extends AssembledCart {
  market: Market;
  /** Every method that can ship this cart, cheapest first. */
  shippingMethods: ShippingOption[];
  /** What the shopper chose (null: none; the cart then ships with the cheapest). */
  chosenShippingMethodId: string | null;
  /** The cart's variants that can no longer be bought, by variant id, from the same catalog read that priced them. */
  unavailable: ReadonlyMap<string, UnsellableReason>;
}

function assertAmount(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`pricing: ${what} must be a non-negative integer amount, got ${amount}.`);
}

/** Discounts in order, each cut so their sum never exceeds `limit` (a line or shipping never goes below 0). */
export function capDiscounts(discounts: readonly { promotionId: string; code?: string | null; amount: number }[], limit: number): AppliedDiscount[] {
  let left = limit;
  return discounts.map((d) => {
    assertAmount(d.amount, `discount of ${d.promotionId}`);
    const amount = Math.min(d.amount, left);
    left -= amount;
    return { promotionId: d.promotionId, code: d.code ?? null, amount };
  });
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export function assembleCart(facts: PricingFacts, discounts: Discounts, taxes: TaxResult | null, giftCards: GiftCards | null): AssembledCart {
  const taxOf = new Map((taxes?.lines ?? []).map((t) => [t.key, t]));
  const discountsOf = new Map(discounts.lines.map((l) => [l.lineId, l.discounts]));
  const lines: PricedLine[] = facts.lines.map((l) => {
    const priced = l.source.kind !== "none";
    const subtotal = priced ? l.unitPrice * l.quantity : 0;
    const applied = capDiscounts(priced ? (discountsOf.get(l.lineId) ?? []) : [], subtotal);
    const discount = sum(applied.map((d) => d.amount));
    const tax = taxOf.get(l.lineId);
    if (tax) assertAmount(tax.tax, `tax of line ${l.lineId}`);
    return { ...l, subtotal, discounts: applied, discount, lineTotal: subtotal - discount, tax: tax?.tax ?? 0, taxRate: tax?.rate ?? 0 };
  });

  let shipping: PricedShipping | null = null;
  if (facts.shipping) {
    const applied = capDiscounts(discounts.shippingDiscounts, facts.shipping.amount);
    const tax = taxOf.get("shipping");
    if (tax) assertAmount(tax.tax, "tax of shipping");
    shipping = { ...facts.shipping, discounts: applied, discount: sum(applied.map((d) => d.amount)), tax: tax?.tax ?? 0, taxRate: tax?.rate ?? 0 };
  }

  const subtotal = sum(lines.map((l) => l.subtotal));
  const discount = sum(lines.map((l) => l.discount)) + (shipping?.discount ?? 0);
  const shippingAmount = shipping?.amount ?? 0;
  const tax = sum(lines.map((l) => l.tax)) + (shipping?.tax ?? 0);
  const total = subtotal - discount + shippingAmount + (facts.pricesIncludeTax ? 0 : tax);
  let left = total;
  const cards = (giftCards?.applied ?? []).map((card) => {
    assertAmount(card.amount, `gift card ${card.giftCardId}`);
    const amount = Math.min(card.amount, left);
    left -= amount;
    return { ...card, amount };
  });
  const giftCardTotal = sum(cards.map((c) => c.amount));

  return {
    currency: facts.currency,
    pricesIncludeTax: facts.pricesIncludeTax,
    taxExempt: facts.taxExempt,
    lines,
    shipping,
    discounts: {
      applied: discounts.applied.map((a) => ({ promotionId: a.promotionId, code: a.code ?? null, title: a.title, amount: a.amount })),
      rejectedCodes: discounts.rejectedCodes,
    },
    giftCards: cards,
    totals: { subtotal, discount, shipping: shippingAmount, tax, total, giftCards: giftCardTotal, amountDue: total - giftCardTotal },
  };
}
