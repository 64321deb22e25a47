import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cacheKey, DEFAULT_MARKET, edgeCache, forgetHotCatalogEntries, graphqlCacheKey } from "../../src/modules/protection/catalog-cache";
import { deliver, recordEvent } from "../support/events-helpers";
import { unique } from "../support/helpers";
import { callWith } from "../support/protection-helpers";

async function createProduct(slug: string) {
  const res = await callWith({}, "POST", "/v1/products", {
    admin: true,
    body: { title: `Lamp ${slug}`, slug, status: "active", variants: [{ sku: unique("SKU"), price: { amount: 4900, currency: "EUR" } }] },
  });
  expect(res.status).toBe(201);
  return res;
}

describe("ETags and conditional requests", () => {
  it.each([
    ["product", (slug: string) => `/v1/products/${slug}`],
    ["listing", () => "/v1/products?limit=20"],
    ["search", (slug: string) => `/v1/search?q=${encodeURIComponent(slug)}`],
    ["categories", () => "/v1/categories"],
  ])("answers If-None-Match on the %s with 304 and no body", async (_name, path) => {
    const slug = unique("etag");
    await createProduct(slug);
    const first = await callWith({}, "GET", path(slug));
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]{43}"$/); // strong: no W/ prefix
    const again = await callWith({}, "GET", path(slug), { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("cache-control")).toBe("public, max-age=30, s-maxage=60");
    // A different tag (or a weak form of the same one: weak comparison) behaves as HTTP says.
    expect((await callWith({}, "GET", path(slug), { headers: { "if-none-match": '"other"' } })).status).toBe(200);
    expect((await callWith({}, "GET", path(slug), { headers: { "if-none-match": `W/${etag}` } })).status).toBe(304);
  });

  it("gives the same representation the same tag and a changed one a new tag", async () => {
    const slug = unique("etag-change");
    const created = await createProduct(slug);
    const before = await callWith({}, "GET", `/v1/products/${slug}`);
    expect((await callWith({}, "GET", `/v1/products/${slug}`, { headers: { "cache-control": "no-cache" } })).headers.get("etag")).toBe(before.headers.get("etag"));
    await callWith({}, "PATCH", `/v1/products/${created.body.id}`, { admin: true, body: { title: "Renamed lamp" } });
    const after = await callWith({}, "GET", `/v1/products/${slug}`, { headers: { "if-none-match": before.headers.get("etag")! } });
    expect(after.status).toBe(200);
    expect(after.body.title).toBe("Renamed lamp");
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
  });
});

