import type { ServiceContext } from "../../context";
import { ServiceError } from "../../shared/errors";
import { unsellableReason, variantFacts, type UnsellableReason, type VariantFacts } from "../catalog";
import { customerGroupsOf, marketForCart, resolvePrices, type Market, type PriceSource } from "../pricing";
import { quoteShipping, type QuotedMethod } from "../shipping";
import { includedTax, taxProvider, type TaxDestination, type TaxResult } from "../tax";
import { assembleCart, type Discounts, type GiftCards, type PricedCart, type PricingFacts } from "./pricing-totals";
import type { Address } from "./schemas";

export type { PricedCart, PricedLine, Discounts, GiftCards } from "./pricing-totals";

/**
 * The cart pricing pipeline (contracts/pricing-and-checkout.md, docs/pricing.md). Computed on the
 * server on every cart read and again at checkout; every amount is integer minor units of the market's
 * currency.
 *
 *   1. market       the cart's chosen market, else its shipping country's, else the default (pricing)
 *   2. unit prices  base price or the lowest applicable price list, and why (pricing)
 *   -  shipping     the methods that can ship the cart there, priced on the subtotal before discounts (shipping)
 *   3. discounts    promotions and codes, allocated to lines and shipping (hook: provideDiscountStep)
 *   4. shipping     the chosen method (else the cheapest), less its shipping discounts
 *   5. tax          per line on the discounted amount and on shipping, through the TaxProvider (tax)
 *   6. gift cards   applied to the total (hook: provideGiftCardStep)
 */

// ---------------------------------------------------------------------------------------------
// Hook points for the promotions module (steps 3 and 6)

/** Step 3's input: the contract's `evaluatePromotions` input plus the cart id. */
export interface DiscountInput {
  cartId: string;
  marketId: string;
  currency: string;
  pricesIncludeTax: boolean;
  customerId: string | null;
  /** The cart's (or checkout's) email: guests' per-customer promotion limits count by it. */
  email: string | null;
  customerGroupIds: string[];
  codes: string[];
  at: string;
  lines: { lineId: string; variantId: string; productId: string; sku: string; categoryIds: string[]; quantity: number; unitPrice: number }[];
  shipping: { methodId: string; amount: number } | null;
}

/** Step 3: discounts in the prices' tax mode (gross when prices include tax), allocated to lines and shipping. */
export type DiscountStep = (ctx: ServiceContext, input: DiscountInput) => Promise<Discounts>;

/** Step 6's input: what is left to pay before gift cards. */
export interface GiftCardInput {
  cartId: string;
  customerId: string | null;
  currency: string;
  total: number;
  at: string;
}

/** Step 6: gift cards and store credit applied to the total. */
export type GiftCardStep = (ctx: ServiceContext, input: GiftCardInput) => Promise<GiftCards>;

let discountStep: DiscountStep | null = null;
let giftCardStep: GiftCardStep | null = null;

/** The promotions module installs its step 3 here (src/app/wiring.ts); null removes it. */
export function provideDiscountStep(step: DiscountStep | null): void {
  discountStep = step;
}

/** The promotions module installs its step 6 here (src/app/wiring.ts); null removes it. */
export function provideGiftCardStep(step: GiftCardStep | null): void {
  giftCardStep = step;
}

const NO_DISCOUNTS: Discounts = { lines: [], shippingDiscounts: [], applied: [], rejectedCodes: [] };

// ---------------------------------------------------------------------------------------------
// The pipeline

export interface PriceCartInput {
  cartId: string;
  customerId: string | null;
  email?: string | null;
  /** The market the shopper chose, if any. */
  marketId: string | null;
  shippingMethodId: string | null;
  shippingAddress: Pick<Address, "country" | "region" | "postalCode"> | null;
  codes?: string[];
  lines: readonly { id: string; variantId: string; productId: string; sku: string; quantity: number }[];
  /** RFC 3339; default now. Checkout prices at its own moment. */
  at?: string;
}

