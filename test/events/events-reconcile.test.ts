import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { MAX_EVENT_REDELIVERIES, redeliverUnhandledEvents } from "../../src/modules/events/reconcile";
import { publishPendingEvents } from "../../src/modules/events/relay";
import { replayEvent } from "../../src/modules/events/service";
import { deadLetters, eventHandlerRuns } from "../../src/modules/events/tables";
import { webhookDeliveries, webhookEndpoints } from "../../src/modules/webhooks/tables";
import { call, unique } from "../support/helpers";
import { db, deliver, eventRow, mockReceivers, recordEvent, recordingQueue } from "../support/events-helpers";

const QUEUE = "edgeshop-events";
const minutes = (n: number, from: Date) => new Date(from.getTime() + n * 60_000);

async function createEndpoint(eventTypes: string[]) {
  const url = `https://hooks.example.com/${unique("recv")}`;
  const res = await call("POST", "/v1/webhook-endpoints", { admin: true, body: { url, eventTypes } });
  expect(res.status).toBe(201);
  return { id: res.body.endpoint.id as string, url };
}

/** Record a product.created event and hand it to a queue that accepts it and then loses it. */
async function publishIntoTheVoid() {
  const event = await recordEvent("product.created", { id: unique("prod"), slug: unique("lost"), title: "Lost tee", status: "active" });
  const lost = recordingQueue();
  await publishPendingEvents({ DB: env.DB, EVENTS: lost.queue });
  const row = await eventRow(event.id);
  expect(row!.publishedAt).toBeTruthy();
  return { event, publishedAt: new Date(row!.publishedAt!) };
}

let receivers: ReturnType<typeof mockReceivers> | undefined;
afterEach(async () => {
  receivers?.restore();
  await db().update(webhookEndpoints).set({ status: "disabled" });
});

describe("end-to-end event reconciliation", () => {
  it("delivers the webhook of an event whose queue message was lost", async () => {
    receivers = mockReceivers();
    const endpoint = await createEndpoint(["product.created"]);
    const { event, publishedAt } = await publishIntoTheVoid();
    // The outbox says published, yet nothing ran: no handler, no delivery.
    expect((await eventRow(event.id))!.handledAt).toBeNull();
    expect(await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, event.id))).toEqual([]);

    // Within the grace period nothing is sent again (a queue takes seconds, a consumer may still be at it).
    const early = recordingQueue();
    await redeliverUnhandledEvents({ DB: env.DB, EVENTS: early.queue }, minutes(4, publishedAt));
    expect(early.sent.map((m) => m.id)).not.toContain(event.id);

    const again = recordingQueue();
    await redeliverUnhandledEvents({ DB: env.DB, EVENTS: again.queue }, minutes(6, publishedAt));
    const resent = again.sent.filter((m) => m.id === event.id);
    expect(resent).toHaveLength(1);
    expect((await eventRow(event.id))!.redeliveries).toBe(1);

    // The consumer gets the re-sent message: the receiver gets its signed webhook.
    const result = await deliver(QUEUE, [{ body: resent[0] }]);
    expect(result.retryMessages).toEqual([]);
    const got = receivers.received.filter((r) => r.url === endpoint.url);
    expect(got).toHaveLength(1);
    expect(got[0]!.headers["webhook-id"]).toBe(event.id);
    const handled = (await eventRow(event.id))!;
    expect(handled.handledAt).toBeTruthy();
    expect(handled.redeliverAt).toBeNull();

    // Handled: never sent again.
    const later = recordingQueue();
    await redeliverUnhandledEvents({ DB: env.DB, EVENTS: later.queue }, minutes(120, publishedAt));
    expect(later.sent.map((m) => m.id)).not.toContain(event.id);
  });

  it("sends again a bounded number of times, once per round even when crons overlap, then dead-letters the event", async () => {
    const { event, publishedAt } = await publishIntoTheVoid();
    const sentAt: number[] = [];
    for (const offset of [5, 10, 20, 40, 80]) {
      const a = recordingQueue();
      const b = recordingQueue();
      const now = minutes(offset + 0.5, publishedAt);
      await Promise.all([redeliverUnhandledEvents({ DB: env.DB, EVENTS: a.queue }, now), redeliverUnhandledEvents({ DB: env.DB, EVENTS: b.queue }, now)]);
      const copies = [...a.sent, ...b.sent].filter((m) => m.id === event.id).length;
      expect(copies, `round at +${offset} min`).toBeLessThanOrEqual(1);
      if (copies === 1) sentAt.push(offset);
    }
    expect(sentAt).toEqual([5, 10, 20]);
    expect(MAX_EVENT_REDELIVERIES).toBe(3);
    const row = (await eventRow(event.id))!;
    expect(row).toMatchObject({ redeliveries: 3, redeliverAt: null, handledAt: null });
    const dead = await db().select().from(deadLetters).where(eq(deadLetters.eventId, event.id));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ status: "dead", eventType: "product.created", attempts: 3 });
    // An admin can replay it from the dead letters like any other.
    expect((await call("POST", `/v1/dead-letters/${dead[0]!.id}/replay`, { admin: true })).status).toBe(202);
  });
});

