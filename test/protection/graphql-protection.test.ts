import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { COST } from "../../src/modules/protection/graphql-cost";
import { QUERY_LIMITS } from "../../src/modules/protection/graphql-limits";
import { trustedDocuments } from "../../src/modules/protection/trusted-documents";
import { call, unique } from "../support/helpers";
import { callWith, freshIp, gqlWith, sha256 } from "../support/protection-helpers";

const PROD = { ENVIRONMENT: "production" };

async function createProduct(slug: string, extra: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/products", {
    admin: true,
    body: { title: `Product ${slug}`, slug, status: "active", variants: [{ sku: unique("SKU"), price: { amount: 1000, currency: "EUR" } }], ...extra },
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe("GraphQL query limits (refused before execution, with codes)", () => {
  it("refuses a query deeper than the limit with MAX_DEPTH_EXCEEDED", async () => {
    let selection = "id";
    for (let i = 0; i < QUERY_LIMITS.maxDepth; i++) selection = `children { ${selection} }`;
    const res = await gqlWith(PROD, { query: `{ categories { ${selection} } }` }, { ip: freshIp() });
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors[0].extensions.code).toBe("MAX_DEPTH_EXCEEDED");
  });

  it("refuses too many aliases with MAX_ALIASES_EXCEEDED", async () => {
    const fields = Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: product(slug: "x") { id }`).join(" ");
    const res = await gqlWith(PROD, { query: `{ ${fields} }` }, { ip: freshIp() });
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors[0].extensions.code).toBe("MAX_ALIASES_EXCEEDED");
  });

  it("refuses too many directives with MAX_DIRECTIVES_EXCEEDED", async () => {
    const directives = Array.from({ length: QUERY_LIMITS.maxDirectives + 1 }, () => "@include(if: true)").join(" ");
    const res = await gqlWith(PROD, { query: `{ categories ${directives} { id } }` }, { ip: freshIp() });
    expect(res.body.errors[0].extensions.code).toBe("MAX_DIRECTIVES_EXCEEDED");
  });

  it("refuses a document with too many tokens (wide query) with MAX_TOKENS_EXCEEDED", async () => {
    const wide = Array.from({ length: QUERY_LIMITS.maxTokens }, () => "id").join(" ");
    const res = await gqlWith(PROD, { query: `{ categories { ${wide} } }` }, { ip: freshIp() });
    expect(res.body.errors[0], JSON.stringify(res.body)).toMatchObject({ extensions: { code: "MAX_TOKENS_EXCEEDED" } });
  });

  it("refuses a costly mutation with MAX_COST_EXCEEDED and does not run it", async () => {
    const slug = unique("costly");
    const query = `mutation { createProduct(input: { title: "Costly", slug: "${slug}" }) {
      categories { products(first: 100) { edges { node { variants { price { amount } } categories { id } } } } } } }`;
    const res = await gqlWith(PROD, { query }, { admin: true, ip: freshIp() });
    expect(res.body.errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");
    expect(res.body.extensions.cost.requestedQueryCost).toBeGreaterThan(COST.maxQueryCost);
    expect(res.body.extensions.cost.actualQueryCost).toBe(0);
    expect((await call("GET", `/v1/products/${slug}`, { admin: true })).status).toBe(404);
  });

  it("applies JSON nesting limits to variables", async () => {
    let deep: unknown = "x";
    for (let i = 0; i < 20; i++) deep = { deep };
    const res = await gqlWith(PROD, { query: "query($q: String!) { product(slug: $q) { id } }", variables: { q: "x", deep } }, { ip: freshIp() });
    expect(res.body.errors[0].extensions.code).toBe("JSON_TOO_COMPLEX");
  });
});

describe("GraphQL cost accounting and throttling", () => {
  it("reports requested and actual cost and the bucket's status on every executed response", async () => {
    const tag = unique("cost");
    await createProduct(`${tag}-a`);
    await createProduct(`${tag}-b`);
    const res = await gqlWith(PROD, { query: `{ products(first: 10) { edges { node { id variants { sku } } } } }` }, { ip: freshIp() });
    expect(res.status).toBe(200);
    const cost = res.body.extensions.cost;
    // connection 2 + 10 nodes × (node 1 + 10 assumed variants × 1)
    expect(cost.requestedQueryCost).toBe(2 + 10 * (1 + 10));
    const products = res.body.data.products.edges;
    const variants = products.reduce((n: number, e: any) => n + e.node.variants.length, 0);
    expect(cost.actualQueryCost).toBe(2 + products.length + variants);
    expect(cost.throttleStatus).toEqual({ maximumAvailable: 1_000_000, currentlyAvailable: expect.any(Number), restoreRate: 100 });
    // Charged the requested cost up front, refunded down to the actual cost.
    expect(cost.throttleStatus.currentlyAvailable).toBe(1_000_000 - cost.actualQueryCost);
  });

  it("refuses work beyond the bucket with THROTTLED (429, Retry-After) and refills at the restore rate", async () => {
    const limits = { ...PROD, GRAPHQL_COST_MAXIMUM: "3", GRAPHQL_COST_RESTORE_RATE: "2" };
    const ip = freshIp();
    const query = `{ product(slug: "${unique("none")}") { id } }`; // costs 1, requested and actual
    for (let i = 0; i < 3; i++) {
      const ok = await gqlWith(limits, { query }, { ip });
      expect(ok.status).toBe(200);
      expect(ok.body.extensions.cost.requestedQueryCost).toBe(1);
    }
    const throttled = await gqlWith(limits, { query }, { ip });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors[0].extensions).toMatchObject({ code: "THROTTLED", type: "https://edgeshop.dev/problems/throttled", retryAfter: 1 });
    expect(throttled.body.errors[0].extensions.http).toBeUndefined();
    expect(throttled.body.extensions.cost.throttleStatus).toEqual({ maximumAvailable: 3, currentlyAvailable: 0, restoreRate: 2 });
    // Another client is not affected.
    expect((await gqlWith(limits, { query }, { ip: freshIp() })).status).toBe(200);
    // 2 points/s: after 0.6 s one point is back, not two.
    await new Promise((r) => setTimeout(r, 600));
    expect((await gqlWith(limits, { query }, { ip })).status).toBe(200);
    expect((await gqlWith(limits, { query }, { ip })).status).toBe(429);
  });

  it("charges concurrent requests atomically: exactly the bucket's worth pass", async () => {
    const limits = { ...PROD, GRAPHQL_COST_MAXIMUM: "5", GRAPHQL_COST_RESTORE_RATE: "0.001" };
    const ip = freshIp();
    const query = `{ product(slug: "${unique("none")}") { id } }`;
    const results = await Promise.all(Array.from({ length: 12 }, () => gqlWith(limits, { query }, { ip })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });
});

describe("GraphQL search stays correct after its optimisation", () => {
  it("returns the same variants for a search hit as REST does", async () => {
    const word = `zq${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
    const slug = unique("searchable");
    const created = await call("POST", "/v1/products", {
      admin: true,
      body: { title: `Lamp ${word}`, slug, status: "active", variants: [1, 2].map((n) => ({ sku: unique(`SKU${n}`), price: { amount: 1000 * n, currency: "EUR" } })) },
    });
    const res = await gqlWith(PROD, { query: `{ search(query: "${word}") { edges { node { product { slug variants { sku price { amount } } } } } } }` }, { ip: freshIp() });
    const hit = res.body.data.search.edges[0].node.product;
    expect(hit.slug).toBe(slug);
    expect(hit.variants).toEqual(created.body.variants.map((v: any) => ({ sku: v.sku, price: { amount: v.price.amount } })));
  });
});

describe("persisted queries", () => {
  it("registers an automatic persisted query and answers later requests by hash alone", async () => {
    const slug = unique("apq");
    await createProduct(slug);
    const query = `query Apq${slug.replaceAll("-", "")}($slug: String!) { product(slug: $slug) { slug } }`;
    const hash = await sha256(query);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    const miss = await gqlWith(PROD, { variables: { slug }, extensions }, { ip: freshIp() });
    expect(miss.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");

    const register = await gqlWith(PROD, { query, variables: { slug }, extensions }, { ip: freshIp() });
    expect(register.body.data.product.slug).toBe(slug);
    // Stored in D1, so every isolate knows it.
    const row = await env.DB.prepare("SELECT query FROM graphql_persisted_queries WHERE sha256_hash = ?").bind(hash).first<{ query: string }>();
    expect(row?.query).toBe(query);

    const hit = await gqlWith(PROD, { variables: { slug }, extensions }, { ip: freshIp() });
    expect(hit.body.data.product.slug).toBe(slug);
  });

  it("refuses a query whose hash does not match", async () => {
    const res = await gqlWith(PROD, { query: "{ categories { id } }", extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }, { ip: freshIp() });
    expect(res.body.errors[0].extensions.code).toBe("BAD_REQUEST");
  });

  it("in trusted-documents mode runs manifest documents by hash and refuses everything else", async () => {
    const trusted = { ...PROD, GRAPHQL_TRUSTED_DOCUMENTS_ONLY: "true" };
    const [hash, document] = Object.entries(trustedDocuments).find(([, d]) => d.includes("query ProductPage"))!;
    expect(await sha256(document)).toBe(hash);
    const slug = unique("trusted");
    await createProduct(slug);

    const ok = await gqlWith(trusted, { variables: { slug }, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, { ip: freshIp() });
    expect(ok.status).toBe(200);
    expect(ok.body.data.product.slug).toBe(slug);

    const unknown = await gqlWith(trusted, { extensions: { persistedQuery: { version: 1, sha256Hash: "a".repeat(64) } } }, { ip: freshIp() });
    expect(unknown.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(unknown.body.data).toBeUndefined();

    const arbitrary = await gqlWith(trusted, { query: document, variables: { slug } }, { ip: freshIp() });
    expect(arbitrary.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_REQUIRED");
  });

  it("keeps the manifest honest: every key is the SHA-256 of its document", async () => {
    for (const [hash, document] of Object.entries(trustedDocuments)) expect(await sha256(document)).toBe(hash);
  });
});

describe("production hardening", () => {
  it("refuses introspection in production and allows it in development", async () => {
    const query = "{ __schema { queryType { name } } }";
    const prod = await gqlWith(PROD, { query }, { ip: freshIp() });
    expect(prod.body.data).toBeUndefined();
    expect(prod.body.errors[0].message).toMatch(/introspection/i);
    const dev = await gqlWith({ ENVIRONMENT: "development" }, { query }, { ip: freshIp() });
    expect(dev.body.data.__schema.queryType.name).toBe("Query");
  });

  it("hides field suggestions in production", async () => {
    const prod = await gqlWith(PROD, { query: "{ produc(slug: \"x\") { id } }" }, { ip: freshIp() });
    expect(prod.body.errors[0].message).not.toMatch(/Did you mean/);
    const dev = await gqlWith({ ENVIRONMENT: "development" }, { query: "{ produc(slug: \"x\") { id } }" }, { ip: freshIp() });
    expect(dev.body.errors[0].message).toMatch(/Did you mean/);
  });

  it("serves GraphiQL only in development", async () => {
    const html = { accept: "text/html" };
    expect((await callWith({ ENVIRONMENT: "development" }, "GET", "/graphql", { headers: html })).text).toMatch(/graphiql/i);
    expect((await callWith(PROD, "GET", "/graphql", { headers: html })).text).not.toMatch(/graphiql/i);
  });

  it("prevents CSRF: simple GETs and form posts need a preflight-forcing header", async () => {
    const path = `/graphql?query=${encodeURIComponent("{ categories { id } }")}`;
    expect((await callWith(PROD, "GET", path)).status).toBe(403);
    expect((await callWith(PROD, "GET", path, { headers: { "x-graphql-csrf": "1" } })).status).toBe(200);
    const form = await callWith(PROD, "POST", "/graphql", {
      body: `query=${encodeURIComponent("{ categories { id } }")}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(403);
  });
});
