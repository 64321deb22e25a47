import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateOffers, type EngineInput, type EngineLine, type Offer } from "../../src/modules/promotions/engine";
import { allocate, percentOf } from "../../src/modules/promotions/money-math";
import type { PromotionRule } from "../../src/modules/promotions/rules";

const AT = "2026-12-03T12:00:00.000Z";
let seq = 0;
function offer(rule: PromotionRule, extra: Partial<Offer> = {}): Offer {
  seq += 1;
  return {
    promotionId: `promo_${String(seq).padStart(4, "0")}`,
    title: `Promotion ${seq}`,
    code: null,
    status: "active",
    rule,
    minimumSubtotal: [],
    customerGroupIds: [],
    marketIds: [],
    startsAt: null,
    endsAt: null,
    combinable: true,
    priority: 100,
    usageLimitReached: false,
    customerUsageLimitReached: false,
    ...extra,
  };
}
const line = (lineId: string, unitPrice: number, quantity = 1, extra: Partial<EngineLine> = {}): EngineLine => ({
  lineId,
  productId: `prod_${lineId}`,
  sku: `SKU-${lineId}`,
  categoryIds: [],
  quantity,
  unitPrice,
  ...extra,
});
const input = (lines: EngineLine[], offers: Offer[], extra: Partial<EngineInput> = {}): EngineInput => ({
  currency: "EUR",
  marketId: "mkt_eu",
  customerGroupIds: [],
  at: AT,
  lines,
  shipping: null,
  offers,
  ...extra,
});
const pct = (percent: number) => ({ type: "percentage" as const, percent });
const fixed = (amount: number, currency = "EUR") => ({ type: "fixed" as const, amounts: [{ amount, currency }] });
const lineAmounts = (r: ReturnType<typeof evaluateOffers>) => Object.fromEntries(r.lines.map((l) => [l.lineId, l.discounts.reduce((s, d) => s + d.amount, 0)]));

describe("money arithmetic", () => {
  it("rounds percentages half up in integers", () => {
    expect(percentOf(999, 1250)).toBe(125); // 124.875
    expect(percentOf(1000, 1250)).toBe(125);
    expect(percentOf(5, 5000)).toBe(3); // 2.5
    expect(percentOf(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("allocates by largest remainder, ties to the earlier weight", () => {
    expect(allocate(10, [10, 10, 10])).toEqual([4, 3, 3]);
    expect(allocate(100, [3000, 1000])).toEqual([75, 25]);
    expect(allocate(0, [5, 5])).toEqual([0, 0]);
    expect(() => allocate(11, [5, 5])).toThrow(RangeError);
  });

  it("property: shares sum to the total, stay within their weights and within one of the exact share", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), (weights, f) => {
        const sum = weights.reduce((a, b) => a + b, 0);
        const total = Math.floor(sum * f);
        const shares = allocate(total, weights);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        shares.forEach((s, i) => {
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(weights[i]!);
          if (sum > 0) expect(Math.abs(s - (total * weights[i]!) / sum)).toBeLessThan(1);
        });
      }),
    );
  });
});

