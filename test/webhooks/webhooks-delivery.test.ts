import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { attemptDelivery, sweepDueDeliveries } from "../../src/modules/webhooks/delivery";
import { RETRY_DELAYS_SECONDS } from "../../src/modules/webhooks/schedule";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../src/modules/webhooks/tables";
import { call, unique } from "../support/helpers";
import { db, deliver, mockReceivers, recordEvent } from "../support/events-helpers";

const QUEUE = "edgeshop-events";

async function createEndpoint(eventTypes: string[] = ["*"]) {
  const url = `https://hooks.example.com/${unique("recv")}`;
  const res = await call("POST", "/v1/webhook-endpoints", { admin: true, body: { url, eventTypes, description: "test receiver" } });
  expect(res.status).toBe(201);
  return { id: res.body.endpoint.id as string, secret: res.body.secret as string, url };
}

async function deliveriesOf(endpointId: string) {
  return db().select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
}
async function endpoint(id: string) {
  return (await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get())!;
}
async function attemptsOf(deliveryId: string) {
  return db().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)).orderBy(webhookAttempts.createdAt);
}

let receivers: ReturnType<typeof mockReceivers> | undefined;
afterEach(async () => {
  receivers?.restore();
  vi.useRealTimers();
  // Each test talks to its own endpoints only.
  await db().update(webhookEndpoints).set({ status: "disabled" });
});

