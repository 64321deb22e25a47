import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assembleCart, type Discounts, type PricingFacts } from "../../src/modules/carts/pricing-totals";
import { choosePrice, type ListCandidate } from "../../src/modules/pricing/resolve";
import { priceMethod } from "../../src/modules/shipping/rates";
import { allocateTax } from "../../src/modules/tax/math";
import { matchRate } from "../../src/modules/tax/provider";
import { formatMoney, minorUnits, toDecimalString } from "../../src/shared/money";

/**
 * Property tests of the money rules (fast-check): tax rounding and allocation, inclusive vs exclusive
 * tax, the pipeline's totals, price choice. Pure functions, so thousands of cases run in a second.
 */

const amount = fc.integer({ min: 0, max: 5_000_000 });
const rate = fc.constantFrom(0, 500, 700, 1000, 1900, 2000, 2100, 725, 888, 1);
const taxables = fc.array(fc.record({ amount, rateBp: rate }), { minLength: 1, maxLength: 12 });

/** Exact tax of an amount as a rational, for comparing with what was allocated. */
const exact = (a: number, bp: number, inclusive: boolean) => (a * bp) / (inclusive ? 10_000 + bp : 10_000);

describe("tax: rounding per line with the remainder allocated deterministically", () => {
  it("lines of one rate add up to that rate's tax rounded once (half up), each within a cent of its exact share", () => {
    fc.assert(
      fc.property(taxables, fc.boolean(), (items, inclusive) => {
        const taxes = allocateTax(items, inclusive);
        for (const bp of new Set(items.map((i) => i.rateBp))) {
          const group = items.map((item, i) => ({ item, tax: taxes[i]! })).filter((x) => x.item.rateBp === bp);
          const num = group.reduce((s, x) => s + BigInt(x.item.amount) * BigInt(bp), 0n);
          const den = BigInt(inclusive ? 10_000 + bp : 10_000);
          const rounded = Number((2n * num + den) / (2n * den));
          expect(group.reduce((s, x) => s + x.tax, 0)).toBe(rounded);
          for (const x of group) expect(Math.abs(x.tax - exact(x.item.amount, bp, inclusive))).toBeLessThan(1);
        }
        // Included tax never exceeds the amount it is part of: no net below zero.
        if (inclusive) items.forEach((item, i) => expect(taxes[i]!).toBeLessThanOrEqual(item.amount));
        // Deterministic: the same input always splits the same way.
        expect(allocateTax(items, inclusive)).toEqual(taxes);
      }),
      { numRuns: 2000 },
    );
  });

  it("tax-inclusive and tax-exclusive agree on the net: gross = net + tax on top gives back that tax, line by line", () => {
    fc.assert(
      fc.property(taxables, (nets) => {
        const onTop = allocateTax(nets, false);
        const grosses = nets.map((n, i) => ({ amount: n.amount + onTop[i]!, rateBp: n.rateBp }));
        const included = allocateTax(grosses, true);
        expect(included).toEqual(onTop);
        grosses.forEach((g, i) => expect(g.amount - included[i]!).toBe(nets[i]!.amount));
      }),
      { numRuns: 2000 },
    );
  });

  it("splits a worked example the documented way (docs/pricing.md)", () => {
    // Three lines of 10.00 at 19% inclusive: exact 1.5966 each, 4.79 in all; 1.59 each and the leftover cent to the first.
    expect(allocateTax([{ amount: 1000, rateBp: 1900 }, { amount: 1000, rateBp: 1900 }, { amount: 1000, rateBp: 1900 }], true)).toEqual([160, 160, 159]);
    // Rounded per line independently this would be 1.60 x 3 = 4.80, one cent more than 19/119 of 30.00.
    expect(allocateTax([{ amount: 3000, rateBp: 1900 }], true)).toEqual([479]);
    // Rates are rounded separately: 7% of 9.99 = 0.6993 -> 0.70; 19% of 0.05 = 0.0095 -> 0.01.
    expect(allocateTax([{ amount: 999, rateBp: 700 }, { amount: 5, rateBp: 1900 }], false)).toEqual([70, 1]);
  });
});

const lineFacts = fc.record({
  unitPrice: fc.integer({ min: 0, max: 200_000 }),
  quantity: fc.integer({ min: 1, max: 20 }),
  priced: fc.boolean(),
});

