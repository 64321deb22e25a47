import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { publishPendingEvents } from "../../src/modules/events/relay";
import { call } from "../support/helpers";
import { deliver, eventRow, recordEvent, recordingQueue } from "../support/events-helpers";

describe("outbox relay", () => {
  it("publishes a product.created event right after the HTTP write, without delaying the response", async () => {
    const res = await call("POST", "/v1/products", { admin: true, body: { title: "Relay tee", slug: `relay-tee-${Date.now()}` } });
    expect(res.status).toBe(201);
    const feed = await call("GET", "/v1/events?types=product.created", { admin: true });
    const event = feed.body.data.find((e: any) => e.resource.id === res.body.id);
    expect(event).toMatchObject({ type: "product.created", sequence: 1, data: { id: res.body.id, title: "Relay tee" } });
    // waitUntil work finishes after the response: poll for the relay's mark.
    let row = await eventRow(event.id);
    for (let i = 0; i < 50 && !row?.publishedAt; i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = await eventRow(event.id);
    }
    expect(row!.publishedAt).toBeTruthy();
  });

  it("never sends an event twice when several relays run at once", async () => {
    const mine = await Promise.all(Array.from({ length: 30 }, (_, i) => recordEvent("inventory.low", { sku: `SKU-${i}`, available: 2, onHand: 2 })));
    const { queue, sent } = recordingQueue();
    await Promise.all(Array.from({ length: 6 }, () => publishPendingEvents({ DB: env.DB, EVENTS: queue })));
    const ids = sent.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of mine) expect(ids).toContain(e.id);
    for (const e of mine) expect((await eventRow(e.id))!.publishedAt).toBeTruthy();
  });

  it("leaves events in the outbox when the queue send fails, and the cron sweeper delivers them", async () => {
    const event = await recordEvent("order.placed", { id: "ord_sweep", lines: [] });
    const outage = recordingQueue({ fail: true });
    const result = await publishPendingEvents({ DB: env.DB, EVENTS: outage.queue });
    expect(result.failed).toBeGreaterThanOrEqual(1);
    const after = await eventRow(event.id);
    expect(after).toMatchObject({ publishedAt: null, relayLeaseUntil: null });

    const healthy = recordingQueue();
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: "* * * * *" }), { ...env, EVENTS: healthy.queue }, ctx);
    await waitOnExecutionContext(ctx);
    const message = healthy.sent.find((m) => m.id === event.id);
    expect(message).toMatchObject({ type: "order.placed", resource: { type: "order" }, payload: { type: "order.placed", data: { id: "ord_sweep" } } });
    expect((await eventRow(event.id))!.publishedAt).toBeTruthy();

    // …and the consumer accepts what the sweeper sent.
    const consumed = await deliver("edgeshop-events", [{ id: "swept", body: message }]);
    expect(consumed.explicitAcks).toEqual(["swept"]);
  });

  it("numbers events per resource and orders the pull feed by commit", async () => {
    const resource = { type: "order", id: `ord_seq_${Date.now()}` };
    const a = await recordEvent("order.placed", { id: resource.id }, resource);
    const b = await recordEvent("order.paid", { id: resource.id }, resource);
    const c = await recordEvent("order.fulfilled", { id: resource.id }, resource);
    expect([a.sequence, b.sequence, c.sequence]).toEqual([1, 2, 3]);
    expect(b.position! > a.position! && c.position! > b.position!).toBe(true);
  });
});