describe("edge cache", () => {
  afterEach(() => vi.restoreAllMocks());

  it("serves repeated public reads from the edge cache and purges them when a product changes", async () => {
    const slug = unique("cached");
    const created = await createProduct(slug);
    const miss = await callWith({}, "GET", `/v1/products/${slug}`);
    expect(miss.headers.get("x-edge-cache")).toBe("MISS");
    const hit = await callWith({}, "GET", `/v1/products/${slug}`);
    expect(hit.headers.get("x-edge-cache")).toBe("HIT");
    expect(hit.body).toEqual(miss.body);
    expect(hit.headers.get("x-request-id")).toMatch(/^req_/);
    expect(hit.headers.get("ratelimit")).toBeTruthy();

    const listingBefore = await callWith({}, "GET", "/v1/products?limit=100");
    expect(listingBefore.body.data.some((p: any) => p.slug === slug)).toBe(true);

    await callWith({}, "PATCH", `/v1/products/${created.body.id}`, { admin: true, body: { title: "Purged lamp" } });
    const fresh = await callWith({}, "GET", `/v1/products/${slug}`);
    expect(fresh.headers.get("x-edge-cache")).toBe("MISS");
    expect(fresh.body.title).toBe("Purged lamp");
    const listingAfter = await callWith({}, "GET", "/v1/products?limit=100");
    expect(listingAfter.headers.get("x-edge-cache")).toBe("MISS");
    expect(listingAfter.body.data.find((p: any) => p.slug === slug).title).toBe("Purged lamp");

    await callWith({}, "DELETE", `/v1/products/${created.body.id}`, { admin: true });
    expect((await callWith({}, "GET", `/v1/products/${slug}`)).status).toBe(404);
  });

  it("purges cached reads when a product.* event arrives through the queue consumer", async () => {
    const slug = unique("queued");
    const created = await createProduct(slug);
    await callWith({}, "GET", `/v1/products/${slug}`);
    expect((await callWith({}, "GET", `/v1/products/${slug}`)).headers.get("x-edge-cache")).toBe("HIT");
    // As if another colo changed the product: only the event reaches this one.
    const event = await recordEvent("product.updated", { id: created.body.id, changed: ["title"] }, { type: "product", id: created.body.id });
    const result = await deliver("edgeshop-events", [{ body: event }]);
    expect(result.retryMessages).toEqual([]);
    expect((await callWith({}, "GET", `/v1/products/${slug}`)).headers.get("x-edge-cache")).toBe("MISS");
  });

  it("serves from the Cache API copy when the isolate's memory has none", async () => {
    const slug = unique("edge-copy");
    await createProduct(slug);
    const miss = await callWith({}, "GET", `/v1/products/${slug}`);
    forgetHotCatalogEntries();
    const hit = await callWith({}, "GET", `/v1/products/${slug}`);
    expect(hit.headers.get("x-edge-cache")).toBe("HIT");
    expect(hit.text).toBe(miss.text);
    expect(hit.headers.get("etag")).toBe(miss.headers.get("etag"));
    forgetHotCatalogEntries();
    const conditional = await callWith({}, "GET", `/v1/products/${slug}`, { headers: { "if-none-match": miss.headers.get("etag")! } });
    expect(conditional.status).toBe(304);
  });

  it("never caches or shares responses for authenticated callers", async () => {
    const slug = unique("private");
    await createProduct(slug);
    await callWith({}, "GET", "/v1/products?limit=5"); // warm the public entry
    const admin = await callWith({}, "GET", "/v1/products?limit=5", { admin: true });
    expect(admin.headers.get("x-edge-cache")).toBeNull();
    expect(admin.headers.get("cache-control")).toBe("private, no-cache");
    expect(admin.headers.get("etag")).toBeTruthy();
    // Admins see drafts, which the public listing never holds.
    const draft = await callWith({}, "POST", "/v1/products", { admin: true, body: { title: "Draft", slug: unique("draft") } });
    const adminList = await callWith({}, "GET", "/v1/products?limit=100&status=draft", { admin: true });
    expect(adminList.body.data.some((p: any) => p.id === draft.body.id)).toBe(true);
    const publicList = await callWith({}, "GET", "/v1/products?limit=100");
    expect(publicList.body.data.some((p: any) => p.id === draft.body.id)).toBe(false);
  });

  it("purges the REST edge copy when the product changes through a GraphQL mutation", async () => {
    const slug = unique("gql-write");
    const created = await createProduct(slug);
    await callWith({}, "GET", `/v1/products/${slug}`);
    expect((await callWith({}, "GET", `/v1/products/${slug}`)).headers.get("x-edge-cache")).toBe("HIT");
    const renamed = await callWith({}, "POST", "/graphql", {
      admin: true,
      body: { query: `mutation($id: ID!) { updateProduct(id: $id, input: { title: "Brass lamp" }) { title } }`, variables: { id: created.body.id } },
    });
    expect(renamed.body.errors).toBeUndefined();
    const fresh = await callWith({}, "GET", `/v1/products/${slug}`);
    expect(fresh.headers.get("x-edge-cache")).toBe("MISS");
    expect(fresh.body.title).toBe("Brass lamp");
  });

  it("does not rewrite the edge copy for an origin read that returns the same bytes, and refreshes it when they change", async () => {
    const slug = unique("no-reput");
    const created = await createProduct(slug);
    const origin = () => callWith({}, "GET", `/v1/products/${slug}`, { headers: { "cache-control": "no-cache" } });
    const puts = vi.spyOn(Object.getPrototypeOf(edgeCache()) as Cache, "put");
    const first = await origin();
    const productPuts = () => puts.mock.calls.filter(([key]) => String(key instanceof Request ? key.url : key).endsWith(`/products/${slug}`)).length;
    expect(productPuts()).toBe(1); // the first origin read writes the copy
    const second = await origin();
    expect(second.headers.get("x-edge-cache")).toBe("MISS");
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(productPuts()).toBe(1); // the same bytes: no second write
    // A change the generation does not see (same generation, new bytes: e.g. stock moved) is written.
    await env.DB.prepare("UPDATE products SET title = ? WHERE id = ?").bind("Quietly renamed", created.body.id).run();
    const third = await origin();
    expect(third.body.title).toBe("Quietly renamed");
    expect(productPuts()).toBe(2);
    expect((await callWith({}, "GET", `/v1/products/${slug}`)).body.title).toBe("Quietly renamed");
  });

  it("does not cache errors", async () => {
    const slug = unique("missing");
    const first = await callWith({}, "GET", `/v1/products/${slug}`);
    expect(first.status).toBe(404);
    expect(first.headers.get("x-edge-cache")).toBeNull();
    await createProduct(slug);
    expect((await callWith({}, "GET", `/v1/products/${slug}`)).status).toBe(200);
  });
});

