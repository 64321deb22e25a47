import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, unique } from "../support/helpers";
import { createCategory, createProduct } from "../support/fixtures";
import { countingD1 } from "../support/d1-counter";
import { callWith, freshIp } from "../support/protection-helpers";

// Catalog reads bring products with their variants (price, availability) and category ids in one D1
// statement (SQLite JSON aggregation), over both transports (docs/performance.md).

async function stockedCategory() {
  const category = await createCategory();
  const products = [];
  for (let i = 0; i < 3; i++) {
    products.push(await createProduct({ categoryIds: [category.id], description: `Batch ${unique("d")}` }, [{ price: 1000 + i }, { price: 2000 + i }]));
  }
  const skus = products.flatMap((p) => p.variants.map((v) => v.sku));
  // Some stocked, one never stocked (available 0, not in stock).
  await call("PUT", "/v1/inventory", { admin: true, body: { levels: skus.slice(1).map((sku, i) => ({ sku, onHand: i })) } });
  return { category, products, skus };
}

/**
 * The cache keys' market slots are resolved from a map of the markets that each isolate loads once per
 * cache generation (pricing's marketCacheSlot): the fixtures' writes started a new one, so one read
 * first loads it, and the counted reads show what every read costs after that.
 */
async function warmMarketSlots() {
  expect((await call("GET", "/v1/categories")).status).toBe(200);
}

/** GET through the Worker with a statement-counting D1, at the origin (not from the edge copy). */
async function countingGet(path: string) {
  await warmMarketSlots();
  const counter = countingD1(env.DB);
  const res = await callWith({ DB: counter.db }, "GET", path, { headers: { "cache-control": "no-cache", "cf-connecting-ip": freshIp() } });
  expect(res.status).toBe(200);
  return { body: res.body, statements: counter.count() };
}

