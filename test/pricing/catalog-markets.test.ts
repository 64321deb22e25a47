import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { resolvePrices } from "../../src/modules/pricing";
import { seededRandom } from "../../eval/shared/random";
import { call, gql, unique } from "../support/helpers";
import { callWith, freshIp, gqlWith } from "../support/protection-helpers";
import { admin, productWithPrices } from "../support/pricing-fixtures";

/**
 * Market-aware catalog reads: prices, price ranges, filters and sorts in the market asked for (REST
 * `?market=` or `X-Market`, GraphQL `market`), a sale price list shown with its compare-at price, the
 * edge cache keyed by market, and the SQL price rule agreeing with the cart's price resolution.
 */

const tag = unique("cm").toLowerCase().replace(/[^a-z0-9]/g, "");
let uk: { id: string; handle: string };
let us: { id: string; handle: string };
let category: { id: string; slug: string };
let cheap: Awaited<ReturnType<typeof productWithPrices>>;
let dear: Awaited<ReturnType<typeof productWithPrices>>;

beforeAll(async () => {
  uk = await admin("POST", "/v1/markets", { handle: `uk-${tag}`, name: "UK", currency: "GBP", pricesIncludeTax: true, countries: ["GB"] });
  us = await admin("POST", "/v1/markets", { handle: `us-${tag}`, name: "US", currency: "USD", pricesIncludeTax: false, countries: ["US"] });
  category = await admin("POST", "/v1/categories", { name: `Cat ${tag}`, slug: `cat-${tag}` });
  // In EUR the first is cheaper; in GBP the order flips; the third has no GBP or USD price.
  cheap = await productWithPrices({ title: "Alpha", prices: { EUR: 1000, GBP: 3000, USD: 1200 }, categoryIds: [category.id] });
  dear = await productWithPrices({ title: "Beta", prices: { EUR: 2000, GBP: 1500, USD: 2400 }, categoryIds: [category.id] });
  await productWithPrices({ title: "Gamma", prices: { EUR: 500 }, categoryIds: [category.id] });
  await admin("POST", "/v1/price-lists", { name: "UK sale", currency: "GBP", market: uk.handle, prices: [{ variantId: dear.variant.id, amount: 1200 }] });
});

const titles = (body: any) => body.data.map((p: any) => p.title);
const list = (query: string, headers: Record<string, string> = {}) => call("GET", `/v1/products?category=${category.slug}&${query}`, { headers });

