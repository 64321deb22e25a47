import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { retryDelaySeconds } from "../../src/modules/events/consumer";
import { registerEventHandler } from "../../src/modules/events/handlers";
import type { EventMessage } from "../../src/modules/events/relay";
import { replayDeadLetter } from "../../src/modules/events/service";
import { call, gql } from "../support/helpers";
import { deliver, recordEvent } from "../support/events-helpers";

const QUEUE = "edgeshop-events";
const DLQ = "edgeshop-events-dlq";
const MAX_RETRIES = 8; // wrangler.toml [[queues.consumers]] max_retries

let unregister: (() => void)[] = [];
afterEach(() => {
  unregister.forEach((u) => u());
  unregister = [];
});

/** A module handler whose effect is counted, and that fails while `broken` is true. */
function countingHandler(name: string, types: EventMessage["type"][], options: { broken?: () => boolean; slowMs?: number } = {}) {
  const effects = new Map<string, number>();
  unregister.push(
    registerEventHandler({
      name,
      types,
      async handle(_env, event) {
        if (options.slowMs) await new Promise((r) => setTimeout(r, options.slowMs));
        if (options.broken?.()) throw new Error("downstream unavailable");
        effects.set(event.id, (effects.get(event.id) ?? 0) + 1);
      },
    }),
  );
  return effects;
}

describe("events queue consumer", () => {
  it("applies a handler once when a message is delivered twice, in sequence or concurrently", async () => {
    const effects = countingHandler("test.counter", ["customer.created"], { slowMs: 20 });
    const event = await recordEvent("customer.created", { id: "cus_dup", email: "d@example.com", createdAt: new Date().toISOString() });
    const concurrent = await Promise.all([1, 2, 3, 4].map((n) => deliver(QUEUE, [{ id: `c${n}`, body: event }])));
    // Whoever lost the race is retried (the run was still in progress), never applied twice.
    for (const r of concurrent) expect(r.explicitAcks.length + r.retryMessages.length).toBe(1);
    const later = await deliver(QUEUE, [{ id: "again", body: event, attempts: 2 }]);
    expect(later.explicitAcks).toEqual(["again"]);
    expect(effects.get(event.id)).toBe(1);
  });

  it("retries only the failing message, with exponential backoff, and acknowledges its healthy neighbours", async () => {
    countingHandler("test.flaky", ["order.placed"], { broken: () => true });
    const healthy = countingHandler("test.healthy", ["order.paid"]);
    const bad = await recordEvent("order.placed", { id: "ord_bad" });
    const good1 = await recordEvent("order.paid", { id: "ord_ok1" });
    const good2 = await recordEvent("order.paid", { id: "ord_ok2" });

    const result = await deliver(QUEUE, [
      { id: "good-1", body: good1 },
      { id: "bad", body: bad, attempts: 1 },
      { id: "good-2", body: good2 },
    ]);
    expect(result.ackAll).toBe(false);
    expect(result.retryBatch.retry).toBe(false);
    expect(result.explicitAcks.sort()).toEqual(["good-1", "good-2"]);
    expect(result.retryMessages).toEqual([{ msgId: "bad", delaySeconds: 30 }]);
    expect(healthy.get(good1.id)).toBe(1);

    const delays: number[] = [];
    for (let attempts = 1; attempts <= MAX_RETRIES; attempts++) {
      const r = await deliver(QUEUE, [{ id: "bad", body: bad, attempts }]);
      delays.push(r.retryMessages[0]!.delaySeconds!);
    }
    expect(delays).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600]);
    expect(delays.map((_d, i) => retryDelaySeconds(i + 1))).toEqual(delays);
  });

  it("records a dead-lettered message for admins, and a replay delivers it with nothing lost", async () => {
    let broken = true;
    const other = countingHandler("test.other", ["order.refunded"]);
    const effects = countingHandler("test.recovering", ["order.refunded"], { broken: () => broken });
    const event = await recordEvent("order.refunded", { id: "ord_dead" });
    const failed = await deliver(QUEUE, [{ id: "m", body: event, attempts: MAX_RETRIES + 1 }]);
    expect(failed.retryMessages).toHaveLength(1);
    // test.other ran before the failure and is recorded; it must not run again on replay.
    expect(other.get(event.id)).toBe(1);

    // The platform moves it to the DLQ after max_retries; the DLQ consumer records it (idempotently).
    const dlq = await deliver(DLQ, [{ id: "d1", body: event, attempts: 1 }]);
    expect(dlq.explicitAcks).toEqual(["d1"]);
    await deliver(DLQ, [{ id: "d1", body: event, attempts: 2 }]);
    const garbage = await deliver(DLQ, [{ id: "g1", body: "not an event" }]);
    expect(garbage.explicitAcks).toEqual(["g1"]);

    const rest = await call("GET", "/v1/dead-letters?status=dead", { admin: true });
    expect(rest.status).toBe(200);
    const dead = rest.body.data.find((d: any) => d.eventId === event.id);
    expect(dead).toMatchObject({ eventType: "order.refunded", status: "dead", body: event });
    expect(rest.body.data.filter((d: any) => d.eventId === event.id)).toHaveLength(1);
    expect(rest.body.data.some((d: any) => d.eventId === null && d.body === "not an event")).toBe(true);

    const viaGraphql = await gql(`{ deadLetters(first: 10, status: DEAD) { edges { node { id eventId eventType status deadCount body } } } }`, {}, { admin: true });
    const node = viaGraphql.data.deadLetters.edges.find((e: any) => e.node.eventId === event.id).node;
    expect(node).toMatchObject({ id: dead.id, status: "DEAD", eventType: "order.refunded" });
    expect(JSON.parse(node.body)).toEqual(event);

    // Replay (service with a recording queue, so the test sees what goes back on the queue).
    broken = false;
    const sent: unknown[] = [];
    const queue = { send: async (body: unknown) => void sent.push(body), sendBatch: async () => undefined } as unknown as Queue;
    const ctx = createServiceContext({ env: { ...env, EVENTS: queue }, actor: { kind: "admin", keyId: "t", scopes: ["events:write"] }, requestId: "req_test_replay" });
    const replayed = await replayDeadLetter(ctx, dead.id);
    expect(replayed.status).toBe("replayed");
    expect(sent).toEqual([event]);
    await expect(replayDeadLetter(ctx, dead.id)).rejects.toMatchObject({ code: "CONFLICT" });

    const redelivered = await deliver(QUEUE, [{ id: "replayed", body: sent[0] }]);
    expect(redelivered.explicitAcks).toEqual(["replayed"]);
    expect(effects.get(event.id)).toBe(1);
    expect(other.get(event.id)).toBe(1);
  });

  it("guards the dead-letter API: scopes, unknown ids, and already replayed letters", async () => {
    expect((await call("GET", "/v1/dead-letters")).status).toBe(401);
    expect((await call("POST", "/v1/dead-letters/dlq_nope/replay", { admin: true })).status).toBe(404);
    const bad = await call("GET", "/v1/dead-letters?status=zombie", { admin: true });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe("/status");
    const gqlDenied = await gql(`mutation { replayDeadLetter(id: "dlq_nope") { id } }`);
    expect(gqlDenied.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
  });
});