describe("D1 read replication with bookmarks", () => {
  it("returns a bookmark after a write, and a read with it sees the write", async () => {
    const slug = unique("bookmark");
    const created = await createProduct(slug);
    const bookmark = created.headers.get("x-d1-bookmark");
    expect(bookmark).toBeTruthy();
    const read = await callWith({}, "GET", `/v1/products/${slug}`, { headers: { "x-d1-bookmark": bookmark! } });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(created.body.id);
    // Reads with a bookmark bypass the shared edge copy and return the (newer or equal) bookmark.
    expect(read.headers.get("x-edge-cache")).toBeNull();
    expect(read.headers.get("x-d1-bookmark")).toBeTruthy();
  });

  it("carries the bookmark through GraphQL mutations and queries too", async () => {
    const slug = unique("gql-bookmark");
    const mutation = await callWith({}, "POST", "/graphql", {
      admin: true,
      body: { query: `mutation { createProduct(input: { title: "GQL", slug: "${slug}", status: ACTIVE }) { id } }` },
    });
    expect(mutation.body.errors).toBeUndefined();
    const bookmark = mutation.headers.get("x-d1-bookmark");
    expect(bookmark).toBeTruthy();
    const query = await callWith({}, "POST", "/graphql", {
      body: { query: `{ product(slug: "${slug}") { id } }` },
      headers: { "x-d1-bookmark": bookmark! },
    });
    expect(query.body.data.product.id).toBe(mutation.body.data.createProduct.id);
  });

  it("ignores a malformed bookmark instead of passing it to D1", async () => {
    const res = await callWith({}, "GET", "/v1/categories", { headers: { "x-d1-bookmark": "not a bookmark; drop table" } });
    expect(res.status).toBe(200);
  });
});

describe("cache keys", () => {
  it("keep each market's entries apart, and one market's query strings in one canonical order", () => {
    const url = new URL("https://shop.example/v1/products?limit=20&category=cat_1");
    const permuted = new URL("https://shop.example/v1/products?category=cat_1&limit=20");
    expect(cacheKey("g1", url)).toBe(cacheKey("g1", permuted));
    expect(cacheKey("g1", url)).toBe(cacheKey("g1", url, DEFAULT_MARKET));
    expect(cacheKey("g1", url, "mkt_uk")).not.toBe(cacheKey("g1", url, "mkt_eu"));
    expect(cacheKey("g1", url, "mkt_uk")).not.toBe(cacheKey("g1", url));
    expect(cacheKey("g2", url)).not.toBe(cacheKey("g1", url));
    expect(graphqlCacheKey("g1", "abc", "mkt_uk")).not.toBe(graphqlCacheKey("g1", "abc", "mkt_eu"));
    expect(graphqlCacheKey("g1", "abc")).not.toBe(graphqlCacheKey("g2", "abc"));
  });
});