describe("market-aware catalog reads over REST", () => {
  it("prices the listing in the market asked for and sorts and filters on those prices", async () => {
    const eur = await list("sort=price_asc");
    expect(titles(eur.body)).toEqual(["Gamma", "Alpha", "Beta"]);
    expect(eur.body.data[0].market).toEqual({ handle: "default", currency: "EUR", pricesIncludeTax: false });

    const gbp = await list(`sort=price_asc&market=${uk.handle}`);
    // Beta is on sale in the UK (12.00 < 30.00); Gamma has no GBP price and sorts last.
    expect(titles(gbp.body)).toEqual(["Beta", "Alpha", "Gamma"]);
    const [beta, alpha, gamma] = gbp.body.data;
    expect(beta.market).toEqual({ handle: uk.handle, currency: "GBP", pricesIncludeTax: true });
    expect(beta.variants[0]).toMatchObject({ price: { amount: 1200, currency: "GBP" }, compareAtPrice: { amount: 1500, currency: "GBP" } });
    expect(beta.priceRange).toEqual({ min: { amount: 1200, currency: "GBP" }, max: { amount: 1200, currency: "GBP" } });
    expect(alpha.variants[0].price).toEqual({ amount: 3000, currency: "GBP" });
    expect(gamma.variants[0]).toMatchObject({ price: null, prices: [{ currency: "EUR", amount: 500, compareAtAmount: null }] });
    expect(gamma.priceRange).toBeNull();

    const filtered = await list(`market=${uk.handle}&minPrice=1000&maxPrice=2000`);
    expect(titles(filtered.body)).toEqual(["Beta"]);
    const desc = await list("sort=price_desc", { "x-market": us.handle });
    expect(titles(desc.body)).toEqual(["Beta", "Alpha", "Gamma"]);
    expect(desc.body.data[0].variants[0].price).toEqual({ amount: 2400, currency: "USD" });
  });

  it("pages through a market's price order without gaps or repeats", async () => {
    const first = await list(`sort=price_asc&market=${uk.handle}&limit=2`);
    const second = await list(`sort=price_asc&market=${uk.handle}&limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`);
    expect([...titles(first.body), ...titles(second.body)]).toEqual(["Beta", "Alpha", "Gamma"]);
    expect(second.body.next_cursor).toBeNull();
  });

  it("reads one product and searches in a market; an unknown market is a 400 on /market", async () => {
    const product = await call("GET", `/v1/products/${cheap.product.slug}?market=${us.handle}`);
    expect(product.body.variants[0].price).toEqual({ amount: 1200, currency: "USD" });
    expect(product.body.variants[0].prices.map((p: any) => p.currency)).toEqual(["EUR", "GBP", "USD"]);
    const viaHeader = await call("GET", `/v1/products/${cheap.product.slug}`, { headers: { "x-market": uk.id } });
    expect(viaHeader.body.variants[0].price.currency).toBe("GBP");
    // The query parameter wins over the header.
    const both = await call("GET", `/v1/products/${cheap.product.slug}?market=${us.handle}`, { headers: { "x-market": uk.handle } });
    expect(both.body.market.handle).toBe(us.handle);
    const search = await call("GET", `/v1/search?q=Alpha&market=${uk.handle}`);
    expect(search.body.data.find((h: any) => h.product.id === cheap.product.id).product.priceRange.min).toEqual({ amount: 3000, currency: "GBP" });

    for (const path of [`/v1/products?market=atlantis`, `/v1/products/${cheap.product.slug}?market=atlantis`, `/v1/search?q=Alpha&market=atlantis`]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(400);
      expect(res.body.errors[0].pointer).toBe("/market");
    }
    expect((await call("GET", "/v1/products", { headers: { "x-market": "atlantis" } })).status).toBe(400);
  });

  it("keys the edge cache by market, header included", async () => {
    const path = `/v1/products/${dear.product.slug}`;
    const inUk = await callWith({}, "GET", path, { headers: { "x-market": uk.handle } });
    const inUs = await callWith({}, "GET", path, { headers: { "x-market": us.handle } });
    expect(inUk.body.variants[0].price.currency).toBe("GBP");
    expect(inUs.body.variants[0].price.currency).toBe("USD");
    const again = await callWith({}, "GET", path, { headers: { "x-market": uk.handle } });
    expect(again.headers.get("x-edge-cache")).toBe("HIT");
    expect(again.body.variants[0].price.currency).toBe("GBP");
    expect(again.headers.get("vary")).toContain("X-Market");
    // A price change purges the cached copies.
    await admin("PUT", "/v1/prices", { prices: [{ variantId: dear.variant.id, currency: "USD", amount: 2500 }] });
    const fresh = await callWith({}, "GET", path, { headers: { "x-market": us.handle } });
    expect(fresh.body.variants[0].price.amount).toBe(2500);
    await admin("PUT", "/v1/prices", { prices: [{ variantId: dear.variant.id, currency: "USD", amount: 2400 }] });
  });

  it("keys the edge cache by the market a read resolves to, however the request names it", async () => {
    const path = `/v1/products/${cheap.product.slug}`;
    const ukByQuery = await callWith({}, "GET", `${path}?market=${uk.handle}`);
    expect(ukByQuery.headers.get("x-edge-cache")).toBe("MISS");
    expect(ukByQuery.body.variants[0].price).toEqual({ amount: 3000, currency: "GBP" });
    // The same market by header, by id in the query, by id in the header: the UK entry.
    for (const headers of [{ "x-market": uk.handle }, { "x-market": uk.id }]) {
      const hit = await callWith({}, "GET", path, { headers });
      expect(hit.headers.get("x-edge-cache")).toBe("HIT");
      expect(hit.body).toEqual(ukByQuery.body);
    }
    expect((await callWith({}, "GET", `${path}?market=${uk.id}`)).headers.get("x-edge-cache")).toBe("HIT");
    // Another market, and the default market (no market, or named), never get the UK entry.
    const inUs = await callWith({}, "GET", `${path}?market=${us.id}`);
    expect(inUs.headers.get("x-edge-cache")).toBe("MISS");
    expect(inUs.body.variants[0].price.currency).toBe("USD");
    const plain = await callWith({}, "GET", path);
    expect(plain.headers.get("x-edge-cache")).toBe("MISS");
    expect(plain.body.variants[0].price).toEqual({ amount: 1000, currency: "EUR" });
    const named = await callWith({}, "GET", `${path}?market=default`);
    expect(named.headers.get("x-edge-cache")).toBe("HIT");
    expect(named.body).toEqual(plain.body);
    // An unknown market is a 400 whatever is cached, and is never stored.
    for (let i = 0; i < 2; i++) expect((await callWith({}, "GET", `${path}?market=atlantis`)).status).toBe(400);
    // A new market (a write) starts afresh: the slots are resolved again.
    const ca = await admin("POST", "/v1/markets", { handle: `ca-${tag}`, name: "CA", currency: "USD", pricesIncludeTax: false, countries: ["CA"] });
    const inCa = await callWith({}, "GET", `${path}?market=${ca.handle}`);
    expect(inCa.status).toBe(200);
    expect(inCa.headers.get("x-edge-cache")).toBe("MISS");
    expect(inCa.body.market.handle).toBe(ca.handle);
  });
});