/** Steps 1 and 2 only: the market, the shopper's groups and each line's unit price (what adding a line checks). */
export async function resolveLinePrices(ctx: ServiceContext, input: PriceCartInput) {
  const at = input.at ?? new Date().toISOString();
  const country = input.shippingAddress?.country ?? null;
  // Step 1, the shopper's groups and the catalog's facts are independent: one round of reads.
  const [market, groups, facts] = await Promise.all([
    marketForCart(ctx, { marketId: input.marketId, country }),
    customerGroupsOf(ctx, input.customerId),
    variantFacts(ctx.db, input.lines.map((l) => l.variantId)),
  ]);
  // Step 2.
  const resolved = await resolvePrices(ctx, {
    marketId: market.id,
    currency: market.currency,
    customerGroupIds: groups.ids,
    at,
    lines: input.lines.map((l) => ({ lineId: l.id, variantId: l.variantId, quantity: l.quantity })),
  });
  const unavailable = new Map<string, UnsellableReason>();
  for (const { variantId } of input.lines) {
    const reason = unsellableReason(facts.get(variantId)?.productStatus);
    if (reason) unavailable.set(variantId, reason);
  }
  return { at, market, groups, unavailable, lines: input.lines.map((l, i) => lineFacts(l, resolved[i]!, facts.get(l.variantId))) };
}

export async function priceCart(ctx: ServiceContext, input: PriceCartInput): Promise<PricedCart> {
  const resolved = await resolveLinePrices(ctx, input);
  const { at, market, groups, unavailable } = resolved;
  let lines = resolved.lines;
  // Before an address is known, prices are estimated for the market's first country.
  const destination: TaxDestination = input.shippingAddress
    ? { country: input.shippingAddress.country, region: input.shippingAddress.region ?? null, postalCode: input.shippingAddress.postalCode }
    : { country: market.countries[0] ?? null };

  // Tax-exempt shoppers in a market whose prices include tax pay the prices without their tax:
  // the unit prices become net before anything else, and the cart is priced as tax-exclusive.
  const exemptFromIncluded = groups.taxExempt && market.pricesIncludeTax;
  if (exemptFromIncluded) lines = await withoutIncludedTax(ctx, market, destination, lines);
  const pricesIncludeTax = market.pricesIncludeTax && !groups.taxExempt;

  const priced = lines.filter((l) => l.source.kind !== "none");
  const subtotal = priced.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const weightGrams = priced.reduce((sum, l) => sum + l.weightGrams * l.quantity, 0);
  let methods: QuotedMethod[] = priced.length === 0 ? [] : await quoteShipping(ctx, { market, country: destination.country, weightGrams, subtotal });
  if (exemptFromIncluded) methods = await shippingWithoutIncludedTax(ctx, market, destination, methods);
  const chosen = methods.find((m) => m.id === input.shippingMethodId) ?? methods[0] ?? null;

  // Step 3.
  const discounts =
    discountStep && priced.length > 0
      ? await discountStep(ctx, {
          cartId: input.cartId,
          marketId: market.id,
          currency: market.currency,
          pricesIncludeTax,
          customerId: input.customerId,
          email: input.email ?? null,
          customerGroupIds: groups.ids,
          codes: input.codes ?? [],
          at,
          lines: priced.map((l) => ({ lineId: l.lineId, variantId: l.variantId, productId: l.productId, sku: l.sku, categoryIds: l.categoryIds, quantity: l.quantity, unitPrice: l.unitPrice })),
          shipping: chosen ? { methodId: chosen.id, amount: chosen.amount.amount } : null,
        })
      : NO_DISCOUNTS;

  const pricingFacts: PricingFacts = {
    currency: market.currency,
    pricesIncludeTax,
    taxExempt: groups.taxExempt,
    lines,
    shipping: chosen ? { methodId: chosen.id, name: chosen.name, amount: chosen.amount.amount, taxClass: chosen.taxClass } : null,
  };

  // Steps 4 and 5: what is taxed is known only once discounts are; the assembly is pure (pricing-totals.ts).
  const taxable = assembleCart(pricingFacts, discounts, null, null);
  const taxes: TaxResult = groups.taxExempt
    ? { lines: [] }
    : await taxProvider().calculate(ctx, {
        currency: market.currency,
        pricesIncludeTax,
        destination,
        lines: [
          ...taxable.lines.filter((l) => l.source.kind !== "none").map((l) => ({ key: l.lineId, taxClass: l.taxClass, amount: l.lineTotal })),
          ...(taxable.shipping ? [{ key: SHIPPING_KEY, taxClass: taxable.shipping.taxClass, amount: taxable.shipping.amount - taxable.shipping.discount }] : []),
        ],
      });
  const taxed = assembleCart(pricingFacts, discounts, taxes, null);

  // Step 6.
  const giftCards =
    giftCardStep && priced.length > 0
      ? await giftCardStep(ctx, { cartId: input.cartId, customerId: input.customerId, currency: market.currency, total: taxed.totals.total, at })
      : null;
  const result = assembleCart(pricingFacts, discounts, taxes, giftCards);
  return { ...result, market, shippingMethods: methods.map(({ taxClass: _taxClass, ...option }) => option), chosenShippingMethodId: input.shippingMethodId, unavailable };
}

