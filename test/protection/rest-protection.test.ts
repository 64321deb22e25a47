import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { clientIdentity, protectionLimits } from "../../src/modules/protection/limits";
import { unique } from "../support/helpers";
import { callWith, freshIp } from "../support/protection-helpers";

const validProduct = () => ({ title: "Shirt", slug: unique("shirt"), variants: [{ sku: unique("SKU"), price: { amount: 1000, currency: "EUR" } }] });

describe("REST rate limits", () => {
  it("advertises the policy on every response and refuses with a 429 problem and Retry-After", async () => {
    const limits = { RATE_LIMIT_IP: "2/60" };
    const ip = freshIp();
    const first = await callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } });
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-policy")).toBe('"ip";q=2;w=60');
    expect(first.headers.get("ratelimit")).toBe('"ip";r=1;t=30');
    const second = await callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } });
    expect(second.headers.get("ratelimit")).toBe('"ip";r=0;t=60');

    const refused = await callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(refused.headers.get("ratelimit-policy")).toBe('"ip";q=2;w=60');
    expect(refused.headers.get("ratelimit")).toBe('"ip";r=0;t=60');
    expect(refused.body).toMatchObject({ type: "https://edgeshop.dev/problems/throttled", status: 429, title: expect.any(String) });

    // Another client IP has its own bucket.
    expect((await callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": freshIp() } })).status).toBe(200);
  });

  it("lets exactly the quota through when a client sends many requests at once", async () => {
    const limits = { RATE_LIMIT_IP: "5/3600" };
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 15 }, () => callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(10);
  });

  it("refuses a throttled write before it does anything", async () => {
    const limits = { RATE_LIMIT_ADMIN_KEY: "1/3600" };
    const a = validProduct();
    const b = validProduct();
    expect((await callWith(limits, "POST", "/v1/products", { admin: true, body: a })).status).toBe(201);
    const refused = await callWith(limits, "POST", "/v1/products", { admin: true, body: b });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("ratelimit-policy")).toBe('"api-key";q=1;w=3600');
    const row = await env.DB.prepare("SELECT id FROM products WHERE slug = ?").bind(b.slug).first();
    expect(row).toBeNull();
    // The admin key's bucket is its own: anonymous callers from any IP are unaffected.
    expect((await callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": freshIp() } })).status).toBe(200);
    // Restore a generous bucket for the rest of this file (buckets persist per file).
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("rest:adminKey:bootstrap"));
    await stub.reset();
  });
});

describe("request body limits", () => {
  it("refuses JSON nested deeper than the limit before validation, writing nothing", async () => {
    let deep: unknown = "x";
    for (let i = 0; i < 20; i++) deep = { deep };
    const body = { ...validProduct(), attributes: deep };
    const res = await callWith({}, "POST", "/v1/products", { admin: true, body });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe("https://edgeshop.dev/problems/json-too-complex");
    expect(res.body.errors[0].pointer).toMatch(/^\/attributes(\/deep)+$/);
    expect(await env.DB.prepare("SELECT id FROM products WHERE slug = ?").bind(body.slug).first()).toBeNull();
  });

  it("refuses arrays longer than the limit", async () => {
    const body = { ...validProduct(), images: Array.from({ length: 20 }, (_, i) => `https://img.test/${i}.png`) };
    const res = await callWith({ JSON_MAX_ARRAY_LENGTH: "10" }, "POST", "/v1/products", { admin: true, body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ pointer: "/images", detail: "Has 20 items." });
  });

  it("takes its body size limit from configuration", async () => {
    const body = { ...validProduct(), description: "x".repeat(2000) };
    const res = await callWith({ MAX_BODY_BYTES: "1024" }, "POST", "/v1/products", { admin: true, body });
    expect(res.status).toBe(413);
    expect(res.body.type).toBe("https://edgeshop.dev/problems/payload-too-large");
  });

  it("limits GraphQL bodies with the same configured size (Yoga keeps no limit of its own)", async () => {
    const query = `{ categories { id } } # ${"x".repeat(2000)}`;
    const headers = { "cf-connecting-ip": freshIp() };
    const res = await callWith({ MAX_BODY_BYTES: "1024" }, "POST", "/graphql", { body: { query }, headers });
    expect(res.status).toBe(413);
    expect(res.body.type).toBe("https://edgeshop.dev/problems/payload-too-large");
    expect((await callWith({ MAX_BODY_BYTES: "4096" }, "POST", "/graphql", { body: { query }, headers })).status).toBe(200);
  });

  it("still refuses non-JSON bodies with 415", async () => {
    const res = await callWith({}, "POST", "/v1/products", { admin: true, body: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(415);
  });
});

describe("whose bucket a request takes from", () => {
  const request = new Request("http://edgeshop.test/", { headers: { "cf-connecting-ip": "203.0.113.7" } });

  it("uses the API key, else the customer, else the client IP", () => {
    expect(clientIdentity({ kind: "admin", keyId: "key_1" }, request)).toEqual({ kind: "adminKey", id: "key_1" });
    expect(clientIdentity({ kind: "customer", customerId: "cus_1" }, request)).toEqual({ kind: "customer", id: "cus_1" });
    expect(clientIdentity({ kind: "anonymous" }, request)).toEqual({ kind: "ip", id: "203.0.113.7" });
  });

  it("reads each policy from its var and falls back to the default on nonsense", () => {
    const limits = protectionLimits({ ...env, RATE_LIMIT_CUSTOMER: "10/5", RATE_LIMIT_IP: "lots", RATE_LIMIT_ADMIN_KEY: "0/0" });
    expect(limits.rest.customer).toMatchObject({ name: "customer", quota: 10, windowSeconds: 5, capacity: 10, refillPerSecond: 2 });
    expect(limits.rest.ip).toMatchObject({ quota: 300, windowSeconds: 60 });
    expect(limits.rest.adminKey).toMatchObject({ quota: 1200, windowSeconds: 60 });
  });
});

describe("when the rate limiter cannot be reached", () => {
  // A namespace whose objects always fail, as during a Durable Object outage.
  const brokenLimiter = {
    idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
    get: () => ({
      consume: () => Promise.reject(new Error("limiter down")),
      refund: () => Promise.reject(new Error("limiter down")),
      settle: () => Promise.reject(new Error("limiter down")),
    }),
  };

  it("serves REST requests without a limit (fails open) instead of failing them", async () => {
    const res = await callWith({ RATE_LIMITER: brokenLimiter }, "GET", "/v1/categories", { headers: { "cf-connecting-ip": freshIp() } });
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit")).toBeNull();
  });

  it("runs GraphQL queries and reports their cost with an unknown throttle status", async () => {
    const res = await callWith({ RATE_LIMITER: brokenLimiter, ENVIRONMENT: "production" }, "POST", "/graphql", { body: { query: "{ categories { id } }" } });
    expect(res.status).toBe(200);
    expect(res.body.data.categories).toEqual(expect.any(Array));
    expect(res.body.extensions.cost).toMatchObject({ requestedQueryCost: 10, throttleStatus: null });
  });
});