describe("market-aware catalog reads over GraphQL", () => {
  it("brings each variant's base prices exactly when the selection asks for them, fragments included", async () => {
    const rest = await call("GET", `/v1/products/${dear.product.slug}`);
    const basePrices = rest.body.variants[0].prices.map((p: any) => ({ currency: p.currency, amount: p.amount }));
    expect(basePrices).toEqual([{ currency: "EUR", amount: 2000 }, { currency: "GBP", amount: 1500 }, { currency: "USD", amount: 2400 }]);
    const res = await gql(
      `query($slug: String!, $cat: String!, $q: String!) {
        direct: product(slug: $slug) { variants { prices { currency amount } } }
        listed: products(category: $cat, sort: TITLE_ASC, first: 3) { edges { node { ...VariantPrices } } }
        found: search(query: $q, first: 1) { edges { node { product { variants { ... on Variant { prices { currency amount } } } } } } }
        without: products(category: $cat, sort: TITLE_ASC, first: 3) { edges { node { title variants { sku price { amount } } } } }
      }
      fragment VariantPrices on Product { title variants { sku price { amount } prices { currency amount } } }`,
      { slug: dear.product.slug, cat: category.slug, q: "Beta" },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.direct.variants[0].prices).toEqual(basePrices);
    const beta = res.data.listed.edges.find((e: any) => e.node.title === "Beta").node;
    expect(beta.variants[0].prices).toEqual(basePrices);
    expect(res.data.found.edges.map((e: any) => e.node.product.variants[0].prices)).toContainEqual(basePrices);
    // Reading without the base prices changes nothing else the selection asked for.
    const strip = (node: any) => ({ title: node.title, variants: node.variants.map((v: any) => ({ sku: v.sku, price: v.price })) });
    expect(res.data.without.edges.map((e: any) => e.node)).toEqual(res.data.listed.edges.map((e: any) => strip(e.node)));
  });

  it("prices each root field in its own market argument, variants included, in one query", async () => {
    const res = await gql(
      `query($slug: String!, $uk: String!, $us: String!, $cat: String!) {
        uk: product(slug: $slug, market: $uk) { market { currency } priceRange { min { amount currency } } variants { price { amount currency } compareAtPrice { amount } prices { currency amount } } }
        us: product(slug: $slug, market: $us) { market { currency } variants { price { amount currency } } }
        list: products(category: $cat, market: $uk, sort: PRICE_ASC, first: 3) { edges { node { title variants { price { amount } } } } }
      }`,
      { slug: dear.product.slug, uk: uk.handle, us: us.handle, cat: category.slug },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.uk).toMatchObject({ market: { currency: "GBP" }, priceRange: { min: { amount: 1200, currency: "GBP" } }, variants: [{ price: { amount: 1200, currency: "GBP" }, compareAtPrice: { amount: 1500 } }] });
    expect(res.data.us.variants[0].price).toEqual({ amount: 2400, currency: "USD" });
    expect(res.data.list.edges.map((e: any) => [e.node.title, e.node.variants[0].price?.amount ?? null])).toEqual([["Beta", 1200], ["Alpha", 3000], ["Gamma", null]]);
    const bad = await gql(`{ products(market: "atlantis", first: 1) { edges { node { id } } } }`);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ pointer: "/market" }] });
  });

  it("keeps the shared response cache apart per market (X-Market), sharing only within the market it resolves to", async () => {
    const query = `query($slug: String!) { product(slug: $slug) { market { handle } variants { price { amount currency } } } }`;
    const ask = (headers: Record<string, string>) => gqlWith({ ENVIRONMENT: "production" }, { query, variables: { slug: dear.product.slug } }, { ip: freshIp(), headers });
    const inUk = await ask({ "x-market": uk.handle });
    expect(inUk.body.errors).toBeUndefined();
    expect(inUk.headers.get("x-edge-cache")).toBe("MISS");
    expect(inUk.body.data.product.variants[0].price).toEqual({ amount: 1200, currency: "GBP" });
    const inUs = await ask({ "x-market": us.handle });
    expect(inUs.headers.get("x-edge-cache")).toBe("MISS");
    expect(inUs.body.data.product.variants[0].price).toEqual({ amount: 2400, currency: "USD" });
    const plain = await ask({});
    expect(plain.headers.get("x-edge-cache")).toBe("MISS");
    expect(plain.body.data.product.variants[0].price.currency).toBe("EUR");
    // The UK by id is the UK entry; the default market by handle is the plain one.
    const ukById = await ask({ "x-market": uk.id });
    expect(ukById.headers.get("x-edge-cache")).toBe("HIT");
    expect(ukById.body.data).toEqual(inUk.body.data);
    const named = await ask({ "x-market": "default" });
    expect(named.headers.get("x-edge-cache")).toBe("HIT");
    expect(named.body.data).toEqual(plain.body.data);
  });
});