describe("promotion engine: rules", () => {
  it("takes a percentage off the order and allocates it in proportion to the lines", () => {
    const p = offer({ type: "order", value: pct(10) });
    const r = evaluateOffers(input([line("a", 3000), line("b", 1000, 1)], [p]));
    expect(r.applied).toEqual([{ promotionId: p.promotionId, title: p.title, amount: 400 }]);
    expect(lineAmounts(r)).toEqual({ a: 300, b: 100 });
  });

  it("caps a fixed amount at what the matched lines cost", () => {
    const p = offer({ type: "order", value: fixed(5000) });
    const r = evaluateOffers(input([line("a", 1500), line("b", 500)], [p]));
    expect(r.applied[0]!.amount).toBe(2000);
    expect(lineAmounts(r)).toEqual({ a: 1500, b: 500 });
  });

  it("discounts only lines in a category (or its descendants, which the caller lists as ancestry)", () => {
    const p = offer({ type: "lines", match: { categoryIds: ["cat_apparel"] }, value: pct(15) });
    const r = evaluateOffers(input([line("shirt", 4000, 2, { categoryIds: ["cat_apparel", "cat_shirts"] }), line("mug", 1200)], [p]));
    expect(lineAmounts(r)).toEqual({ shirt: 1200, mug: 0 });
  });

  it("matches by product and SKU too", () => {
    const p = offer({ type: "lines", match: { productIds: ["prod_a"], skus: ["SKU-c"] }, value: fixed(300) });
    const r = evaluateOffers(input([line("a", 1000), line("b", 1000), line("c", 2000)], [p]));
    expect(lineAmounts(r)).toEqual({ a: 100, b: 0, c: 200 });
  });

  it("makes shipping free, and nothing else", () => {
    const p = offer({ type: "free_shipping" });
    const r = evaluateOffers(input([line("a", 1000)], [p], { shipping: { amount: 490 } }));
    expect(r.shippingDiscounts).toEqual([{ promotionId: p.promotionId, amount: 490 }]);
    expect(lineAmounts(r)).toEqual({ a: 0 });
  });

  it("buy 2 get 1 free discounts the cheapest units, once per three", () => {
    const p = offer({ type: "buy_x_get_y", buy: { quantity: 2, match: { categoryIds: ["cat_socks"] } }, get: { quantity: 1, match: { categoryIds: ["cat_socks"] }, percent: 100 } });
    const socks = { categoryIds: ["cat_socks"] };
    const r = evaluateOffers(input([line("wool", 1500, 3, socks), line("cotton", 800, 3, socks)], [p]));
    // 6 units: (1500, 1500 | 800), (1500, 800 | 800): two cotton pairs free
    expect(lineAmounts(r)).toEqual({ wool: 0, cotton: 1600 });
  });

  it("buy X get Y respects maxApplications and partial percentages", () => {
    const p = offer({ type: "buy_x_get_y", buy: { quantity: 1, match: { skus: ["SKU-a"] } }, get: { quantity: 1, match: { skus: ["SKU-b"] }, percent: 50 }, maxApplications: 2 });
    const r = evaluateOffers(input([line("a", 2000, 5), line("b", 999, 5)], [p]));
    expect(lineAmounts(r)).toEqual({ a: 0, b: 999 }); // 50 % of 2 x 999 = 999
  });

  it("applies line rules before order rules, and percentages compound", () => {
    const order = offer({ type: "order", value: pct(10) }, { priority: 0 });
    const lines = offer({ type: "lines", match: { skus: ["SKU-a"] }, value: pct(10) }, { priority: 500 });
    const r = evaluateOffers(input([line("a", 10_000)], [order, lines]));
    // line rule first (1000), then 10 % of the 9000 left (900): 19 %, not 20 %
    expect(r.applied.map((a) => [a.promotionId, a.amount])).toEqual([
      [lines.promotionId, 1000],
      [order.promotionId, 900],
    ]);
  });

  it("within a phase, lower priority first, then the older promotion", () => {
    const a = offer({ type: "order", value: fixed(1000) }, { priority: 200 });
    const b = offer({ type: "order", value: pct(50) }, { priority: 100 });
    const r = evaluateOffers(input([line("x", 4000)], [a, b]));
    expect(r.applied.map((x) => [x.promotionId, x.amount])).toEqual([
      [b.promotionId, 2000],
      [a.promotionId, 1000],
    ]);
  });

  it("an exclusive promotion applies alone when it beats the combination; the losers are not_combinable", () => {
    const small1 = offer({ type: "order", value: pct(5) }, { code: "FIVE" });
    const small2 = offer({ type: "order", value: pct(5) });
    const big = offer({ type: "order", value: pct(20) }, { code: "BIG20", combinable: false });
    const r = evaluateOffers(input([line("a", 10_000)], [small1, small2, big]));
    expect(r.applied.map((x) => x.promotionId)).toEqual([big.promotionId]);
    expect(r.rejectedCodes).toEqual([{ code: "FIVE", reason: "not_combinable" }]);

    const weak = offer({ type: "order", value: pct(8) }, { code: "WEAK8", combinable: false });
    const r2 = evaluateOffers(input([line("a", 10_000)], [small1, small2, weak]));
    expect(r2.applied.map((x) => x.amount)).toEqual([500, 475]);
    expect(r2.rejectedCodes).toEqual([{ code: "WEAK8", reason: "not_combinable" }]);
  });

  it("reports why a code gives nothing, in the order the codes were entered", () => {
    const window = offer({ type: "order", value: pct(10) }, { code: "LATER", startsAt: "2027-01-01T00:00:00.000Z" });
    const ended = offer({ type: "order", value: pct(10) }, { code: "GONE", endsAt: AT });
    const min = offer({ type: "order", value: pct(10) }, { code: "MIN", minimumSubtotal: [{ amount: 5000, currency: "EUR" }] });
    const usd = offer({ type: "order", value: fixed(500, "USD") }, { code: "USD5" });
    const group = offer({ type: "order", value: pct(10) }, { code: "VIP", customerGroupIds: ["grp_vip"] });
    const market = offer({ type: "order", value: pct(10) }, { code: "USONLY", marketIds: ["mkt_us"] });
    const used = offer({ type: "order", value: pct(10) }, { code: "USED", usageLimitReached: true });
    const mine = offer({ type: "order", value: pct(10) }, { code: "ONCE", customerUsageLimitReached: true });
    const off = offer({ type: "order", value: pct(10) }, { code: "OFF", status: "disabled" });
    const nothing = offer({ type: "lines", match: { skus: ["NOPE"] }, value: pct(10) }, { code: "NOTHING" });
    const offers = [window, ended, min, usd, group, market, used, mine, off, nothing];
    const r = evaluateOffers(input([line("a", 4000)], offers));
    expect(r.applied).toEqual([]);
    expect(r.rejectedCodes).toEqual([
      { code: "LATER", reason: "not_started" },
      { code: "GONE", reason: "expired" },
      { code: "MIN", reason: "minimum_subtotal_not_met" },
      { code: "USD5", reason: "currency_not_eligible" },
      { code: "VIP", reason: "customer_group_not_eligible" },
      { code: "USONLY", reason: "market_not_eligible" },
      { code: "USED", reason: "usage_limit_reached" },
      { code: "ONCE", reason: "customer_usage_limit_reached" },
      { code: "OFF", reason: "inactive" },
      { code: "NOTHING", reason: "nothing_to_discount" },
    ]);
    const vip = evaluateOffers(input([line("a", 6000)], [min, group], { customerGroupIds: ["grp_vip"] }));
    expect(vip.applied.map((a) => a.amount)).toEqual([600, 540]);
  });

  it("counts a promotion once however many of its codes are entered", () => {
    const p = offer({ type: "order", value: pct(10) }, { code: "ONE" });
    const r = evaluateOffers(input([line("a", 1000)], [p, { ...p, code: "TWO" }]));
    expect(r.applied).toEqual([{ promotionId: p.promotionId, code: "ONE", title: p.title, amount: 100 }]);
    expect(r.rejectedCodes).toEqual([{ code: "TWO", reason: "already_applied" }]);
  });
});

