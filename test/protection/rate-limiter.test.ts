import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { consumeRateLimit, type RateLimiterObject } from "../../src/modules/protection";

const policy = { capacity: 3, refillPerSecond: 1 };

describe("RateLimiterObject (token bucket)", () => {
  it("allows a burst up to capacity, then refuses with a retry time", async () => {
    const key = `test:${crypto.randomUUID()}`;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await consumeRateLimit(env, key, policy));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[2]!.remaining).toBe(0);
    expect(results[3]!.retryAfterMs).toBeGreaterThan(0);
    expect(results[3]!.retryAfterMs).toBeLessThanOrEqual(1000);
  });

  it("refills at its rate and never beyond capacity", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:${crypto.randomUUID()}`));
    await runInDurableObject(stub, (instance: RateLimiterObject) => {
      const t0 = 1_000_000;
      expect(instance.consume(policy, 3, t0).allowed).toBe(true);
      expect(instance.consume(policy, 1, t0).allowed).toBe(false);
      expect(instance.consume(policy, 1, t0 + 999).allowed).toBe(false);
      expect(instance.consume(policy, 1, t0 + 1000).allowed).toBe(true);
      // A long pause refills to capacity, not beyond.
      const after = instance.consume(policy, 0, t0 + 60_000);
      expect(after.remaining).toBe(3);
      expect(after.resetMs).toBe(0);
    });
  });

  it("is atomic under concurrent consumers: exactly capacity requests pass", async () => {
    const key = `test:${crypto.randomUUID()}`;
    const burst = { capacity: 10, refillPerSecond: 0.001 };
    const results = await Promise.all(Array.from({ length: 40 }, () => consumeRateLimit(env, key, burst)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it("refunds tokens and resets", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:${crypto.randomUUID()}`));
    await runInDurableObject(stub, (instance: RateLimiterObject) => {
      const t0 = 5_000_000;
      instance.consume(policy, 3, t0);
      expect(instance.refund(policy, 2, t0).remaining).toBe(2);
      instance.reset();
      expect(instance.consume(policy, 0, t0).remaining).toBe(3);
    });
  });
});
