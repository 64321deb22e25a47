import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain JS scripts, shared with the Node CLI
import { demoCategories, demoProducts } from "../../scripts/catalog-data.mjs";
// @ts-expect-error -- plain JS scripts, shared with the Node CLI
import { seed } from "../../scripts/seed.mjs";
// @ts-expect-error -- plain JS scripts, shared with the Node CLI
import { demoMarkets, demoShipping, demoTaxRates } from "../../scripts/pricing-data.mjs";
import { ADMIN_KEY } from "../support/helpers";

type DemoProduct = { slug: string; status: string; variants: { sku: string }[] };

describe("demo catalog seed", () => {
  it("describes a realistic catalog: 200+ products, a three-level tree, 2-5 variants each", () => {
    const categories: { slug: string; parent: string | null }[] = demoCategories();
    const bySlug = new Map(categories.map((c) => [c.slug, c]));
    const depth = (slug: string): number => {
      const parent = bySlug.get(slug)!.parent;
      return parent ? 1 + depth(parent) : 0;
    };
    expect(Math.max(...categories.map((c) => depth(c.slug)))).toBe(2);
    const products: DemoProduct[] = demoProducts();
    expect(products.length).toBeGreaterThanOrEqual(200);
    expect(products.every((p) => p.variants.length >= 2 && p.variants.length <= 5)).toBe(true);
    expect(new Set(products.map((p) => p.slug)).size).toBe(products.length);
    expect(new Set(products.flatMap((p) => p.variants.map((v) => v.sku))).size).toBe(products.flatMap((p) => p.variants).length);
    expect(JSON.stringify(demoProducts())).toBe(JSON.stringify(products));
  });

  it("loads through the admin API and changes nothing when run twice", async () => {
    const fetcher = (url: string, init: RequestInit) => exports.default.fetch(new Request(url, init));
    const quiet = { log: () => undefined, fetcher };
    const first = await seed("http://edgeshop.test", ADMIN_KEY, quiet);
    const variants = demoProducts()
      .flatMap((p: DemoProduct & { variants: { stock: number }[] }) => p.variants)
      .filter((v: { stock: number }) => v.stock > 0);
    const methods = demoShipping.reduce((n: number, z: { methods: unknown[] }) => n + z.methods.length, 0);
    const pricing = { createdMarkets: demoMarkets.length, createdTaxRates: demoTaxRates.length, createdShippingMethods: methods, createdPriceLists: 2, pricedVariants: 0 };
    expect(first).toEqual({ createdCategories: demoCategories().length, createdProducts: demoProducts().length, stockedSkus: variants.length, pricing, createdPromotions: 1 });
    const count = async () => (await env.DB.prepare("SELECT (SELECT count(*) FROM products) AS p, (SELECT count(*) FROM variants) AS v, (SELECT count(*) FROM categories) AS c").first())!;
    const before = await count();
    const nothing = { createdMarkets: 0, createdTaxRates: 0, createdShippingMethods: 0, createdPriceLists: 0, pricedVariants: 0 };
    const owners = () => env.DB.prepare("SELECT count(*) AS n FROM staff WHERE email = 'owner@edgeshop.dev'").first<{ n: number }>();
    // Not a machine-local URL: no development owner with a published password.
    expect((await owners())!.n).toBe(0);
    expect(await seed("http://edgeshop.test", ADMIN_KEY, { ...quiet, devOwner: true })).toEqual({ createdCategories: 0, createdProducts: 0, stockedSkus: 0, pricing: nothing, createdPromotions: 0 });
    expect((await owners())!.n).toBe(1);
    const signIn = await exports.default.fetch(
      new Request("http://edgeshop.test/v1/staff/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "owner@edgeshop.dev", password: "edgeshop-dev-owner" }) }),
    );
    expect(((await signIn.json()) as { staff: { role: string } }).staff.role).toBe("owner");
    expect(await count()).toEqual(before);
    expect(before.p).toBe(demoProducts().length);
    const stocked = await env.DB.prepare("SELECT sum(on_hand) AS units, count(*) AS skus FROM stock_levels").first<{ units: number; skus: number }>();
    expect(stocked).toEqual({ units: variants.reduce((sum: number, v: { stock: number }) => sum + v.stock, 0), skus: variants.length });

    // The demo markets: EU is the default, every variant has a price in each market's currency.
    const markets = await env.DB.prepare("SELECT handle, currency, prices_include_tax, is_default FROM markets ORDER BY handle").all();
    expect(markets.results).toEqual([
      { handle: "eu", currency: "EUR", prices_include_tax: 1, is_default: 1 },
      { handle: "uk", currency: "GBP", prices_include_tax: 1, is_default: 0 },
      { handle: "us", currency: "USD", prices_include_tax: 0, is_default: 0 },
    ]);
    const unpriced = await env.DB.prepare("SELECT count(*) AS n FROM variants v WHERE (SELECT count(*) FROM variant_prices p WHERE p.variant_id = v.id) < 3").first<{ n: number }>();
    expect(unpriced!.n).toBe(0);

    // The README tour's "A sale in two markets": two shirts at the sale price, then the code SHIRTS10.
    const tour = async (shippingAddress: Record<string, string>) => {
      const product = await exports.default.fetch(new Request("http://edgeshop.test/v1/products/everyday-hemp-shirt"));
      const variantId = ((await product.json()) as { variants: { id: string }[] }).variants[0]!.id;
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        exports.default.fetch(new Request(`http://edgeshop.test${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
      const created = (await (await post("/v1/carts", { shippingAddress, lines: [{ variantId, quantity: 2 }] })).json()) as { cart: { id: string; totals: Record<string, { amount: number }> }; cartToken: string };
      const res = await post(`/v1/carts/${created.cart.id}/discount-codes`, { code: "shirts10" }, { "x-cart-token": created.cartToken });
      expect(res.status).toBe(200);
      const cart = (await res.json()) as { totals: Record<string, { amount: number }>; discounts: { applied: { code: string }[] } };
      expect(cart.discounts.applied.map((a) => a.code)).toEqual(["SHIRTS10"]);
      const amounts = (totals: Record<string, { amount: number } | boolean>) => Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, typeof v === "boolean" ? v : v.amount]));
      return { before: amounts(created.cart.totals), after: amounts(cart.totals) };
    };
    const eu = await tour({ name: "Ada", line1: "Unter den Linden 1", city: "Berlin", postalCode: "10117", country: "DE" });
    const us = await tour({ name: "Grace", line1: "1 Market St", city: "San Francisco", region: "CA", postalCode: "94105", country: "US" });
    // The numbers README.md shows.
    expect(eu.before).toMatchObject({ subtotal: 16958, shipping: 0, tax: 2708, total: 16958 });
    expect(us.before).toMatchObject({ subtotal: 15148, shipping: 0, tax: 1098, total: 16246 });
    // 10% of 169.58 = 16.958 -> 16.96 off; VAT 19% included in 152.62 = 24.37. 10% of 151.48 = 15.148 -> 15.15 off;
    // 7.25% of 136.33 = 9.88 on top. Shipping stays free: "free over" looks at the subtotal before discounts.
    expect(eu.after).toEqual({ subtotal: 16958, discount: 1696, shipping: 0, tax: 2437, taxIncluded: true, total: 15262, giftCards: 0, amountDue: 15262 });
    expect(us.after).toEqual({ subtotal: 15148, discount: 1515, shipping: 0, tax: 988, taxIncluded: false, total: 14621, giftCards: 0, amountDue: 14621 });
  }, 300_000);
});