export const SHIPPING_KEY = "shipping";

type LineFacts = PricingFacts["lines"][number];

function lineFacts(line: PriceCartInput["lines"][number], resolved: { unitPrice: number; compareAtPrice: number | null; source: PriceSource }, facts: VariantFacts | undefined): LineFacts {
  return {
    lineId: line.id,
    variantId: line.variantId,
    productId: line.productId,
    sku: line.sku,
    quantity: line.quantity,
    unitPrice: resolved.unitPrice,
    compareAtPrice: resolved.compareAtPrice,
    source: resolved.source,
    // A deleted variant has no facts: standard class and no weight (checkout refuses it anyway: no price).
    taxClass: facts?.taxClass ?? "standard",
    weightGrams: facts?.weightGrams ?? 0,
    categoryIds: facts?.categoryIds ?? [],
  };
}

/** The rate of each line's class at the destination, from the provider (one call). */
async function ratesOf(ctx: ServiceContext, market: Market, destination: TaxDestination, items: { key: string; taxClass: string }[]): Promise<Map<string, number>> {
  if (items.length === 0) return new Map();
  const result = await taxProvider().calculate(ctx, { currency: market.currency, pricesIncludeTax: true, destination, lines: items.map((i) => ({ ...i, amount: 0 })) });
  return new Map(result.lines.map((l) => [l.key, l.rate]));
}

async function withoutIncludedTax(ctx: ServiceContext, market: Market, destination: TaxDestination, lines: LineFacts[]): Promise<LineFacts[]> {
  const rates = await ratesOf(ctx, market, destination, lines.map((l) => ({ key: l.lineId, taxClass: l.taxClass })));
  const net = (amount: number, rate: number) => amount - includedTax(amount, rate);
  return lines.map((l) => {
    const rate = rates.get(l.lineId) ?? 0;
    return { ...l, unitPrice: net(l.unitPrice, rate), compareAtPrice: l.compareAtPrice === null ? null : net(l.compareAtPrice, rate) };
  });
}

async function shippingWithoutIncludedTax(ctx: ServiceContext, market: Market, destination: TaxDestination, methods: QuotedMethod[]): Promise<QuotedMethod[]> {
  const rates = await ratesOf(ctx, market, destination, methods.map((m) => ({ key: m.id, taxClass: m.taxClass })));
  return methods.map((m) => ({ ...m, amount: { ...m.amount, amount: m.amount.amount - includedTax(m.amount.amount, rates.get(m.id) ?? 0) } }));
}

/** Checkout: the priced cart must be buyable as it stands, or a problem naming what is not. */
export function assertPurchasable(priced: PricedCart): void {
  const errors = priced.lines.flatMap((l, i) =>
    l.source.kind === "none" ? [{ pointer: `/lines/${i}`, detail: `'${l.sku}' has no price in ${priced.currency} (market '${priced.market.handle}'): it is not sold there.` }] : [],
  );
  if (priced.lines.length > 0 && !priced.shipping) errors.push({ pointer: "/shippingAddress", detail: `No shipping method ships this cart there in market '${priced.market.handle}'.` });
  if (errors.length > 0) throw new ServiceError("VALIDATION_FAILED", "The cart cannot be bought as it is.", { errors });
}