describe("webhook deliveries", () => {
  it("signs deliveries the official standardwebhooks library verifies, and rejects a wrong secret or stale timestamp", async () => {
    receivers = mockReceivers();
    const ep = await createEndpoint(["product.created"]);
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const event = await recordEvent("product.created", { id: "prod_x", slug: "tee", title: "Tee", status: "active" });

    const result = await deliver(QUEUE, [{ id: "m1", body: event }]);
    expect(result.explicitAcks).toEqual(["m1"]);
    const mine = receivers.received.filter((r) => r.url === ep.url);
    expect(mine).toHaveLength(1);
    const request = mine[0]!;
    expect(request.headers["webhook-id"]).toBe(event.id);
    expect(request.headers["content-type"]).toBe("application/json");

    const verified = new Webhook(ep.secret).verify(request.body, request.headers) as Record<string, unknown>;
    expect(verified).toEqual({ type: "product.created", timestamp: event.payload.timestamp, data: { id: "prod_x", slug: "tee", title: "Tee", status: "active" } });

    const otherSecret = (await createEndpoint()).secret;
    expect(() => new Webhook(otherSecret).verify(request.body, request.headers)).toThrow(/signature/i);
    expect(() => new Webhook(ep.secret).verify(request.body.replace("Tee", "Tea"), request.headers)).toThrow(/signature/i);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    expect(() => new Webhook(ep.secret).verify(request.body, request.headers)).toThrow(/too old/i);

    const [delivery] = await deliveriesOf(ep.id);
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 200 });
    const [attempt] = await attemptsOf(delivery!.id);
    expect(attempt).toMatchObject({ statusCode: 200, outcome: "succeeded", responseExcerpt: "ok", requestId: request.headers["x-request-id"] });
    expect(attempt!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("signs with both secrets during a rotation overlap, and only the new one afterwards", async () => {
    receivers = mockReceivers();
    const ep = await createEndpoint(["product.updated"]);
    const rotated = await call("POST", `/v1/webhook-endpoints/${ep.id}/rotate-secret`, { admin: true, body: { overlapSeconds: 3600 } });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(ep.secret);
    expect(rotated.body.endpoint.previousSecretExpiresAt).toBeTruthy();

    await deliver(QUEUE, [{ body: await recordEvent("product.updated", { id: "prod_r", changed: ["title"] }) }]);
    const during = receivers.received.filter((r) => r.url === ep.url).at(-1)!;
    expect(during.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(newSecret).verify(during.body, during.headers)).toBeTruthy();
    expect(new Webhook(ep.secret).verify(during.body, during.headers)).toBeTruthy();

    const noOverlap = await call("POST", `/v1/webhook-endpoints/${ep.id}/rotate-secret`, { admin: true, body: { overlapSeconds: 0 } });
    await deliver(QUEUE, [{ body: await recordEvent("product.updated", { id: "prod_r", changed: ["slug"] }) }]);
    const after = receivers.received.filter((r) => r.url === ep.url).at(-1)!;
    expect(after.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(new Webhook(noOverlap.body.secret).verify(after.body, after.headers)).toBeTruthy();
    expect(() => new Webhook(newSecret).verify(after.body, after.headers)).toThrow();
  });

  it("has one effect when the same message arrives twice, in sequence or at once", async () => {
    receivers = mockReceivers();
    const ep = await createEndpoint(["customer.created"]);
    const event = await recordEvent("customer.created", { id: "cus_1", email: "a@example.com", createdAt: new Date().toISOString() });
    const first = await deliver(QUEUE, [{ id: "dup-1", body: event }]);
    const again = await deliver(QUEUE, [{ id: "dup-2", body: event, attempts: 2 }]);
    const concurrent = await Promise.all([1, 2, 3].map((n) => deliver(QUEUE, [{ id: `dup-c${n}`, body: event }])));
    expect([first, again, ...concurrent].every((r) => r.explicitAcks.length === 1 && r.retryMessages.length === 0)).toBe(true);
    expect(receivers.received.filter((r) => r.url === ep.url)).toHaveLength(1);
    expect(await deliveriesOf(ep.id)).toHaveLength(1);
  });

  it("retries a failing endpoint on the schedule, then gives up and disables the endpoint with a reason", async () => {
    receivers = mockReceivers(() => new Response("upstream down", { status: 503 }));
    const ep = await createEndpoint(["order.paid"]);
    await deliver(QUEUE, [{ body: await recordEvent("order.paid", { id: "ord_1" }) }]);
    let [delivery] = await deliveriesOf(ep.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 503 });

    const times: number[] = [Date.parse(delivery!.updatedAt)];
    for (let step = 0; step < RETRY_DELAYS_SECONDS.length; step++) {
      const due = new Date(delivery!.nextAttemptAt!);
      const gap = (due.getTime() - times.at(-1)!) / 1000;
      expect(gap).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS[step]! * 0.8);
      expect(gap).toBeLessThanOrEqual(RETRY_DELAYS_SECONDS[step]! * 1.2);
      // Not before it is due…
      expect((await sweepDueDeliveries(env, new Date(due.getTime() - 1000))).retry).toBe(0);
      // …and exactly once when it is.
      await sweepDueDeliveries(env, due);
      times.push(due.getTime());
      [delivery] = await deliveriesOf(ep.id);
    }
    const total = (times.at(-1)! - times[0]!) / 3600_000;
    expect(total).toBeGreaterThan(20);
    expect(total).toBeLessThan(34);
    expect(delivery).toMatchObject({ status: "failed", attempts: 8, nextAttemptAt: null });
    expect(delivery!.lastError).toMatch(/Retries exhausted; last: HTTP 503/);
    expect(await attemptsOf(delivery!.id)).toHaveLength(8);
    expect(receivers.received.filter((r) => r.url === ep.url)).toHaveLength(8);

    const after = await endpoint(ep.id);
    expect(after.status).toBe("disabled");
    expect(after.disabledReason).toMatch(/Every attempt failed since .* \(\d+ attempts; last: HTTP 503\)/);
    expect(after.consecutiveFailures).toBe(8);
  });

  it("disables the endpoint when a delivery gives up, even if its jittered schedule ended before the window", async () => {
    // A window longer than any schedule (48 h against 22–33 h): only the "gave up" rule can disable.
    const longWindow = { ...env, WEBHOOK_DISABLE_AFTER_HOURS: "48" };
    receivers = mockReceivers(() => new Response("upstream down", { status: 502 }));
    const ep = await createEndpoint(["order.paid"]);
    await deliver(QUEUE, [{ body: await recordEvent("order.paid", { id: "ord_window" }) }]);
    let [delivery] = await deliveriesOf(ep.id);
    for (let step = 0; step < RETRY_DELAYS_SECONDS.length; step++) {
      expect(await endpoint(ep.id)).toMatchObject({ status: "enabled" });
      await sweepDueDeliveries(longWindow, new Date(delivery!.nextAttemptAt!));
      [delivery] = await deliveriesOf(ep.id);
    }
    expect(delivery).toMatchObject({ status: "failed", attempts: 8 });
    expect(await endpoint(ep.id)).toMatchObject({ status: "disabled", consecutiveFailures: 8 });
    expect((await endpoint(ep.id)).disabledReason).toMatch(/Every attempt failed since .* \(8 attempts; last: HTTP 502\)/);
  });

  it("keeps the endpoint enabled when a delivery gives up but the endpoint answered another one in between", async () => {
    const longWindow = { ...env, WEBHOOK_DISABLE_AFTER_HOURS: "48" };
    let healthy = false;
    receivers = mockReceivers(() => (healthy ? new Response(null, { status: 204 }) : new Response("upstream down", { status: 503 })));
    const ep = await createEndpoint(["order.paid", "order.cancelled"]);
    await deliver(QUEUE, [{ body: await recordEvent("order.paid", { id: "ord_between" }) }]);
    // Another event gets through after the first delivery's first attempt: the streak restarts.
    healthy = true;
    await deliver(QUEUE, [{ body: await recordEvent("order.cancelled", { id: "ord_between" }) }]);
    healthy = false;
    let failing = (await deliveriesOf(ep.id)).find((d) => d.status === "pending")!;
    for (let step = 0; step < RETRY_DELAYS_SECONDS.length; step++) {
      await sweepDueDeliveries(longWindow, new Date(failing.nextAttemptAt!));
      failing = (await deliveriesOf(ep.id)).find((d) => d.id === failing.id)!;
    }
    expect(failing).toMatchObject({ status: "failed", attempts: 8 });
    expect(await endpoint(ep.id)).toMatchObject({ status: "enabled", consecutiveFailures: 7 });
  });

  it("disables an endpoint at once when it answers 410 Gone, and sends it nothing more", async () => {
    receivers = mockReceivers(() => new Response("gone", { status: 410 }));
    const ep = await createEndpoint(["order.cancelled"]);
    await deliver(QUEUE, [{ body: await recordEvent("order.cancelled", { id: "ord_2" }) }]);
    const [delivery] = await deliveriesOf(ep.id);
    expect(delivery).toMatchObject({ status: "failed", lastStatusCode: 410, nextAttemptAt: null });
    expect(await endpoint(ep.id)).toMatchObject({ status: "disabled", disabledReason: "The endpoint answered 410 Gone." });

    await deliver(QUEUE, [{ body: await recordEvent("order.cancelled", { id: "ord_3" }) }]);
    expect(await deliveriesOf(ep.id)).toHaveLength(1);
    expect(receivers.received.filter((r) => r.url === ep.url)).toHaveLength(1);
  });

  it("honours Retry-After when it asks for longer than the schedule", async () => {
    receivers = mockReceivers(() => new Response("slow down", { status: 429, headers: { "retry-after": "3600" } }));
    const ep = await createEndpoint(["order.fulfilled"]);
    await deliver(QUEUE, [{ body: await recordEvent("order.fulfilled", { id: "ord_4" }) }]);
    const [delivery] = await deliveriesOf(ep.id);
    const wait = (Date.parse(delivery!.nextAttemptAt!) - Date.parse(delivery!.updatedAt)) / 1000;
    expect(delivery!.status).toBe("pending");
    expect(wait).toBe(3600);
  });

  it("retries network errors and timeouts, and does not retry other 4xx answers", async () => {
    const ep = await createEndpoint(["order.refunded"]);
    receivers = mockReceivers(() => {
      throw new TypeError("connection refused");
    });
    await deliver(QUEUE, [{ body: await recordEvent("order.refunded", { id: "ord_5" }) }]);
    let [delivery] = await deliveriesOf(ep.id);
    expect(delivery).toMatchObject({ status: "pending", lastStatusCode: null });
    expect(delivery!.lastError).toMatch(/Network error: connection refused/);

    // A receiver that never answers: cut off by the per-attempt timeout.
    receivers.reply((r) => new Promise((_resolve, reject) => r.signal?.addEventListener("abort", () => reject(r.signal!.reason))));
    await attemptDelivery({ ...env, WEBHOOK_TIMEOUT_MS: "50" }, delivery!.id, new Date(delivery!.nextAttemptAt!));
    [delivery] = await deliveriesOf(ep.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 2 });
    expect(delivery!.lastError).toBe("Timed out after 50 ms.");

    receivers.reply(() => new Response("x".repeat(5000), { status: 400 }));
    await attemptDelivery(env, delivery!.id, new Date(delivery!.nextAttemptAt!));
    [delivery] = await deliveriesOf(ep.id);
    expect(delivery).toMatchObject({ status: "failed", attempts: 3, lastStatusCode: 400, lastError: "HTTP 400", nextAttemptAt: null });
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.map((a) => a.outcome)).toEqual(["retry", "retry", "failed"]);
    expect(attempts[2]!.responseExcerpt).toHaveLength(1024);
  });

  it("refuses private targets at send time unless the development flag allows them", async () => {
    receivers = mockReceivers();
    const ep = await createEndpoint(["inventory.low"]);
    // The stored URL went bad (e.g. an old row, or the policy got stricter): checked again before sending.
    await db().update(webhookEndpoints).set({ url: "https://169.254.169.254/latest/meta-data" }).where(eq(webhookEndpoints.id, ep.id));
    await deliver(QUEUE, [{ body: await recordEvent("inventory.low", { sku: "SKU-1", available: 3, onHand: 3 }) }]);
    const [delivery] = await deliveriesOf(ep.id);
    expect(delivery!.status).toBe("failed");
    expect(delivery!.lastError).toMatch(/URL refused by the outbound policy: .*link-local/);
    expect(receivers.received.filter((r) => r.url.includes("169.254"))).toHaveLength(0);

    const dev = { ...env, WEBHOOKS_ALLOW_PRIVATE_URLS: "true" };
    await db().update(webhookEndpoints).set({ url: "http://127.0.0.1:9/hook" }).where(eq(webhookEndpoints.id, ep.id));
    await db().update(webhookDeliveries).set({ status: "pending", nextAttemptAt: new Date().toISOString() }).where(eq(webhookDeliveries.id, delivery!.id));
    expect(await attemptDelivery(dev, delivery!.id)).toBe("succeeded");
    expect(receivers.received.at(-1)!.url).toBe("http://127.0.0.1:9/hook");
  });
});