describe("cart totals (the pure assembly of the pipeline)", () => {
  it("the total equals lines minus discounts plus shipping plus tax; no line or payment goes below zero", () => {
    fc.assert(
      fc.property(
        fc.array(lineFacts, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: null }),
        fc.array(fc.array(fc.integer({ min: 0, max: 500_000 }), { maxLength: 3 }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 2 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 9, maxLength: 9 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 3 }),
        (raw, pricesIncludeTax, shippingAmount, lineDiscounts, shippingDiscounts, taxes, cards) => {
          const facts: PricingFacts = {
            currency: "EUR",
            pricesIncludeTax,
            taxExempt: false,
            lines: raw.map((l, i) => ({
              lineId: `l${i}`,
              variantId: `v${i}`,
              productId: "p",
              sku: `S${i}`,
              quantity: l.quantity,
              unitPrice: l.priced ? l.unitPrice : 0,
              compareAtPrice: null,
              source: { kind: l.priced ? "base" : "none", priceListId: null, name: null, minQuantity: null },
              taxClass: "standard",
              weightGrams: 0,
              categoryIds: [],
            })),
            shipping: shippingAmount === null ? null : { methodId: "m", name: "Standard", amount: shippingAmount, taxClass: "standard" },
          };
          const discounts: Discounts = {
            lines: raw.map((_, i) => ({ lineId: `l${i}`, discounts: lineDiscounts[i]!.map((a, k) => ({ promotionId: `p${k}`, amount: a })) })),
            shippingDiscounts: shippingDiscounts.map((a) => ({ promotionId: "ship", amount: a })),
            applied: [],
            rejectedCodes: [],
          };
          const taxResult = { lines: [...raw.map((_, i) => ({ key: `l${i}`, tax: taxes[i]!, rate: 1900, name: "VAT" })), { key: "shipping", tax: taxes[8]!, rate: 1900, name: "VAT" }] };
          const cart = assembleCart(facts, discounts, taxResult, { applied: cards.map((a, i) => ({ giftCardId: `g${i}`, kind: "gift_card" as const, last4: "0000", amount: a, reason: null })), amountDue: 0 });
          const t = cart.totals;
          const lineSum = cart.lines.reduce((s, l) => s + l.lineTotal, 0);
          const shipping = cart.shipping ? cart.shipping.amount - cart.shipping.discount : 0;
          expect(t.total).toBe(t.subtotal - t.discount + t.shipping + (pricesIncludeTax ? 0 : t.tax));
          expect(t.total).toBe(lineSum + shipping + (pricesIncludeTax ? 0 : t.tax));
          expect(t.subtotal).toBe(cart.lines.reduce((s, l) => s + l.unitPrice * l.quantity * (l.source.kind === "none" ? 0 : 1), 0));
          for (const l of cart.lines) {
            expect(l.lineTotal).toBeGreaterThanOrEqual(0);
            expect(l.lineTotal).toBe(l.subtotal - l.discounts.reduce((s, d) => s + d.amount, 0));
          }
          if (cart.shipping) expect(cart.shipping.discount).toBeLessThanOrEqual(cart.shipping.amount);
          expect(t.amountDue).toBeGreaterThanOrEqual(0);
          expect(t.amountDue + t.giftCards).toBe(t.total);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("caps discounts in order so a line stops at zero", () => {
    const facts: PricingFacts = {
      currency: "EUR",
      pricesIncludeTax: true,
      taxExempt: false,
      lines: [{ lineId: "a", variantId: "v", productId: "p", sku: "S", quantity: 2, unitPrice: 500, compareAtPrice: null, source: { kind: "base", priceListId: null, name: null, minQuantity: null }, taxClass: "standard", weightGrams: 0, categoryIds: [] }],
      shipping: null,
    };
    const cart = assembleCart(facts, { lines: [{ lineId: "a", discounts: [{ promotionId: "x", amount: 700 }, { promotionId: "y", amount: 700 }] }], shippingDiscounts: [], applied: [], rejectedCodes: [] }, null, null);
    expect(cart.lines[0]!.discounts.map((d) => d.amount)).toEqual([700, 300]);
    expect(cart.lines[0]!.lineTotal).toBe(0);
    expect(() => assembleCart(facts, { lines: [{ lineId: "a", discounts: [{ promotionId: "x", amount: 1.5 }] }], shippingDiscounts: [], applied: [], rejectedCodes: [] }, null, null)).toThrow(/integer/);
  });
});

describe("price choice", () => {
  const list = fc.record({ priceListId: fc.constantFrom("prl_a", "prl_b", "prl_c"), name: fc.constant("L"), createdAt: fc.constantFrom("2026-01-01", "2026-02-01"), minQuantity: fc.integer({ min: 1, max: 10 }), amount, compareAtAmount: fc.option(amount, { nil: null }) });
  it("the lowest applicable list price wins over the base price; without one, the base price; without that, none", () => {
    fc.assert(
      fc.property(fc.option(fc.record({ amount, compareAtAmount: fc.option(amount, { nil: null }) }), { nil: undefined }), fc.array(list, { maxLength: 6 }), fc.integer({ min: 1, max: 12 }), (base, lists, quantity) => {
        const chosen = choosePrice(base, lists as ListCandidate[], quantity);
        const applicable = lists.filter((l) => l.minQuantity <= quantity);
        if (applicable.length > 0) {
          expect(chosen.source.kind).toBe("price_list");
          expect(chosen.unitPrice).toBe(Math.min(...applicable.map((l) => l.amount)));
        } else if (base) {
          expect(chosen).toMatchObject({ unitPrice: base.amount, source: { kind: "base" } });
        } else {
          expect(chosen).toMatchObject({ unitPrice: 0, source: { kind: "none" } });
        }
        expect(choosePrice(base, [...lists].reverse() as ListCandidate[], quantity)).toEqual(chosen);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("shipping rates", () => {
  const weight = { kind: "weight" as const, amount: null, freeOver: null, bands: [{ upTo: 1000, amount: 490 }, { upTo: 5000, amount: 890 }, { upTo: null, amount: 1490 }] };
  it("prices by the band the weight falls in (inclusive bounds), free over a threshold, and refuses beyond the last band", () => {
    expect(priceMethod(weight, { weightGrams: 0, subtotal: 0 })).toEqual({ amount: 490, free: false });
    expect(priceMethod(weight, { weightGrams: 1000, subtotal: 0 })).toEqual({ amount: 490, free: false });
    expect(priceMethod(weight, { weightGrams: 1001, subtotal: 0 })).toEqual({ amount: 890, free: false });
    expect(priceMethod(weight, { weightGrams: 99_999, subtotal: 0 })).toEqual({ amount: 1490, free: false });
    const capped = { ...weight, bands: weight.bands.slice(0, 2) };
    expect(priceMethod(capped, { weightGrams: 5001, subtotal: 0 })).toBeNull();
    expect(priceMethod({ ...weight, freeOver: 5000 }, { weightGrams: 2000, subtotal: 5000 })).toEqual({ amount: 0, free: true });
    expect(priceMethod({ kind: "subtotal", amount: null, freeOver: null, bands: [{ upTo: 2999, amount: 500 }, { upTo: null, amount: 0 }] }, { weightGrams: 0, subtotal: 3000 })).toEqual({ amount: 0, free: false });
    expect(priceMethod({ kind: "flat", amount: 799, freeOver: null, bands: null }, { weightGrams: 123, subtotal: 1 })).toEqual({ amount: 799, free: false });
  });
});

describe("tax rate matching", () => {
  const row = (country: string, rateBp: number, extra: Partial<{ region: string; postalPrefix: string; taxClass: string }> = {}) => ({
    id: `${country}-${rateBp}`,
    country,
    region: extra.region ?? "",
    postalPrefix: extra.postalPrefix ?? "",
    taxClass: extra.taxClass ?? "standard",
    rateBp,
    name: "Tax",
    createdAt: "",
    updatedAt: "",
  });
  const rows = [row("*", 0), row("US", 0), row("US", 725, { region: "CA" }), row("US", 950, { postalPrefix: "900" }), row("DE", 1900), row("DE", 700, { taxClass: "reduced" })];
  it("takes the most specific rate: postal prefix, then region, then the country, then *", () => {
    const rateAt = (country: string, region: string | null, postalCode: string | null, taxClass = "standard") => matchRate(rows, { country, region, postalCode }, taxClass)?.rateBp ?? 0;
    expect(rateAt("US", "CA", "90012")).toBe(950);
    expect(rateAt("US", "ca", "94105")).toBe(725);
    expect(rateAt("US", "NY", "10001")).toBe(0);
    expect(rateAt("DE", null, "10115")).toBe(1900);
    expect(rateAt("DE", null, "10115", "reduced")).toBe(700);
    expect(rateAt("DE", null, "10115", "zero")).toBe(0);
    expect(rateAt("JP", null, null)).toBe(0);
  });
});

describe("money formatting with the currency's own minor units", () => {
  it("formats 2, 0 and 3 decimal currencies exactly, never through a float", () => {
    expect(minorUnits("EUR")).toBe(2);
    expect(minorUnits("JPY")).toBe(0);
    expect(minorUnits("KWD")).toBe(3);
    expect(toDecimalString(1999, "EUR")).toBe("19.99");
    expect(toDecimalString(5, "EUR")).toBe("0.05");
    expect(toDecimalString(1999, "JPY")).toBe("1999");
    expect(toDecimalString(1999, "KWD")).toBe("1.999");
    expect(formatMoney({ amount: 1999, currency: "EUR" })).toBe("€19.99");
    expect(formatMoney({ amount: 1999, currency: "JPY" })).toBe("¥1,999");
    expect(formatMoney({ amount: 1999, currency: "KWD" })).toMatch(/^KWD\s1\.999$/);
    // Past 2^53 / 100 a float would lose the last digit; the string path keeps it.
    expect(toDecimalString(9_007_199_254_740_991, "EUR")).toBe("90071992547409.91");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom("EUR", "JPY", "KWD", "CLF"), (n, currency) => {
        expect(BigInt(toDecimalString(n, currency).replace(".", ""))).toBe(BigInt(n));
      }),
    );
  });
});
