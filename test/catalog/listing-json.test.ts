import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { precompiled } from "../../src/db/precompiled";
import { products } from "../../src/modules/catalog/tables";
import { call, unique } from "../support/helpers";
import { createCategory } from "../support/fixtures";
import { admin, workedExample } from "../support/pricing-fixtures";

// REST listings write each product's JSON with the variants array SQLite built spliced in, not parsed
// and serialised again (catalog listProductsJson). Every listed product must be exactly what the
// parsed read of the same product says, in every market, price lists and awkward text included.

describe("REST listings written from SQLite's JSON", () => {
  it("list every product exactly as its own read does, in every market, with price lists, missing prices and awkward text", async () => {
    const category = await createCategory();
    const { euMarket, usMarket } = await workedExample({ eu: ["PT"], us: ["GU"], stock: 3, beansCategoryIds: [category.id] });
    const kettleId = ((await call("GET", `/v1/products?market=${euMarket.handle}&limit=100`)).body.data as any[]).find((p) => p.title === "Pour-over kettle")?.id;
    await admin("PATCH", `/v1/products/${kettleId}`, { categoryIds: [category.id] });
    // Quotes, a backslash, a newline, a tab, non-Latin text and an emoji in the title and the options;
    // one variant with no USD price (null price in the US market), one product with no price there at all.
    await admin("POST", "/v1/products", {
      title: `He said "hi" \\ back\nthen\tleft: 寿司 🍣 ${unique("t")}`,
      status: "active",
      categoryIds: [category.id],
      variants: [
        { sku: unique("SKU").toUpperCase(), title: 'Size "L"', options: { size: 'L "large"', note: "a\\b" }, price: { currency: "EUR", amount: 1250 }, prices: [{ currency: "USD", amount: 1399 }] },
        { sku: unique("SKU").toUpperCase(), price: { currency: "EUR", amount: 990 } },
        { sku: unique("SKU").toUpperCase(), price: { currency: "EUR", amount: 4990 } },
      ],
    });
    await admin("POST", "/v1/products", { title: unique("Euro only"), status: "active", categoryIds: [category.id], variants: [{ sku: unique("SKU").toUpperCase(), price: { currency: "EUR", amount: 500 } }] });

    for (const market of [euMarket.handle, usMarket.handle]) {
      for (const sort of ["newest", "price_asc", "price_desc", "title_asc"]) {
        const res = await call("GET", `/v1/products?category=${category.id}&market=${market}&sort=${sort}&limit=10`, { headers: { "cache-control": "no-cache" } });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("application/json");
        const listed = res.body.data as any[];
        expect(listed).toHaveLength(4);
        for (const product of listed) {
          const own = await call("GET", `/v1/products/${product.id}?market=${market}`, { headers: { "cache-control": "no-cache" } });
          expect(product).toEqual(own.body);
          // The range is the lowest and highest variant price in the market (null when none has one).
          const amounts = (product.variants as any[]).flatMap((v) => (v.price ? [v.price.amount] : []));
          expect(product.priceRange).toEqual(amounts.length ? { min: { amount: Math.min(...amounts), currency: product.market.currency }, max: { amount: Math.max(...amounts), currency: product.market.currency } } : null);
        }
        const ranges = listed.map((p) => p.priceRange);
        if (market === usMarket.handle) expect(ranges).toContainEqual(null);
        if (sort === "price_asc") {
          const mins = ranges.filter(Boolean).map((r) => r.min.amount);
          expect(mins).toEqual([...mins].sort((a, b) => a - b));
        }
      }
    }
    const us = (await call("GET", `/v1/products?category=${category.id}&market=${usMarket.handle}&limit=10`)).body.data as any[];
    const awkward = us.find((p) => p.title.startsWith('He said "hi"'));
    expect(awkward.title).toMatch(/\\ back\nthen\tleft: 寿司 🍣/);
    expect(awkward.variants[0].options).toEqual({ size: 'L "large"', note: "a\\b" });
    expect(awkward.variants.map((v: any) => v.price?.amount ?? null)).toEqual([1399, null, null]);
    expect(awkward.priceRange).toEqual({ min: { amount: 1399, currency: "USD" }, max: { amount: 1399, currency: "USD" } });
  });
});

describe("precompiled SQL", () => {
  it("renders a constant fragment once, and refuses one that binds a value", () => {
    let builds = 0;
    const column = precompiled(() => {
      builds++;
      return sql`${products.id}`;
    });
    expect(column()).toBe(column());
    expect(builds).toBe(1);
    expect(() => precompiled(() => sql`${products.id} = ${"prod_1"}`)()).toThrow(/binds 1 parameter/);
  });
});