// ------------------------------------------------------------------------------- properties

const CATEGORIES = ["c1", "c2", "c3"];
const SKUS = ["S1", "S2", "S3", "S4"];
const PRODUCTS = ["p1", "p2", "p3"];
const matchArb = fc.record(
  { categoryIds: fc.subarray(CATEGORIES, { minLength: 1 }), productIds: fc.subarray(PRODUCTS, { minLength: 1 }), skus: fc.subarray(SKUS, { minLength: 1 }) },
  { requiredKeys: [] },
).filter((m) => Object.keys(m).length > 0);
const valueArb = fc.oneof(
  fc.integer({ min: 1, max: 10_000 }).map((bp) => pct(bp / 100)),
  fc.integer({ min: 1, max: 50_000 }).map((amount) => fixed(amount)),
);
const ruleArb: fc.Arbitrary<PromotionRule> = fc.oneof(
  valueArb.map((value) => ({ type: "order" as const, value })),
  fc.tuple(matchArb, valueArb).map(([match, value]) => ({ type: "lines" as const, match, value })),
  fc.constant({ type: "free_shipping" as const }),
  fc
    .tuple(matchArb, matchArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 10_000 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }))
    .map(([buy, get, x, y, bp, max]) => ({
      type: "buy_x_get_y" as const,
      buy: { quantity: x, match: buy },
      get: { quantity: y, match: get, percent: bp / 100 },
      ...(max !== undefined && { maxApplications: max }),
    })),
);
const linesArb = fc
  .array(
    fc.record({
      productId: fc.constantFrom(...PRODUCTS),
      sku: fc.constantFrom(...SKUS),
      categoryIds: fc.subarray(CATEGORIES),
      quantity: fc.integer({ min: 1, max: 6 }),
      unitPrice: fc.integer({ min: 0, max: 200_000 }),
    }),
    { maxLength: 6 },
  )
  .map((ls) => ls.map((l, i) => ({ ...l, lineId: `l${i}` })));
