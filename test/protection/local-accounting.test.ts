import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { actAsIsolate, forgetRateLimitMirrors, LOCAL_ACCOUNTING } from "../../src/modules/protection/rate-limiter";
import { callWith, freshIp, gqlWith } from "../support/protection-helpers";

// Local-first accounting (docs/protection.md): an isolate spends from its copy of a client's bucket and
// settles with the RateLimiterObject in the background. These tests count the calls that reach the
// object and check that what one isolate spent is what the next isolate (a forgotten mirror) sees.

/** The real RATE_LIMITER namespace, counting every call that reaches an object. */
function countingLimiter() {
  const calls: string[] = [];
  const ns = env.RATE_LIMITER;
  const limiter = {
    idFromName: (name: string) => ns.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = ns.get(id);
      return {
        consume: (...args: Parameters<typeof stub.consume>) => (calls.push("consume"), stub.consume(...args)),
        refund: (...args: Parameters<typeof stub.refund>) => (calls.push("refund"), stub.refund(...args)),
        settle: (...args: Parameters<typeof stub.settle>) => (calls.push("settle"), stub.settle(...args)),
      };
    },
  };
  return { limiter, calls };
}

const pastSettleInterval = () => new Promise((r) => setTimeout(r, LOCAL_ACCOUNTING.settleMs + 50));
const remainingOf = (res: { headers: Headers }) => Number(/r=(\d+)/.exec(res.headers.get("ratelimit") ?? "")?.[1]);

describe("REST limits, local-first", () => {
  it("asks the object once for a burst of reads, not once per read", async () => {
    const { limiter, calls } = countingLimiter();
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => callWith({ RATE_LIMITER: limiter, RATE_LIMIT_IP: "1000/60" }, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.length).toBeLessThanOrEqual(5); // one to learn the bucket, a few background settles on a slow machine
    // Every response still tells the client its budget.
    for (const r of results) expect(remainingOf(r)).toBeLessThan(1000);
  });

  it("settles what it spent, so another isolate sees the same bucket", async () => {
    const limits = { RATE_LIMIT_IP: "100/3600" };
    const ip = freshIp();
    const get = () => callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } });
    for (let i = 0; i < 4; i++) expect(remainingOf(await get())).toBe(99 - i); // the first asks the object, the rest are local
    await pastSettleInterval();
    expect(remainingOf(await get())).toBe(95); // spent locally; this one also settles all five in the background
    // A new isolate knows nothing locally: it asks the object, which has all five.
    forgetRateLimitMirrors();
    expect(remainingOf(await get())).toBe(94);
    await pastSettleInterval();
    expect(remainingOf(await get())).toBe(93); // and settles it in the background (callWith waits for that)
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`rest:ip:${ip}`));
    expect((await stub.consume({ capacity: 100, refillPerSecond: 100 / 3600 }, 0)).remaining).toBe(93);
  });

  it("refuses on a fresh answer even when another isolate did the spending", async () => {
    const limits = { RATE_LIMIT_IP: "3/3600" };
    const ip = freshIp();
    const get = () => callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    forgetRateLimitMirrors(); // "another isolate"
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("ratelimit")).toBe('"ip";r=0;t=3600');
  });
});

