import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { derivePaymentStatus } from "../../src/modules/payments";
import { FakeStripe } from "../support/fake-stripe";
import { createVariant, guestCart, level } from "../support/fixtures";
import { call } from "../support/helpers";
import { callWith, deliverStripeEvent, installFakeStripe, STRIPE_BASE, STRIPE_DOWN, stripeEnv } from "../support/stripe-helpers";

let stripe: ReturnType<typeof installFakeStripe>;
beforeEach(() => {
  stripe = installFakeStripe(new FakeStripe());
});
afterEach(() => stripe.restore());

const key = () => crypto.randomUUID();

async function place(bindings: object, quantity = 1, price = 1000, stock = 5) {
  const variant = await createVariant(price, stock);
  const cart = await guestCart([{ variantId: variant.id, quantity }]);
  const placed = await callWith(bindings, "POST", `/v1/carts/${cart.id}/checkout`, { body: {}, headers: { "x-cart-token": cart.token, "idempotency-key": key() } });
  expect(placed.status, placed.text).toBe(201);
  return { variant, order: placed.body.order, orderToken: placed.body.orderToken as string };
}

async function confirm(fake: FakeStripe, pi: string, paymentMethod: string) {
  return fake.handle(
    new Request(`${STRIPE_BASE}/v1/payment_intents/${pi}/confirm`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_fake", "content-type": "application/x-www-form-urlencoded" },
      body: `payment_method=${paymentMethod}`,
    }),
  );
}