describe("one statement per catalog read", () => {
  it("lists a page of products with variants, availability and categories in one statement (REST)", async () => {
    const { category, skus } = await stockedCategory();
    const page = await countingGet(`/v1/products?category=${category.id}&limit=3`);
    expect(page.statements).toBe(1);
    expect(page.body.data).toHaveLength(3);
    for (const product of page.body.data) {
      expect(product.categoryIds).toEqual([category.id]);
      expect(product.variants.map((v: any) => v.position)).toEqual([0, 1]);
      for (const v of product.variants) {
        const onHand = skus.indexOf(v.sku) - 1; // the first SKU was never stocked
        expect(v.availability).toEqual({ available: Math.max(0, onHand), inStock: onHand > 0 });
        expect(v.price.currency).toBe("EUR");
        expect(v.compareAtPrice).toBeNull();
        expect(v.productId).toBe(product.id);
      }
    }
  });

  it("reads one product and a search page in one statement each (REST)", async () => {
    const { products } = await stockedCategory();
    const one = await countingGet(`/v1/products/${products[0]!.slug}`);
    expect(one.statements).toBe(1);
    expect(one.body.variants).toHaveLength(2);
    const search = await countingGet(`/v1/search?q=${encodeURIComponent(products[0]!.title)}`);
    expect(search.statements).toBe(1);
    expect(search.body.data[0].product.id).toBe(products[0]!.id);
    expect(search.body.data[0].product.variants).toEqual(one.body.variants);
  });

  it("returns a written variant in the shape and with the availability of a product read", async () => {
    const { products, skus } = await stockedCategory();
    const product = products[0]!;
    // The second SKU was stocked with onHand 0, the third with 1.
    const updated = await call("PATCH", `/v1/variants/${product.variants[1]!.id}`, { admin: true, body: { title: "Renamed" } });
    expect(updated.status).toBe(200);
    expect(updated.body.sku).toBe(skus[1]);
    expect(updated.body.availability).toEqual({ available: 0, inStock: false });
    const read = (await call("GET", `/v1/products/${product.id}`, { headers: { "cache-control": "no-cache" } })).body;
    expect(updated.body).toEqual(read.variants[1]);
    const created = await call("POST", `/v1/products/${product.id}/variants`, { admin: true, body: { sku: unique("SKU"), title: "New", price: { amount: 500, currency: "EUR" }, compareAtPrice: { amount: 900, currency: "EUR" }, position: 5 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ productId: product.id, price: { amount: 500, currency: "EUR" }, compareAtPrice: { amount: 900, currency: "EUR" }, availability: { available: 0, inStock: false } });
    const after = (await call("GET", `/v1/products/${product.id}`, { headers: { "cache-control": "no-cache" } })).body;
    expect(after.variants.at(-1)).toEqual(created.body);
  });

  it("answers the storefront listing in one statement over GraphQL too, with REST's values", async () => {
    const { category } = await stockedCategory();
    await warmMarketSlots();
    const counter = countingD1(env.DB);
    const query = `query($c: String) { products(first: 3, category: $c) { edges { node { id title slug variants { id sku price { amount currency } availability { available inStock } } } } } }`;
    const res = await callWith({ DB: counter.db, ENVIRONMENT: "production" }, "POST", "/graphql", {
      body: { query, variables: { c: category.id } },
      headers: { "cf-connecting-ip": freshIp(), "cache-control": "no-cache" },
    });
    expect(res.body.errors).toBeUndefined();
    expect(counter.count()).toBe(1);
    const rest = (await call("GET", `/v1/products?category=${category.id}&limit=3`)).body.data;
    const graph = res.body.data.products.edges.map((e: any) => e.node);
    expect(graph.map((p: any) => p.id)).toEqual(rest.map((p: any) => p.id));
    expect(graph.flatMap((p: any) => p.variants)).toEqual(
      rest.flatMap((p: any) => p.variants.map((v: any) => ({ id: v.id, sku: v.sku, price: v.price, availability: v.availability }))),
    );
  });

  it("brings a product's categories in the same statement over GraphQL (product, listing, search), in the loader's order", async () => {
    // Ordered by depth, then position, then id: the second root (position 1) before the first (position 2), the child last.
    const first = await createCategory({ position: 2 });
    const second = await createCategory({ position: 1 });
    const child = await createCategory({ parentId: first.id });
    const title = `Categorised ${unique("c")}`;
    const product = await createProduct({ title, categoryIds: [child.id, first.id, second.id] });
    const fields = `id categories { id name slug description depth position parent { id } } variants { sku }`;
    const documents = {
      product: `{ product(slug: "${product.slug}") { ${fields} } }`,
      listing: `{ products(first: 1, category: "${child.id}") { edges { node { ${fields} } } } }`,
      search: `{ search(query: ${JSON.stringify(title)}, first: 1) { edges { node { product { ${fields} } } } } }`,
      // Categories without variants: still one statement (the product is read hydrated).
      records: `{ product(slug: "${product.slug}") { id categories { id } } }`,
    };
    const expected = [second.id, first.id, child.id];
    for (const [name, query] of Object.entries(documents)) {
      await warmMarketSlots();
      const counter = countingD1(env.DB);
      const res = await callWith({ DB: counter.db, ENVIRONMENT: "production" }, "POST", "/graphql", {
        body: { query },
        headers: { "cf-connecting-ip": freshIp(), "cache-control": "no-cache" },
      });
      expect(res.body.errors, name).toBeUndefined();
      const read = name === "listing" ? res.body.data.products.edges[0].node : name === "search" ? res.body.data.search.edges[0].node.product : res.body.data.product;
      expect(read.id, name).toBe(product.id);
      expect(read.categories.map((c: any) => c.id), name).toEqual(expected);
      // Parents are resolved by their loader (one more statement) only where asked for.
      expect(counter.count(), name).toBe(name === "records" ? 1 : 2);
      if (name !== "records") {
        const rest = (await call("GET", `/v1/categories/${child.id}`)).body;
        expect(read.categories[2]).toEqual({ id: rest.id, name: rest.name, slug: rest.slug, description: rest.description, depth: 1, position: rest.position, parent: { id: first.id } });
        expect(read.categories[0].parent).toBeNull();
      }
    }
  });

  it("keeps paging with the next cursor", async () => {
    const { category, products } = await stockedCategory();
    const first = (await call("GET", `/v1/products?category=${category.id}&limit=2`)).body;
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = (await call("GET", `/v1/products?category=${category.id}&limit=2&cursor=${first.next_cursor}`)).body;
    expect([...first.data, ...second.data].map((p: any) => p.id)).toEqual(products.map((p) => p.id).reverse());
    expect(second.next_cursor).toBeNull();
  });
});
