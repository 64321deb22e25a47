import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS, type IdempotencyObject } from "../../src/modules/protection/idempotency-object";
import { canonicalJson } from "../../src/modules/protection/idempotency";

const fresh = () => env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(`test\n${crypto.randomUUID()}`));
const response = { status: 201, headers: { "content-type": "application/json" }, body: '{"ok":true}' };

describe("IdempotencyObject", () => {
  it("lets the first request run, answers 409-in-progress to a duplicate, then replays the stored response", async () => {
    await runInDurableObject(fresh(), async (key: IdempotencyObject) => {
      const now = Date.now();
      const first = await key.begin("fp-a", { now });
      expect(first).toEqual({ state: "started", attempt: expect.any(String) });
      expect(await key.begin("fp-a", { now: now + 1 })).toEqual({ state: "in_progress" });
      expect(await key.begin("fp-b", { now: now + 2 })).toEqual({ state: "mismatch" });
      key.complete("fp-a", response, (first as { attempt: string }).attempt);
      expect(await key.begin("fp-a")).toEqual({ state: "replay", response });
      expect(await key.begin("fp-b")).toEqual({ state: "mismatch" });
    });
  });

  it("makes a waiting duplicate replay the first response as soon as it completes", async () => {
    const stub = fresh();
    const first = await stub.begin("fp", {});
    expect(first.state).toBe("started");
    const waiting = stub.begin("fp", { waitMs: 5_000 });
    await stub.complete("fp", response, (first as { attempt: string }).attempt);
    expect(await waiting).toEqual({ state: "replay", response });
  });

  it("frees the key when the first request is abandoned (e.g. a 5xx) or its Worker died", async () => {
    await runInDurableObject(fresh(), async (key: IdempotencyObject) => {
      const now = Date.now();
      const first = (await key.begin("fp", { now })) as { attempt: string };
      key.abandon("fp", first.attempt);
      expect(await key.begin("fp", { now })).toMatchObject({ state: "started" });
      expect(await key.begin("fp", { now: now + 10 })).toEqual({ state: "in_progress" });
      expect(await key.begin("fp", { now: now + IDEMPOTENCY_LEASE_MS + 1 })).toMatchObject({ state: "started" });
    });
  });

  it("ignores a run whose lease was taken over: only the current attempt completes or abandons the key", async () => {
    await runInDurableObject(fresh(), async (key: IdempotencyObject) => {
      const now = Date.now();
      const slow = (await key.begin("fp", { now })) as { attempt: string };
      const retry = (await key.begin("fp", { now: now + IDEMPOTENCY_LEASE_MS + 1 })) as { attempt: string };
      expect(retry.attempt).not.toBe(slow.attempt);
      key.abandon("fp", slow.attempt); // the slow first run gives up late: the retry keeps the key
      key.complete("fp", { ...response, status: 409 }, slow.attempt); // nor can it store its answer
      expect(await key.begin("fp", { now: now + IDEMPOTENCY_LEASE_MS + 2 })).toEqual({ state: "in_progress" });
      key.complete("fp", response, retry.attempt);
      expect(await key.begin("fp")).toEqual({ state: "replay", response });
    });
  });

  it("forgets keys after 24 hours", async () => {
    const stub = fresh();
    await runInDurableObject(stub, async (key: IdempotencyObject) => {
      const now = Date.now();
      const first = (await key.begin("fp", { now })) as { attempt: string };
      key.complete("fp", response, first.attempt);
      expect(await key.begin("other", { now: now + IDEMPOTENCY_TTL_MS - 1 })).toEqual({ state: "mismatch" });
      expect(await key.begin("other", { now: now + IDEMPOTENCY_TTL_MS })).toMatchObject({ state: "started" });
    });
    // The alarm is set for the expiry; running it early keeps the key.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.begin("other", {})).toEqual({ state: "in_progress" });
  });

  it("fingerprints JSON payloads regardless of key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});