describe("payments: the storefront side of Stripe", () => {
  it("surfaces requires_action (3-D Secure) over REST and GraphQL, and the refresh records the outcome without the webhook", async () => {
    const E = stripeEnv({ STRIPE_CAPTURE_METHOD: "automatic" });
    const { order, orderToken } = await place(E);
    const pi = order.paymentAttempts[0].providerReference as string;
    expect((await confirm(stripe.fake, pi, "pm_card_threeDSecure2Required")).status).toBe(200);
    const refreshed = await callWith(E, "POST", `/v1/orders/${order.id}/payment/refresh`, { headers: { "x-order-token": orderToken } });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.paymentStatus).toBe("requires_action");
    expect(refreshed.body.paymentAttempts[0]).toMatchObject({ status: "requires_action", nextAction: "use_stripe_sdk" });
    expect(refreshed.body.paymentAttempts[0].clientSecret).toMatch(/_secret_/);
    const gql = await callWith(E, "POST", "/graphql", {
      body: { query: `{ order(id: "${order.id}") { paymentStatus paymentAttempts { status nextAction clientSecret } } }` },
      headers: { "x-order-token": orderToken },
    });
    expect(gql.body.data.order.paymentStatus).toBe("REQUIRES_ACTION");
    expect(gql.body.data.order.paymentAttempts[0]).toMatchObject({ status: "requires_action", nextAction: "use_stripe_sdk" });

    // The customer finishes 3-D Secure; automatic capture: the order is paid.
    stripe.fake.completeAction(pi);
    const paid = await callWith(E, "POST", "/graphql", { body: { query: `mutation { refreshOrderPayment(id: "${order.id}") { status paymentStatus } }` }, headers: { "x-order-token": orderToken } });
    expect(paid.body.data.refreshOrderPayment).toEqual({ status: "PAID", paymentStatus: "PAID" });
    // The webhooks for the same changes arrive later and change nothing.
    for (const event of stripe.fake.events.filter((e) => e.data.object.id === pi)) {
      const res = await deliverStripeEvent(E, event);
      expect(res.status, res.text).toBe(200);
    }
    const ops = await env.DB.prepare("SELECT kind FROM payment_operations WHERE order_id = ? ORDER BY created_at").bind(order.id).all<{ kind: string }>();
    expect(ops.results.map((o) => o.kind)).toEqual(["requires_action", "capture"]);
    // Strangers see nothing.
    expect((await callWith(E, "POST", `/v1/orders/${order.id}/payment/refresh`)).status).toBe(404);
  });

  it("records a declined card from the webhook as failed, and the storefront starts a new attempt", async () => {
    const E = stripeEnv();
    const { order, orderToken } = await place(E);
    const pi = order.paymentAttempts[0].providerReference as string;
    expect((await confirm(stripe.fake, pi, "pm_card_chargeDeclined")).status).toBe(402);
    const [failed] = stripe.fake.eventsOf("payment_intent.payment_failed", pi);
    expect((await deliverStripeEvent(E, failed!)).body.outcome).toBe("processed");
    const read = await callWith(E, "GET", `/v1/orders/${order.id}`, { headers: { "x-order-token": orderToken } });
    expect(read.body).toMatchObject({ status: "placed", paymentStatus: "failed" });
    expect(read.body.paymentAttempts[0]).toMatchObject({ status: "failed", lastError: "Your card was declined." });
    const retried = await callWith(E, "POST", `/v1/orders/${order.id}/payment`, { headers: { "x-order-token": orderToken } });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.paymentAttempts).toHaveLength(2);
    expect(retried.body.paymentStatus).toBe("pending");
    expect(retried.body.paymentAttempts[1].providerReference).not.toBe(pi);
    // While that attempt is open, another retry starts nothing.
    const again = await callWith(E, "POST", `/v1/orders/${order.id}/payment`, { headers: { "x-order-token": orderToken } });
    expect(again.status).toBe(200);
    expect(again.body.paymentAttempts).toHaveLength(2);
    expect(stripe.fake.requests.filter((r) => r.path === "/v1/payment_intents")).toHaveLength(2);
  });

  it("voids an authorisation, and cancelling an authorised order releases it and returns the stock", async () => {
    const E = stripeEnv();
    const a = await place(E, 2, 1000, 5);
    await confirm(stripe.fake, a.order.paymentAttempts[0].providerReference, "pm_card_visa");
    await deliverStripeEvent(E, stripe.fake.eventsOf("payment_intent.amount_capturable_updated")[0]!);
    const cancelled = await callWith(E, "POST", `/v1/orders/${a.order.id}/cancel`, { admin: true, headers: { "idempotency-key": key() } });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", paymentStatus: "voided" });
    expect(stripe.fake.intents.get(a.order.paymentAttempts[0].providerReference)!.status).toBe("canceled");
    expect(await level(a.variant.sku)).toMatchObject({ onHand: 5 });

    const b = await place(E);
    const voided = await callWith(E, "POST", `/v1/orders/${b.order.id}/void`, { admin: true, headers: { "idempotency-key": key() } });
    expect(voided.status, voided.text).toBe(200);
    expect(voided.body.paymentStatus).toBe("voided");
    expect((await callWith(E, "POST", `/v1/orders/${b.order.id}/void`, { admin: true, headers: { "idempotency-key": key() } })).status).toBe(409);
  });

  it("answers Stripe's refusals and outages as problems, and needs admin scopes", async () => {
    const E = stripeEnv();
    const { order } = await place(E);
    expect((await callWith(E, "POST", `/v1/orders/${order.id}/capture`, { headers: { "idempotency-key": key() } })).status).toBe(401);
    expect((await callWith(E, "POST", `/v1/orders/${order.id}/capture`, { admin: true })).status).toBe(400);
    // Nothing authorised yet.
    expect((await callWith(E, "POST", `/v1/orders/${order.id}/capture`, { admin: true, headers: { "idempotency-key": key() } })).status).toBe(409);
    expect((await callWith(E, "POST", `/v1/orders/${order.id}/refunds`, { admin: true, body: { amount: 1.5 }, headers: { "idempotency-key": key() } })).body.errors[0].pointer).toBe("/amount");
    expect((await callWith(E, "POST", `/v1/orders/${order.id}/refunds`, { admin: true, body: { amount: 5, lines: [] }, headers: { "idempotency-key": key() } })).status).toBe(400);
    // Stripe unreachable at checkout: the order stands with a failed attempt.
    const down = await place(stripeEnv({ STRIPE_API_BASE: STRIPE_DOWN }));
    expect(down.order.paymentStatus).toBe("failed");
    expect(down.order.paymentAttempts[0].lastError).toMatch(/Stripe/);
  });

  it("ignores events for payments it does not know, and unknown event types, once", async () => {
    const E = stripeEnv();
    const event = { id: `evt_${key()}`, object: "event", type: "payment_intent.succeeded", api_version: "x", created: 1, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object: { id: "pi_unknown", object: "payment_intent" } } } as const;
    expect((await deliverStripeEvent(E, event as never)).body.outcome).toBe("ignored");
    expect((await deliverStripeEvent(E, event as never)).body.outcome).toBe("duplicate");
    expect((await deliverStripeEvent(E, { ...event, id: `evt_${key()}`, type: "customer.created" } as never)).body.outcome).toBe("ignored");
    // Not configured: a 502 problem, nothing read.
    expect((await deliverStripeEvent({ ...E, STRIPE_WEBHOOK_SECRET: "" }, event as never)).status).toBe(502);
  });
});

