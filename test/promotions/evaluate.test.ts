import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { createDb } from "../../src/db/client";
import { evaluatePromotions, redemptionStatements, type PromotionInput } from "../../src/modules/promotions";
import { createCategory, createProduct } from "../support/fixtures";
import { call, unique } from "../support/helpers";

const ctx = () => createServiceContext({ env, actor: { kind: "anonymous" }, requestId: "test" });
const code = (prefix = "EV") => unique(prefix).replaceAll("-", "").toUpperCase().slice(0, 28);

async function promotion(body: Record<string, unknown>) {
  const res = await call("POST", "/v1/promotions", { admin: true, body: { title: "P", trigger: "code", ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; codes: string[] };
}

function cart(lines: PromotionInput["lines"], extra: Partial<PromotionInput> = {}): PromotionInput {
  return { marketId: "mkt_eu", currency: "EUR", pricesIncludeTax: true, customerId: null, email: "shopper@example.com", customerGroupIds: [], codes: [], lines, shipping: null, ...extra };
}

describe("evaluatePromotions (pipeline step 3)", () => {
  it("matches a category rule on products of its descendant categories, from the catalog's paths", async () => {
    const apparel = await createCategory();
    const shirts = await createCategory({ parentId: apparel.id });
    const shirt = await createProduct({ categoryIds: [shirts.id] }, [{ price: 4000 }]);
    const mug = await createProduct({}, [{ price: 1500 }]);
    const c = code();
    const p = await promotion({ codes: [c], rule: { type: "lines", match: { categoryIds: [apparel.id] }, value: { type: "percentage", percent: 25 } } });
    const r = await evaluatePromotions(
      ctx(),
      cart(
        [
          { lineId: "l1", variantId: shirt.variants[0]!.id, productId: shirt.id, sku: shirt.variants[0]!.sku, quantity: 2, unitPrice: 4000 },
          { lineId: "l2", variantId: mug.variants[0]!.id, productId: mug.id, sku: mug.variants[0]!.sku, quantity: 1, unitPrice: 1500 },
        ],
        { codes: [c.toLowerCase(), "NO-SUCH-CODE"] },
      ),
    );
    expect(r.applied).toEqual([{ promotionId: p.id, code: c, title: "P", amount: 2000 }]);
    expect(r.lines).toEqual([
      { lineId: "l1", discounts: [{ promotionId: p.id, code: c, amount: 2000 }] },
      { lineId: "l2", discounts: [] },
    ]);
    expect(r.rejectedCodes).toEqual([{ code: "NO-SUCH-CODE", reason: "unknown_code" }]);
    expect(r.titles).toEqual({ [p.id]: "P" });
  });

  it("applies running automatic promotions without a code, and not disabled, future or past ones", async () => {
    const product = await createProduct({}, [{ price: 10_000 }]);
    const sku = product.variants[0]!.sku;
    const only = { type: "lines", match: { skus: [sku] }, value: { type: "percentage", percent: 10 } };
    const running = await promotion({ trigger: "automatic", rule: only });
    await promotion({ trigger: "automatic", rule: only, status: "disabled" });
    await promotion({ trigger: "automatic", rule: only, startsAt: "2099-01-01T00:00:00Z" });
    await promotion({ trigger: "automatic", rule: only, startsAt: "2020-01-01T00:00:00Z", endsAt: "2021-01-01T00:00:00Z" });
    const r = await evaluatePromotions(ctx(), cart([{ lineId: "l", variantId: product.variants[0]!.id, productId: product.id, sku, quantity: 1, unitPrice: 10_000 }]));
    expect(r.applied).toEqual([{ promotionId: running.id, title: "P", amount: 1000 }]);
    expect(r.lines[0]!.discounts).toEqual([{ promotionId: running.id, amount: 1000 }]);
    expect(r.rejectedCodes).toEqual([]);
  });

  it("knows a customer's uses against a per-customer limit (guests by email)", async () => {
    const product = await createProduct({}, [{ price: 3000 }]);
    const c = code("ONCE");
    const p = await promotion({ codes: [c], usageLimitPerCustomer: 1, rule: { type: "order", value: { type: "fixed", amounts: [{ amount: 500, currency: "EUR" }] } } });
    const input = cart([{ lineId: "l", variantId: product.variants[0]!.id, productId: product.id, sku: product.variants[0]!.sku, quantity: 1, unitPrice: 3000 }], {
      codes: [c],
      email: "Grace@Example.com",
    });
    expect((await evaluatePromotions(ctx(), input)).applied.map((a) => a.amount)).toEqual([500]);
    const db = createDb(env.DB);
    const statements = redemptionStatements(db, { orderId: unique("ord"), customerKey: "email:grace@example.com", currency: "EUR", applied: [{ promotionId: p.id, code: c, amount: 500 }], at: new Date().toISOString() });
    await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    const again = await evaluatePromotions(ctx(), input);
    expect(again.applied).toEqual([]);
    expect(again.rejectedCodes).toEqual([{ code: c, reason: "customer_usage_limit_reached" }]);
    // Another shopper still gets it.
    expect((await evaluatePromotions(ctx(), { ...input, email: "ada@example.com" })).applied).toHaveLength(1);
  });
});
