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
    expect(first).toEqual({ createdCategories: demoCategories().length, createdProducts: demoProducts().length, stockedSkus: variants.length, pricing });
    const count = async () => (await env.DB.prepare("SELECT (SELECT count(*) FROM products) AS p, (SELECT count(*) FROM variants) AS v, (SELECT count(*) FROM categories) AS c").first())!;
    const before = await count();
    const nothing = { createdMarkets: 0, createdTaxRates: 0, createdShippingMethods: 0, createdPriceLists: 0, pricedVariants: 0 };
    const owners = () => env.DB.prepare("SELECT count(*) AS n FROM staff WHERE email = 'owner@edgeshop.dev'").first<{ n: number }>();
    // Not a machine-local URL: no development owner with a published password.
    expect((await owners())!.n).toBe(0);
    expect(await seed("http://edgeshop.test", ADMIN_KEY, { ...quiet, devOwner: true })).toEqual({ createdCategories: 0, createdProducts: 0, stockedSkus: 0, pricing: nothing });
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
  }, 300_000);
});