describe("payments: the manual provider", () => {
  it("refunds partially by amount and by lines, never beyond what was captured, and becomes refunded when all went back", async () => {
    const variant = await createVariant(1000, 10);
    const cart = await guestCart([{ variantId: variant.id, quantity: 2 }]);
    const order = (await call("POST", `/v1/carts/${cart.id}/checkout`, { body: {}, headers: { "x-cart-token": cart.token, "idempotency-key": key() } })).body.order;
    const admin = (path: string, body?: Record<string, unknown>) => call("POST", path, { admin: true, ...(body !== undefined && { body }), headers: { "idempotency-key": key() } });
    expect((await admin(`/v1/orders/${order.id}/refunds`, { amount: 100 })).status).toBe(409);
    expect((await admin(`/v1/orders/${order.id}/mark-paid`)).body.paymentStatus).toBe("paid");
    const total = order.totals.total.amount as number;
    const byLines = await admin(`/v1/orders/${order.id}/refunds`, { lines: [{ lineId: order.lines[0].id, quantity: 1 }] });
    expect(byLines.status, byLines.text).toBe(201);
    const lineShare = 1000 + Math.round((order.totals.tax.amount * 1000) / (order.totals.subtotal.amount + order.totals.shipping.amount));
    expect(byLines.body.refund.amount).toEqual({ amount: lineShare, currency: "EUR" });
    expect(byLines.body.order.paymentStatus).toBe("partially_refunded");
    expect((await admin(`/v1/orders/${order.id}/refunds`, { amount: total })).status).toBe(409);
    const rest = await admin(`/v1/orders/${order.id}/refunds`, {});
    expect(rest.body.refund.amount.amount).toBe(total - lineShare);
    expect(rest.body.order).toMatchObject({ status: "refunded", paymentStatus: "refunded" });
    const types = (await env.DB.prepare("SELECT type FROM events WHERE resource_id = ? ORDER BY sequence").bind(order.id).all<{ type: string }>()).results.map((e) => e.type);
    expect(types).toEqual(["order.placed", "order.paid", "order.refunded"]);
  });

  it("derives the payment status from the attempts", () => {
    const at = (n: number) => `2026-01-0${n}T00:00:00Z`;
    const attempt = (status: any, captured = 0, refunded = 0, n = 1) => ({ id: `pay_${n}`, status, amountCaptured: captured, amountRefunded: refunded, createdAt: at(n) });
    expect(derivePaymentStatus(100, [])).toBe("pending");
    expect(derivePaymentStatus(0, [])).toBe("not_required");
    expect(derivePaymentStatus(100, [attempt("authorized")])).toBe("authorized");
    expect(derivePaymentStatus(100, [attempt("failed", 0, 0, 1), attempt("requires_action", 0, 0, 2)])).toBe("requires_action");
    expect(derivePaymentStatus(100, [attempt("succeeded", 60)])).toBe("partially_paid");
    expect(derivePaymentStatus(100, [attempt("succeeded", 100)])).toBe("paid");
    expect(derivePaymentStatus(100, [attempt("succeeded", 100, 1)])).toBe("partially_refunded");
    expect(derivePaymentStatus(100, [attempt("succeeded", 60, 60)])).toBe("refunded");
    expect(derivePaymentStatus(100, [attempt("canceled")])).toBe("voided");
  });
});

describe("payments and after-sale: documentation", () => {
  it("describes the new operations with stable operationIds, and the new events in AsyncAPI", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const ids: Record<string, string> = {
      "post /v1/orders/{id}/capture": "captureOrderPayment",
      "post /v1/orders/{id}/void": "voidOrderPayment",
      "post /v1/orders/{id}/refunds": "createOrderRefund",
      "post /v1/orders/{id}/payment": "retryOrderPayment",
      "post /v1/orders/{id}/payment/refresh": "refreshOrderPayment",
      "post /v1/payments/stripe/webhook": "receiveStripeWebhook",
      "post /v1/orders/{id}/fulfillments": "createFulfillment",
      "get /v1/orders/{id}/fulfillments": "listOrderFulfillments",
      "post /v1/orders/{id}/fulfil": "fulfilOrder",
      "post /v1/orders/{id}/returns": "requestReturn",
      "post /v1/returns/{id}/receive": "receiveReturn",
      "post /v1/orders/{id}/notes": "addOrderNote",
      "get /v1/orders/{id}/timeline": "getOrderTimeline",
      "post /v1/customers/password-reset": "requestPasswordReset",
      "post /v1/customers/password-reset/confirm": "resetPassword",
    };
    for (const [route, operationId] of Object.entries(ids)) {
      const [method, path] = route.split(" ");
      expect(doc.paths[path!]?.[method!]?.operationId, route).toBe(operationId);
    }
    expect(doc.components.schemas.Order.properties).toHaveProperty("paymentStatus");
    expect(doc.components.schemas.Order.properties).toHaveProperty("paymentAttempts");
    const asyncapi = JSON.stringify((await call("GET", "/asyncapi.json")).body);
    for (const type of ["payment.captured", "payment.refunded", "payment.requires_action", "fulfillment.created", "order.fulfilled", "return.received", "customer.password_reset_requested"]) {
      expect(asyncapi, type).toContain(type);
    }
  });
});