describe("admin: replay an event to its handlers and to endpoints", () => {
  it("runs only the named handlers again; webhook fan-out then reaches an endpoint that never got the event", async () => {
    receivers = mockReceivers();
    const event = await recordEvent("product.created", { id: unique("prod"), slug: unique("replay"), title: "Replay tee", status: "active" });
    await deliver(QUEUE, [{ body: event }]);
    const runs = async () =>
      (await db().select().from(eventHandlerRuns).where(eq(eventHandlerRuns.eventId, event.id))).map((r) => `${r.handler}:${r.status}`).sort();
    const before = await runs();
    expect(before).toContain("webhooks.fan-out:done");
    expect(before.length).toBeGreaterThan(1);

    // An endpoint registered later: fan-out never saw it, and there is no delivery to redeliver.
    const late = await createEndpoint(["product.created"]);
    const queue = recordingQueue();
    const admin = createServiceContext({ env: { ...env, EVENTS: queue.queue }, actor: { kind: "admin", keyId: "test", scopes: ["admin:*"] }, requestId: "t" });
    const replay = await replayEvent(admin, event.id, { handlers: ["webhooks.fan-out"] });
    expect(replay.handlers).toEqual(["webhooks.fan-out"]);
    expect(replay.event.handledAt).toBeNull();
    expect(queue.sent.map((m) => m.id)).toEqual([event.id]);
    // Only fan-out's record was cleared; the other handlers keep theirs and are skipped.
    expect(await runs()).toEqual(before.filter((r) => r !== "webhooks.fan-out:done"));

    await deliver(QUEUE, [{ body: queue.sent[0] }]);
    expect(receivers.received.filter((r) => r.url === late.url).map((r) => r.headers["webhook-id"])).toEqual([event.id]);
    expect(await runs()).toEqual(before);
    expect((await eventRow(event.id))!.handledAt).toBeTruthy();
  });

  it("replays over REST and GraphQL with validation and scopes", async () => {
    const event = await recordEvent("product.updated", { id: unique("prod"), changed: ["title"] });
    const unknown = await call("POST", `/v1/events/${event.id}/replay`, { admin: true, body: { handlers: ["webhooks.fan-out", "no.such-handler"] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: "/handlers/1" })]);
    expect((await call("POST", "/v1/events/evt_missing/replay", { admin: true })).status).toBe(404);
    expect((await call("POST", `/v1/events/${event.id}/replay`)).status).toBe(401);
    const ok = await call("POST", `/v1/events/${event.id}/replay`, { admin: true });
    expect(ok.status).toBe(202);
    expect(ok.body.handlers).toEqual(expect.arrayContaining(["webhooks.fan-out"]));
    expect(ok.body.event.id).toBe(event.id);
    const gql = await call("POST", "/graphql", {
      admin: true,
      body: { query: `mutation($id: ID!) { replayEvent(id: $id, handlers: ["webhooks.fan-out"]) { handlers event { id handledAt } } }`, variables: { id: event.id } },
    });
    expect(gql.body.data.replayEvent).toEqual({ handlers: ["webhooks.fan-out"], event: { id: event.id, handledAt: null } });
  });

  it("sends one event to one endpoint whether or not a delivery exists, over REST and GraphQL", async () => {
    receivers = mockReceivers();
    const endpoint = await createEndpoint(["order.paid"]);
    // Not subscribed to product.deleted, and the event never went through fan-out: no delivery row.
    const event = await recordEvent("product.deleted", { id: unique("prod"), slug: unique("gone") });
    const res = await call("POST", `/v1/webhook-endpoints/${endpoint.id}/replay`, { admin: true, body: { eventId: event.id } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ endpointId: endpoint.id, eventId: event.id, status: "pending" });
    const sent = async () => {
      for (let i = 0; i < 50 && receivers!.received.filter((r) => r.url === endpoint.url).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      return receivers!.received.filter((r) => r.url === endpoint.url).map((r) => r.headers["webhook-id"]);
    };
    expect(await sent()).toEqual([event.id]);
    const delivery = () => db().select().from(webhookDeliveries).where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.eventId, event.id))).get();
    await expect.poll(async () => (await delivery())?.status).toBe("succeeded");

    // Again over GraphQL: the same delivery is re-armed and sent a second time.
    const gql = await call("POST", "/graphql", {
      admin: true,
      body: { query: `mutation($e: ID!, $v: ID!) { replayEventToWebhookEndpoint(endpointId: $e, eventId: $v) { id status } }`, variables: { e: endpoint.id, v: event.id } },
    });
    expect(gql.body.data.replayEventToWebhookEndpoint).toMatchObject({ id: (await delivery())!.id, status: "PENDING" });
    await expect.poll(async () => receivers!.received.filter((r) => r.url === endpoint.url).length).toBe(2);

    const missing = await call("POST", `/v1/webhook-endpoints/${endpoint.id}/replay`, { admin: true, body: { eventId: "evt_nope" } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].pointer).toBe("/eventId");
  });
});
