// Issue 10's acceptance test: an order paid through Stripe (the fake), a signed webhook, a partial
// capture, two concurrent partial refunds that cannot over-refund, a fulfilment in two parts with
// tracking, a return whose units come back to stock exactly once, and the right emails.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toMessage } from "../../src/modules/events/relay";
const EVENTS_QUEUE = "edgeshop-events";
import { deliver } from "../support/events-helpers";
import { FakeStripe } from "../support/fake-stripe";
import { createVariant, guestCart, level } from "../support/fixtures";
import { callWith, deliverStripeEvent, installFakeStripe, STRIPE_BASE, stripeEnv } from "../support/stripe-helpers";

let stripe: ReturnType<typeof installFakeStripe>;
beforeEach(() => {
  stripe = installFakeStripe(new FakeStripe());
});
afterEach(() => stripe.restore());

const E = stripeEnv();
const key = () => crypto.randomUUID();
const admin = (method: string, path: string, body?: unknown, idempotencyKey: string | null = key()) =>
  callWith(E, method, path, { admin: true, ...(body !== undefined && { body }), headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {} });

/** What Stripe.js `confirmPayment` does in the browser: a call to Stripe with the client secret's PaymentIntent. */
async function confirmInBrowser(fake: FakeStripe, pi: string, paymentMethod = "pm_card_visa") {
  const res = await fake.handle(
    new Request(`${STRIPE_BASE}/v1/payment_intents/${pi}/confirm`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_fake", "content-type": "application/x-www-form-urlencoded" },
      body: `payment_method=${paymentMethod}`,
    }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function orderState(orderId: string): Promise<Record<string, any>> {
  const row = await env.DB.prepare("SELECT status, payment_status, fulfillment_status, version FROM orders WHERE id = ?").bind(orderId).first<Record<string, unknown>>();
  const ops = await env.DB.prepare("SELECT count(*) AS n FROM payment_operations WHERE order_id = ?").bind(orderId).first<{ n: number }>();
  const attempt = await env.DB.prepare("SELECT status, amount_authorized, amount_captured, amount_refunded, refund_pending FROM payment_attempts WHERE order_id = ?").bind(orderId).first();
  return { ...(row as Record<string, unknown>), operations: ops!.n, attempt };
}

export async function placeStripeOrder(quantity = 3, price = 2500, stock = 10, bindings: object = E) {
  const variant = await createVariant(price, stock);
  const cart = await guestCart([{ variantId: variant.id, quantity }]);
  const placed = await callWith(bindings, "POST", `/v1/carts/${cart.id}/checkout`, { body: {}, headers: { "x-cart-token": cart.token, "idempotency-key": key() } });
  expect(placed.status, placed.text).toBe(201);
  return { variant, order: placed.body.order, orderToken: placed.body.orderToken as string };
}

describe("payments and after-sale: the issue's acceptance path", () => {
  it("pays through Stripe, captures partially, refunds concurrently without over-refunding, fulfils in two parts, restocks a return once, and emails", async () => {
    const { fake } = stripe;
    const { variant, order, orderToken } = await placeStripeOrder();
    // 3 x 25.00 + DE shipping 4.90, 19% tax on both: 75.00 + 4.90 + 15.18 = 95.08
    expect(order.totals.total).toEqual({ amount: 9508, currency: "EUR" });
    expect(order).toMatchObject({ paymentProvider: "stripe", status: "placed", paymentStatus: "pending", fulfillmentStatus: "unfulfilled", amountDue: { amount: 9508 } });
    const [attempt] = order.paymentAttempts;
    expect(attempt).toMatchObject({ provider: "stripe", status: "pending", captureMethod: "manual", amount: { amount: 9508, currency: "EUR" } });
    expect(attempt.providerReference).toMatch(/^pi_/);
    expect(attempt.clientSecret).toMatch(new RegExp(`^${attempt.providerReference}_secret_`));
    const pi = attempt.providerReference as string;
    const created = fake.requests.find((r) => r.path === "/v1/payment_intents")!;
    expect(created.body).toMatchObject({ amount: "9508", currency: "eur", capture_method: "manual", metadata: { order_id: order.id } });
    // Admins do not get the client secret; the guest does (GraphQL too).
    expect((await callWith(E, "GET", `/v1/orders/${order.id}`, { admin: true })).body.paymentAttempts[0].clientSecret).toBeNull();
    const gqlRead = await callWith(E, "POST", "/graphql", {
      body: { query: `{ order(id: "${order.id}") { paymentStatus paymentAttempts { status clientSecret } } }` },
      headers: { "x-order-token": orderToken },
    });
    expect(gqlRead.body.data.order).toEqual({ paymentStatus: "PENDING", paymentAttempts: [{ status: "pending", clientSecret: attempt.clientSecret }] });

    // The storefront confirms; Stripe (the fake) authorises and sends a webhook.
    expect((await confirmInBrowser(fake, pi)).body.status).toBe("requires_capture");
    const [authorised] = fake.eventsOf("payment_intent.amount_capturable_updated", pi);
    const untouched = await orderState(order.id);

    // A bad signature, an old signature and an unsigned delivery change nothing.
    expect((await deliverStripeEvent(E, authorised!, { secret: "whsec_someone_else" })).status).toBe(400);
    expect((await deliverStripeEvent(E, authorised!, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(400);
    expect((await deliverStripeEvent(E, authorised!, { signature: "t=1,v1=00" })).status).toBe(400);
    expect(await orderState(order.id)).toEqual(untouched);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM payment_provider_events WHERE id = ?").bind(authorised!.id).first("n")).toBe(0);

    const received = await deliverStripeEvent(E, authorised!);
    expect(received.status, received.text).toBe(200);
    expect(received.body).toEqual({ received: true, outcome: "processed" });
    const authorisedState = await orderState(order.id);
    expect(authorisedState).toMatchObject({ status: "placed", payment_status: "authorized", attempt: { status: "authorized", amount_authorized: 9508 } });
    // The same event again, even twice at once: nothing changes.
    const replays = await Promise.all([deliverStripeEvent(E, authorised!), deliverStripeEvent(E, authorised!)]);
    expect(replays.map((r) => r.body.outcome)).toEqual(["duplicate", "duplicate"]);
    expect(await orderState(order.id)).toEqual(authorisedState);

    // Partial capture: 70.00 of 95.08; the admin's Idempotency-Key goes on to Stripe.
    const captureKey = key();
    expect((await admin("POST", `/v1/orders/${order.id}/capture`, { amount: 9509 })).status).toBe(400);
    const captured = await admin("POST", `/v1/orders/${order.id}/capture`, { amount: 7000 }, captureKey);
    expect(captured.status, captured.text).toBe(200);
    expect(captured.body).toMatchObject({ status: "paid", paymentStatus: "partially_paid" });
    expect(captured.body.paymentAttempts[0]).toMatchObject({ status: "succeeded", captured: { amount: 7000 }, authorized: { amount: 0 } });
    const captureCall = fake.requests.filter((r) => r.path.endsWith("/capture"));
    expect(captureCall.map((r) => r.idempotencyKey)).toEqual([`edgeshop:capture:${order.id}:${captureKey}`]);
    expect((await admin("POST", `/v1/orders/${order.id}/capture`)).status).toBe(409);
    // Stripe's payment_intent.succeeded for that capture is recorded already: nothing new.
    const opsAfterCapture = (await orderState(order.id)).operations;
    expect((await deliverStripeEvent(E, fake.eventsOf("payment_intent.succeeded", pi)[0]!)).status).toBe(200);
    expect((await orderState(order.id)).operations).toBe(opsAfterCapture);

    // Two concurrent partial refunds of 40.00 each: only 70.00 was captured, so exactly one passes,
    // and the other never reaches Stripe.
    const keys = [key(), key()];
    const refunds = await Promise.all(keys.map((k) => admin("POST", `/v1/orders/${order.id}/refunds`, { amount: 4000, reason: "damaged" }, k)));
    expect(refunds.map((r) => r.status).sort()).toEqual([201, 409]);
    const won = refunds.findIndex((r) => r.status === 201);
    expect(refunds[1 - won]!.body).toMatchObject({ type: "https://edgeshop.dev/problems/conflict", refundable: 3000 });
    const refundCalls = fake.requests.filter((r) => r.path === "/v1/refunds" && !r.replayed);
    expect(refundCalls).toHaveLength(1);
    expect(refundCalls[0]!.idempotencyKey).toBe(`edgeshop:refund:${order.id}:${keys[won]}`);
    expect(refunds[won]!.body.order).toMatchObject({ status: "paid", paymentStatus: "partially_refunded" });
    expect(await orderState(order.id)).toMatchObject({ attempt: { amount_captured: 7000, amount_refunded: 4000, refund_pending: 0 } });
    // Replaying the winner's request replays its answer and moves no money.
    const replay = await admin("POST", `/v1/orders/${order.id}/refunds`, { amount: 4000, reason: "damaged" }, keys[won]!);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(fake.requests.filter((r) => r.path === "/v1/refunds")).toHaveLength(1);
    // Stripe's charge.refunded for our own refund adds nothing.
    const opsAfterRefund = (await orderState(order.id)).operations;
    expect((await deliverStripeEvent(E, fake.eventsOf("charge.refunded", pi)[0]!)).status).toBe(200);
    expect((await orderState(order.id)).operations).toBe(opsAfterRefund);

    // Fulfil in two parts, with tracking.
    const lineId = order.lines[0].id;
    const first = await admin("POST", `/v1/orders/${order.id}/fulfillments`, { lines: [{ lineId, quantity: 2 }], carrier: "DHL", trackingNumber: "00340434161094042557", trackingUrl: "https://www.dhl.de/track?piececode=00340434161094042557" });
    expect(first.status, first.text).toBe(201);
    expect((await orderState(order.id)).fulfillment_status).toBe("partially_fulfilled");
    expect((await admin("POST", `/v1/orders/${order.id}/fulfillments`, { lines: [{ lineId, quantity: 2 }] })).status).toBe(400);
    const second = await admin("POST", `/v1/orders/${order.id}/fulfillments`, { lines: [{ lineId, quantity: 1 }], carrier: "UPS", trackingNumber: "1Z999AA10123456784" });
    expect(second.status, second.text).toBe(201);
    expect(await orderState(order.id)).toMatchObject({ status: "fulfilled", fulfillment_status: "fulfilled", payment_status: "partially_refunded" });
    const tracking = await callWith(E, "GET", `/v1/orders/${order.id}/fulfillments`, { headers: { "x-order-token": orderToken } });
    expect(tracking.body.data.map((f: any) => [f.carrier, f.trackingNumber, f.lines[0].quantity])).toEqual([
      ["DHL", "00340434161094042557", 2],
      ["UPS", "1Z999AA10123456784", 1],
    ]);

    // A return of one unit: requested by the guest, approved, received three times at once.
    expect(await level(variant.sku)).toMatchObject({ onHand: 7 });
    const requested = await callWith(E, "POST", `/v1/orders/${order.id}/returns`, { body: { lines: [{ lineId, quantity: 1 }], reason: "Too small" }, headers: { "x-order-token": orderToken } });
    expect(requested.status, requested.text).toBe(201);
    const returnId = requested.body.id as string;
    expect((await callWith(E, "POST", `/v1/orders/${order.id}/returns`, { body: { lines: [{ lineId, quantity: 3 }] }, headers: { "x-order-token": orderToken } })).status).toBe(400);
    expect((await admin("POST", `/v1/returns/${returnId}/approve`)).body.status).toBe("approved");
    const receipts = await Promise.all([1, 2, 3].map(() => admin("POST", `/v1/returns/${returnId}/receive`, { refund: true })));
    expect(receipts.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    for (const r of receipts) expect([200, 409]).toContain(r.status);
    expect(await level(variant.sku)).toMatchObject({ onHand: 8 });
    const again = await admin("POST", `/v1/returns/${returnId}/receive`, { refund: true });
    expect(again.status, again.text).toBe(200);
    // One unit back, once; refunded once: 25.00 + its tax share round(1518 * 2500 / 7990) = 4.75.
    expect(again.body).toMatchObject({ status: "received", refund: { amount: 2975, currency: "EUR" } });
    expect(again.body.lines[0].restockedAt).not.toBeNull();
    expect(await level(variant.sku)).toMatchObject({ onHand: 8 });
    expect(fake.requests.filter((r) => r.path === "/v1/refunds" && !r.replayed)).toHaveLength(2);
    expect(await orderState(order.id)).toMatchObject({ attempt: { amount_captured: 7000, amount_refunded: 6975, refund_pending: 0 } });

    // The timeline tells the story, with who did what.
    const timeline = (await callWith(E, "GET", `/v1/orders/${order.id}/timeline`, { admin: true })).body.data as { kind: string; actor: string }[];
    expect(timeline.map((e) => e.kind)).toEqual(["placed", "payment", "payment", "payment", "fulfillment", "fulfillment", "return", "return", "return", "payment"]);
    expect(timeline[1]!.actor).toBe("provider:stripe");
    expect(timeline[2]!.actor).toMatch(/^admin:/);

    // Emails: every event of this order through the queue consumer (twice: sent once).
    const rows = (
      await env.DB.prepare("SELECT * FROM events WHERE resource_id = ? OR resource_id IN (SELECT id FROM payment_attempts WHERE order_id = ?) OR resource_id IN (SELECT id FROM fulfillments WHERE order_id = ?) OR resource_id = ? ORDER BY position")
        .bind(order.id, order.id, order.id, returnId)
        .all()
    ).results;
    const messages = rows.map((r: any) => ({ body: toMessage({ ...r, resourceType: r.resource_type, resourceId: r.resource_id, payload: JSON.parse(r.payload), createdAt: r.created_at }) }));
    expect((await deliver(EVENTS_QUEUE, messages)).retryMessages).toEqual([]);
    await deliver(EVENTS_QUEUE, messages);
    const emails = (
      await env.DB.prepare("SELECT template, recipient, subject FROM email_deliveries WHERE event_id IN (SELECT value FROM json_each(?)) AND status = 'sent' ORDER BY created_at, template")
        .bind(JSON.stringify(rows.map((r: any) => r.id)))
        .all<{ template: string; recipient: string; subject: string }>()
    ).results;
    expect(emails.map((e) => e.template).sort()).toEqual(["order_confirmation", "refund", "refund", "shipment", "shipment"]);
    expect(new Set(emails.map((e) => e.recipient))).toEqual(new Set([order.email]));
    expect(emails.map((e) => e.subject)).toEqual(
      expect.arrayContaining([`Order ${order.number} confirmed`, `Order ${order.number}: €40.00 refunded`, `Order ${order.number}: €29.75 refunded`, `Order ${order.number}: shipped`, `Order ${order.number}: part of your order shipped`]),
    );
  });
});