const offersArb = fc
  .array(
    fc.record({
      rule: ruleArb,
      combinable: fc.boolean(),
      priority: fc.integer({ min: 0, max: 3 }),
      withCode: fc.boolean(),
      minimum: fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: undefined }),
    }),
    { maxLength: 6 },
  )
  .map((specs) =>
    specs.map((s, i) => ({
      ...offer(s.rule, { combinable: s.combinable, priority: s.priority, code: s.withCode ? `CODE${i}` : null }),
      promotionId: `promo_${i}`,
      title: `P${i}`,
      minimumSubtotal: s.minimum === undefined ? [] : [{ amount: s.minimum, currency: "EUR" }],
    })),
  );
const cartArb = fc.record({ lines: linesArb, offers: offersArb, shipping: fc.option(fc.integer({ min: 0, max: 5000 }).map((amount) => ({ amount })), { nil: null }) });

describe("promotion engine: properties", () => {
  it("no line and no shipping goes below zero, and the discount never exceeds what the cart costs", () => {
    fc.assert(
      fc.property(cartArb, ({ lines, offers, shipping }) => {
        const r = evaluateOffers(input(lines, offers, { shipping }));
        r.lines.forEach((l, i) => {
          const spent = l.discounts.reduce((s, d) => s + d.amount, 0);
          expect(spent).toBeLessThanOrEqual(lines[i]!.unitPrice * lines[i]!.quantity);
          l.discounts.forEach((d) => expect(Number.isSafeInteger(d.amount) && d.amount > 0).toBe(true));
        });
        expect(r.shippingDiscounts.reduce((s, d) => s + d.amount, 0)).toBeLessThanOrEqual(shipping?.amount ?? 0);
      }),
      { numRuns: 300 },
    );
  });

  it("each applied promotion's allocations (lines + shipping) sum exactly to its amount", () => {
    fc.assert(
      fc.property(cartArb, ({ lines, offers, shipping }) => {
        const r = evaluateOffers(input(lines, offers, { shipping }));
        for (const a of r.applied) {
          const onLines = r.lines.flatMap((l) => l.discounts).filter((d) => d.promotionId === a.promotionId).reduce((s, d) => s + d.amount, 0);
          const onShipping = r.shippingDiscounts.filter((d) => d.promotionId === a.promotionId).reduce((s, d) => s + d.amount, 0);
          expect(onLines + onShipping).toBe(a.amount);
          expect(a.amount).toBeGreaterThan(0);
        }
        // Everything allocated belongs to an applied promotion.
        const appliedIds = new Set(r.applied.map((a) => a.promotionId));
        for (const d of [...r.lines.flatMap((l) => l.discounts), ...r.shippingDiscounts]) expect(appliedIds.has(d.promotionId)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic: the order of the offers does not change the result", () => {
    fc.assert(
      fc.property(
        cartArb.chain((cart) => fc.tuple(fc.constant(cart), fc.shuffledSubarray(cart.offers, { minLength: cart.offers.length, maxLength: cart.offers.length }))),
        ([{ lines, offers, shipping }, shuffled]) => {
          const a = evaluateOffers(input(lines, offers, { shipping }));
          const b = evaluateOffers(input(lines, shuffled, { shipping }));
          expect({ ...b, rejectedCodes: [...b.rejectedCodes].sort((x, y) => x.code.localeCompare(y.code)) }).toEqual({
            ...a,
            rejectedCodes: [...a.rejectedCodes].sort((x, y) => x.code.localeCompare(y.code)),
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("is idempotent: entering the same promotion twice changes no amount", () => {
    fc.assert(
      fc.property(cartArb, ({ lines, offers, shipping }) => {
        const once = evaluateOffers(input(lines, offers, { shipping }));
        const twice = evaluateOffers(input(lines, [...offers, ...offers.map((o) => ({ ...o, code: o.code && `${o.code}X` }))], { shipping }));
        expect(twice.applied.map((a) => [a.promotionId, a.amount])).toEqual(once.applied.map((a) => [a.promotionId, a.amount]));
        expect(twice.lines).toEqual(once.lines);
        expect(twice.shippingDiscounts).toEqual(once.shippingDiscounts);
      }),
      { numRuns: 200 },
    );
  });

  it("an exclusive winner never gives less than the combination it beat", () => {
    fc.assert(
      fc.property(cartArb, ({ lines, offers, shipping }) => {
        const r = evaluateOffers(input(lines, offers, { shipping }));
        const total = r.applied.reduce((s, a) => s + a.amount, 0);
        const combinableOnly = evaluateOffers(input(lines, offers.filter((o) => o.combinable), { shipping }));
        expect(total).toBeGreaterThanOrEqual(combinableOnly.applied.reduce((s, a) => s + a.amount, 0));
      }),
      { numRuns: 200 },
    );
  });
});