describe("one price rule in SQL and in the cart", () => {
  it("the catalog's market price is what resolvePrices gives a shopper in no group buying one, for random lists", async () => {
    const random = seededRandom(11);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const variants = [];
    for (let i = 0; i < 6; i++) variants.push((await productWithPrices({ title: `Rule ${i}`, prices: { GBP: 500 + Math.floor(random() * 5000) } })).variant);
    const group = await admin("POST", "/v1/customer-groups", { handle: `g-${tag}`, name: "G" });
    const hour = 3_600_000;
    for (let l = 0; l < 8; l++) {
      const window = pick([{}, { startsAt: new Date(Date.now() - hour).toISOString() }, { endsAt: new Date(Date.now() - hour).toISOString() }, { startsAt: new Date(Date.now() + hour).toISOString() }]);
      await admin("POST", "/v1/price-lists", {
        name: `L${l}`,
        currency: "GBP",
        status: pick(["active", "active", "draft"]),
        ...pick([{}, { market: uk.handle }]),
        ...pick([{}, {}, { customerGroup: group.handle }]),
        ...window,
        prices: variants.filter(() => random() < 0.5).map((v) => ({ variantId: v.id, minQuantity: pick([1, 1, 2]), amount: 100 + Math.floor(random() * 6000) })),
      });
    }
    const ctx = createServiceContext({ env, actor: { kind: "anonymous" }, requestId: "test" });
    const resolved = await resolvePrices(ctx, { marketId: uk.id, currency: "GBP", customerGroupIds: [], at: new Date().toISOString(), lines: variants.map((v) => ({ lineId: v.id, variantId: v.id, quantity: 1 })) });
    for (const v of variants) {
      const read = (await call("GET", `/v1/variants/${v.id}/prices`)).body;
      expect(read.data.length).toBe(1);
      const product = await call("GET", `/v1/search?q=${encodeURIComponent(v.sku)}&market=${uk.handle}`);
      const variant = product.body.data[0].product.variants[0];
      const r = resolved.find((x) => x.lineId === v.id)!;
      expect(variant.price.amount, v.sku).toBe(r.unitPrice);
      expect(variant.compareAtPrice?.amount ?? null, v.sku).toBe(r.compareAtPrice);
    }
  });
});