describe("REST limits across isolates and keys", () => {
  /** Round-robin requests over `isolates` simulated isolates (each with its own mirrors). */
  async function roundRobin(isolates: number, count: number, request: () => Promise<{ status: number; headers: Headers }>) {
    const results: { isolate: number; status: number; headers: Headers }[] = [];
    try {
      for (let i = 0; i < count; i++) {
        actAsIsolate(`isolate-${i % isolates}`);
        results.push({ isolate: i % isolates, ...(await request()) });
      }
    } finally {
      actAsIsolate("default");
    }
    return results;
  }

  it("admits at least the quota and at most the quota plus each isolate's unsettled share, then refuses everywhere", async () => {
    const capacity = 20;
    const isolates = 3;
    const share = Math.max(1, capacity * LOCAL_ACCOUNTING.maxUnsettledShare);
    const limits = { RATE_LIMIT_IP: `${capacity}/3600` };
    const ip = freshIp();
    const results = await roundRobin(isolates, 60, () => callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } }));
    const admitted = results.filter((r) => r.status === 200).length;
    expect(admitted).toBeGreaterThanOrEqual(capacity); // no isolate refuses what the bucket still holds
    expect(admitted).toBeLessThanOrEqual(capacity + isolates * share); // over-admission is bounded
    // Once every isolate has heard the empty bucket, all of them refuse, with the headers.
    const tail = results.slice(-3 * isolates);
    expect(tail.map((r) => r.status)).toEqual(tail.map(() => 429));
    for (const r of results.filter((r) => r.status === 429)) {
      expect(r.headers.get("ratelimit")).toMatch(/^"ip";r=0;t=\d+$/);
      expect(r.headers.get("ratelimit-policy")).toBe(`"ip";q=${capacity};w=3600`);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    // Every admitted request reaches the object in the end: over-admission is owed as debt, not forgotten.
    await pastSettleInterval();
    await roundRobin(isolates, isolates, () => callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } }));
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`rest:ip:${ip}`));
    const { tokens } = await stub.settle({ capacity, refillPerSecond: capacity / 3600 }, 0);
    expect(tokens).toBeCloseTo(capacity - admitted, 0);
  });

  it("keeps each client's bucket apart", async () => {
    const limits = { RATE_LIMIT_IP: "3/3600" };
    const [a, b] = [freshIp(), freshIp()];
    const get = (ip: string) => callWith(limits, "GET", "/v1/categories", { headers: { "cf-connecting-ip": ip } });
    for (let i = 0; i < 3; i++) expect((await get(a)).status).toBe(200);
    expect((await get(a)).status).toBe(429);
    const other = await get(b);
    expect(other.status).toBe(200);
    expect(other.headers.get("ratelimit")).toBe('"ip";r=2;t=1200');
  });
});

describe("GraphQL cost, local-first", () => {
  const PROD = { ENVIRONMENT: "production" };
  const query = `{ products(first: 5) { edges { node { id variants { sku } } } } }`;
  const cheap = `{ product(slug: "no-such-product") { id } }`; // requested = actual = 1

  it("charges without an object call per query and folds refunds into the next settle", async () => {
    const { limiter, calls } = countingLimiter();
    const limits = { ...PROD, RATE_LIMITER: limiter, GRAPHQL_COST_MAXIMUM: "100000", GRAPHQL_COST_RESTORE_RATE: "0.001" };
    const ip = freshIp();
    const costs = (await Promise.all(Array.from({ length: 8 }, () => gqlWith(limits, { query }, { ip })))).map((r) => r.body.extensions.cost);
    // One call to learn the bucket (maybe a background settle); no refund calls (a refund used to be a call of its own).
    expect(calls.filter((c) => c === "refund")).toHaveLength(0);
    expect(calls.length).toBeLessThanOrEqual(3);
    let spent = 0;
    for (const cost of costs) {
      expect(cost.requestedQueryCost).toBeGreaterThan(cost.actualQueryCost);
      spent += cost.actualQueryCost;
    }
    // The refunds wait in this isolate and travel with its next settle, here the one a cheap query
    // starts after the settle interval. A new isolate then sees the actual costs, not the requested ones.
    await pastSettleInterval();
    spent += (await gqlWith(limits, { query: cheap }, { ip })).body.extensions.cost.actualQueryCost;
    forgetRateLimitMirrors();
    const last = (await gqlWith(limits, { query: cheap }, { ip })).body.extensions.cost;
    spent += last.actualQueryCost;
    expect(last.requestedQueryCost).toBe(1);
    expect(last.throttleStatus.currentlyAvailable).toBe(100000 - spent);
  });
});
