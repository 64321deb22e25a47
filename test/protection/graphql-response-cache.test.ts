import { getNamedType, isObjectType } from "graphql";
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { getSchema } from "../../src/app/graphql";
import { edgeCache, forgetHotCatalogEntries } from "../../src/modules/protection/catalog-cache";
import { isConnection, isEdge } from "../../src/modules/protection/graphql-cost";
import { deliver, recordEvent } from "../support/events-helpers";
import { call, unique } from "../support/helpers";
import { signUp } from "../support/customers-helpers";
import { callWith, freshIp, gqlWith, sha256 } from "../support/protection-helpers";

// The shared GraphQL response cache for anonymous catalog reads (docs/protection.md).

const PROD = { ENVIRONMENT: "production" };

async function createProduct(slug: string) {
  const res = await call("POST", "/v1/products", {
    admin: true,
    body: { title: `Kettle ${slug}`, slug, status: "active", variants: [{ sku: unique("SKU"), price: { amount: 3900, currency: "EUR" } }] },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string; variants: { id: string }[] };
}

const productQuery = (slug: string) => `{ product(slug: "${slug}") { id title variants { sku price { amount currency } availability { available } } } }`;

describe("GraphQL response cache", () => {
  it("does not rewrite the stored result for an executed read that returns the same data, and refreshes it when it changes", async () => {
    const slug = unique("gq-noreput");
    const created = await createProduct(slug);
    const puts = vi.spyOn(Object.getPrototypeOf(edgeCache()) as Cache, "put");
    const graphqlPuts = () => puts.mock.calls.filter(([key]) => String(key instanceof Request ? key.url : key).includes("/graphql/")).length;
    const executed = () => gqlWith(PROD, { query: productQuery(slug) }, { ip: freshIp(), headers: { "cache-control": "no-cache" } });
    const before = graphqlPuts();
    const first = await executed();
    expect(first.body.data.product.title).toBe(`Kettle ${slug}`);
    expect(graphqlPuts()).toBe(before + 1); // the first execution stores the result
    const second = await executed();
    expect(second.headers.get("x-edge-cache")).toBe("MISS");
    expect(second.body.data).toEqual(first.body.data);
    expect(graphqlPuts()).toBe(before + 1); // the same data: no second write
    // New data in the same generation (a change the generation does not see) is written.
    await env.DB.prepare("UPDATE products SET title = ? WHERE id = ?").bind("Quiet kettle", created.id).run();
    const third = await executed();
    expect(third.body.data.product.title).toBe("Quiet kettle");
    expect(graphqlPuts()).toBe(before + 2);
    expect((await gqlWith(PROD, { query: productQuery(slug) }, { ip: freshIp() })).body.data.product.title).toBe("Quiet kettle");
    puts.mockRestore();
  });

  it("answers a repeated anonymous catalog query from the cache, with the caller's own cost report", async () => {
    const slug = unique("gcache");
    await createProduct(slug);
    const ip = freshIp();
    const slow = { ...PROD, GRAPHQL_COST_RESTORE_RATE: "0.001" }; // no refill between the requests
    const miss = await gqlWith(slow, { query: productQuery(slug) }, { ip });
    expect(miss.headers.get("x-edge-cache")).toBe("MISS");
    const hit = await gqlWith(slow, { query: productQuery(slug) }, { ip });
    expect(hit.headers.get("x-edge-cache")).toBe("HIT");
    expect(hit.body.data).toEqual(miss.body.data);
    // The hit is charged like an execution: same requested and actual cost, taken from this caller's bucket.
    const [a, b] = [miss.body.extensions.cost, hit.body.extensions.cost];
    expect(b.requestedQueryCost).toBe(a.requestedQueryCost);
    expect(b.actualQueryCost).toBe(a.actualQueryCost);
    expect(b.throttleStatus.currentlyAvailable).toBe(a.throttleStatus.currentlyAvailable - a.actualQueryCost);
    // Another caller shares the data, not the cost report.
    const other = await gqlWith(slow, { query: productQuery(slug) }, { ip: freshIp() });
    expect(other.headers.get("x-edge-cache")).toBe("HIT");
    expect(other.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(a.throttleStatus.currentlyAvailable);
    // Different variables are different entries.
    const query = `query($s: String!) { product(slug: $s) { title } }`;
    expect((await gqlWith(PROD, { query, variables: { s: slug } }, { ip })).headers.get("x-edge-cache")).toBe("MISS");
    expect((await gqlWith(PROD, { query, variables: { s: unique("other") } }, { ip })).headers.get("x-edge-cache")).toBe("MISS");
    expect((await gqlWith(PROD, { query, variables: { s: slug } }, { ip })).headers.get("x-edge-cache")).toBe("HIT");
  });

  it("drops cached results when the catalog changes, over either transport", async () => {
    const slug = unique("gcache-purge");
    const product = await createProduct(slug);
    const ip = freshIp();
    const read = () => gqlWith(PROD, { query: productQuery(slug) }, { ip });
    await read();
    expect((await read()).headers.get("x-edge-cache")).toBe("HIT");

    // A GraphQL mutation...
    const renamed = await gqlWith(PROD, { query: `mutation($id: ID!) { updateProduct(id: $id, input: { title: "Copper kettle" }) { title } }`, variables: { id: product.id } }, { admin: true });
    expect(renamed.body.errors).toBeUndefined();
    const afterMutation = await read();
    expect(afterMutation.headers.get("x-edge-cache")).toBe("MISS");
    expect(afterMutation.body.data.product.title).toBe("Copper kettle");
    expect((await read()).headers.get("x-edge-cache")).toBe("HIT");

    // ...and a REST write.
    expect((await call("PATCH", `/v1/variants/${product.variants[0]!.id}`, { admin: true, body: { price: { amount: 4500, currency: "EUR" } } })).status).toBe(200);
    const afterRest = await read();
    expect(afterRest.headers.get("x-edge-cache")).toBe("MISS");
    expect(afterRest.body.data.product.variants[0].price.amount).toBe(4500);
  });

  it("drops cached results when a product.* event arrives through the queue consumer", async () => {
    const slug = unique("gcache-event");
    const product = await createProduct(slug);
    const read = () => gqlWith(PROD, { query: productQuery(slug) }, { ip: freshIp() });
    await read();
    expect((await read()).headers.get("x-edge-cache")).toBe("HIT");
    await deliver("edgeshop-events", [{ body: await recordEvent("product.updated", { id: product.id, changed: ["title"] }, { type: "product", id: product.id }) }]);
    expect((await read()).headers.get("x-edge-cache")).toBe("MISS");
  });

  it("serves from the Cache API copy when the isolate's memory has none", async () => {
    const slug = unique("gcache-edge");
    await createProduct(slug);
    const first = await gqlWith(PROD, { query: productQuery(slug) }, { ip: freshIp() });
    forgetHotCatalogEntries();
    const second = await gqlWith(PROD, { query: productQuery(slug) }, { ip: freshIp() });
    expect(second.headers.get("x-edge-cache")).toBe("HIT");
    expect(second.body.data).toEqual(first.body.data);
  });

  it("still throttles a caller whose bucket a cached answer does not fit", async () => {
    const slug = unique("gcache-throttle");
    await createProduct(slug);
    const { requestedQueryCost, actualQueryCost } = (await gqlWith(PROD, { query: productQuery(slug) }, { ip: freshIp() })).body.extensions.cost; // cached now
    expect(actualQueryCost).toBeGreaterThan(1);
    // Room for one charge of the requested cost, not for a second after the first one's actual cost.
    const limits = { ...PROD, GRAPHQL_COST_MAXIMUM: String(requestedQueryCost + 1), GRAPHQL_COST_RESTORE_RATE: "0.001" };
    const ip = freshIp();
    const first = await gqlWith(limits, { query: productQuery(slug) }, { ip });
    expect(first.headers.get("x-edge-cache")).toBe("HIT");
    const refused = await gqlWith(limits, { query: productQuery(slug) }, { ip });
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe("THROTTLED");
    expect(refused.body.data).toBeUndefined();
  });

  it("revalidates on Cache-Control: no-cache, like REST", async () => {
    const slug = unique("gcache-nocache");
    await createProduct(slug);
    await gqlWith(PROD, { query: productQuery(slug) }, { ip: freshIp() });
    const origin = await gqlWith(PROD, { query: productQuery(slug) }, { ip: freshIp(), headers: { "cache-control": "no-cache" } });
    expect(origin.headers.get("x-edge-cache")).toBe("MISS");
  });

  it("answers persisted queries sent as GET from the same entries", async () => {
    const slug = unique("gcache-get");
    await createProduct(slug);
    const query = productQuery(slug);
    const extensions = { persistedQuery: { version: 1, sha256Hash: await sha256(query) } };
    const posted = await gqlWith(PROD, { query, extensions }, { ip: freshIp() });
    expect(posted.headers.get("x-edge-cache")).toBe("MISS");
    const params = new URLSearchParams({ extensions: JSON.stringify(extensions) });
    const got = await callWith(PROD, "GET", `/graphql?${params}`, { headers: { "x-graphql-csrf": "1", "cf-connecting-ip": freshIp() } });
    expect(got.status).toBe(200);
    expect(got.headers.get("x-edge-cache")).toBe("HIT");
    expect(got.body.data).toEqual(posted.body.data);
  });

  it("never shares answers with credentials or bookmarks, errors, mutations or fields that are not catalog data", async () => {
    const slug = unique("gcache-private");
    await createProduct(slug);
    const twice = async (run: () => Promise<{ headers: Headers }>) => [(await run()).headers.get("x-edge-cache"), (await run()).headers.get("x-edge-cache")];
    // An admin sees drafts; a bookmark asks for data at least that new.
    expect(await twice(() => gqlWith(PROD, { query: productQuery(slug) }, { admin: true }))).toEqual([null, null]);
    const bookmark = (await call("GET", "/v1/categories")).headers.get("x-d1-bookmark") ?? "00000000-00000001-00000000-00000000000000000000000000000000";
    expect(await twice(() => gqlWith(PROD, { query: productQuery(slug) }, { ip: freshIp(), headers: { "x-d1-bookmark": bookmark } }))).toEqual([null, null]);
    // Recommendations come from orders, not from the catalog.
    const withRecs = `{ product(slug: "${slug}") { id recommendations { score } } }`;
    expect(await twice(() => gqlWith(PROD, { query: withRecs }, { ip: freshIp() }))).toEqual([null, null]);
    // A customer's own data.
    expect(await twice(() => gqlWith(PROD, { query: "{ me { id } }" }, { ip: freshIp() }))).toEqual([null, null]);
    // Errors are not kept: a bad argument answers an error every time, from execution.
    const bad = `{ products(first: 5, after: "not-a-cursor") { edges { node { id } } } }`;
    const errors = [await gqlWith(PROD, { query: bad }, { ip: freshIp() }), await gqlWith(PROD, { query: bad }, { ip: freshIp() })];
    expect(errors.map((r) => r.headers.get("x-edge-cache"))).toEqual(["MISS", "MISS"]);
    for (const r of errors) expect(r.body.errors[0].extensions.code).toBe("VALIDATION_FAILED");
  });

  it("never serves a customer's or an admin's query from the shared cache, nor stores it there", async () => {
    // A draft: anonymous callers get null (and that null is cached), an admin gets the product.
    const slug = unique("gcache-draft");
    const res = await call("POST", "/v1/products", { admin: true, body: { title: "Draft kettle", slug, status: "draft", variants: [{ sku: unique("SKU"), price: { amount: 100, currency: "EUR" } }] } });
    expect(res.status).toBe(201);
    const query = productQuery(slug);
    const anonymous = () => gqlWith(PROD, { query }, { ip: freshIp() });
    expect((await anonymous()).body.data.product).toBeNull();
    expect((await anonymous()).headers.get("x-edge-cache")).toBe("HIT");
    const admin = await gqlWith(PROD, { query }, { admin: true });
    expect(admin.headers.get("x-edge-cache")).toBeNull();
    expect(admin.body.data.product.title).toBe("Draft kettle");
    const { token } = await signUp();
    const customer = await gqlWith(PROD, { query }, { ip: freshIp(), headers: { authorization: `Bearer ${token}` } });
    expect(customer.headers.get("x-edge-cache")).toBeNull();
    expect(customer.body.data.product).toBeNull();

    // Nor do their answers become entries: after an admin's and a customer's reads, an anonymous one is a miss.
    const fresh = `{ product(slug: "${slug}") { id slug } }`;
    await gqlWith(PROD, { query: fresh }, { admin: true });
    await gqlWith(PROD, { query: fresh }, { ip: freshIp(), headers: { authorization: `Bearer ${token}` } });
    expect((await gqlWith(PROD, { query: fresh }, { ip: freshIp() })).headers.get("x-edge-cache")).toBe("MISS");
  });

  it("lists every field it may share, so a new one is a decision (SHARED / NOT_SHARED in src/graphql/builder.ts)", () => {
    const schema = getSchema();
    const shared: string[] = [];
    const seen = new Set<string>();
    const visit = (typeName: string) => {
      if (seen.has(typeName)) return;
      seen.add(typeName);
      const type = schema.getType(typeName);
      if (!isObjectType(type)) return;
      const transparent = isConnection(type) || isEdge(type) || type.name === "PageInfo";
      if (type.extensions.sharedCache !== true && !transparent) return;
      for (const field of Object.values(type.getFields())) {
        if (field.extensions.sharedCache === false) continue;
        if (!transparent) shared.push(`${type.name}.${field.name}`);
        visit(getNamedType(field.type).name);
      }
    };
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      if (field.extensions.sharedCache !== true) continue;
      shared.push(`Query.${field.name}`);
      visit(getNamedType(field.type).name);
    }
    expect(shared.sort()).toEqual(
      [
        "Query.categories", "Query.category", "Query.product", "Query.products", "Query.search",
        "Category.children", "Category.depth", "Category.description", "Category.id", "Category.name", "Category.parent", "Category.position", "Category.products", "Category.slug",
        "KeyValue.name", "KeyValue.value",
        "Money.amount", "Money.currency",
        "CurrencyPrice.amount", "CurrencyPrice.compareAtAmount", "CurrencyPrice.currency",
        "ProductMarket.currency", "ProductMarket.handle", "ProductMarket.pricesIncludeTax",
        "PriceRange.max", "PriceRange.min",
        "ProductImage.alt", "ProductImage.contentType", "ProductImage.height", "ProductImage.id", "ProductImage.position", "ProductImage.url", "ProductImage.width",
        "Product.attributes", "Product.categories", "Product.createdAt", "Product.description", "Product.id", "Product.images", "Product.market", "Product.priceRange", "Product.slug", "Product.status", "Product.taxClass", "Product.title", "Product.updatedAt", "Product.variants",
        "SearchHit.descriptionSnippet", "SearchHit.product", "SearchHit.score", "SearchHit.titleHighlight",
        "Variant.availability", "Variant.compareAtPrice", "Variant.id", "Variant.options", "Variant.position", "Variant.price", "Variant.prices", "Variant.sku", "Variant.title", "Variant.weightGrams",
        "VariantAvailability.available", "VariantAvailability.inStock",
      ].sort(),
    );
  });
});
