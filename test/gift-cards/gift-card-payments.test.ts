// Gift cards with the payment provider (Stripe, the fake): the PaymentIntent asks only for the
// order's amountDue (total − gift cards), an order the cards pay entirely starts no payment, and a
// full refund sends the captured money back through Stripe and the card's part back to the card.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeStripe } from "../support/fake-stripe";
import { createVariant, guestCart } from "../support/fixtures";
import { call } from "../support/helpers";
import { callWith, installFakeStripe, STRIPE_BASE, stripeEnv } from "../support/stripe-helpers";

let stripe: ReturnType<typeof installFakeStripe>;
beforeEach(() => {
  stripe = installFakeStripe(new FakeStripe());
});
afterEach(() => stripe.restore());

const E = stripeEnv({ STRIPE_CAPTURE_METHOD: "automatic" });
const key = () => crypto.randomUUID();

async function cardOf(amount: number) {
  const res = await call("POST", "/v1/gift-cards", { admin: true, body: { amount: { amount, currency: "EUR" } } });
  expect(res.status, res.text).toBe(201);
  return res.body as { giftCard: { id: string }; code: string };
}
const balanceOf = async (id: string) => (await call("GET", `/v1/gift-cards/${id}`, { admin: true })).body.balance.amount as number;

async function checkoutWithCard(cardCode: string, price: number) {
  const variant = await createVariant(price, 5);
  const cart = await guestCart([{ variantId: variant.id, quantity: 1 }]);
  const applied = await call("POST", `/v1/carts/${cart.id}/gift-cards`, { body: { code: cardCode }, headers: { "x-cart-token": cart.token } });
  expect(applied.status, applied.text).toBe(200);
  const placed = await callWith(E, "POST", `/v1/carts/${cart.id}/checkout`, { body: {}, headers: { "x-cart-token": cart.token, "idempotency-key": key() } });
  expect(placed.status, placed.text).toBe(201);
  return { order: placed.body.order, orderToken: placed.body.orderToken as string };
}

describe("gift cards and the payment provider", () => {
  it("Stripe is asked for the amount due only; a full refund returns the captured part through Stripe and the card's part to the card", async () => {
    const card = await cardOf(1000);
    const { order, orderToken } = await checkoutWithCard(card.code, 3000);
    const total = order.totals.total.amount as number;
    expect(order.totals.giftCards.amount).toBe(1000);
    expect(order.amountDue).toEqual({ amount: total - 1000, currency: "EUR" });
    expect(order.totals.amountDue).toEqual(order.amountDue);
    expect(await balanceOf(card.giftCard.id)).toBe(0);
    const [attempt] = order.paymentAttempts;
    expect(attempt.amount).toEqual(order.amountDue);
    const created = stripe.fake.requests.find((r) => r.path === "/v1/payment_intents")!;
    expect(created.body).toMatchObject({ amount: String(total - 1000), currency: "eur" });

    // The shopper pays (automatic capture); the refresh records it.
    const pi = attempt.providerReference as string;
    const confirmed = await stripe.fake.handle(
      new Request(`${STRIPE_BASE}/v1/payment_intents/${pi}/confirm`, { method: "POST", headers: { authorization: "Bearer sk_test_fake", "content-type": "application/x-www-form-urlencoded" }, body: "payment_method=pm_card_visa" }),
    );
    expect(confirmed.status).toBe(200);
    const paid = await callWith(E, "POST", `/v1/orders/${order.id}/payment/refresh`, { headers: { "x-order-token": orderToken } });
    expect(paid.body).toMatchObject({ status: "paid", paymentStatus: "paid" });

    const refunded = await callWith(E, "POST", `/v1/orders/${order.id}/refund`, { admin: true, body: {}, headers: { "idempotency-key": key() } });
    expect(refunded.status, refunded.text).toBe(200);
    expect(refunded.body).toMatchObject({ status: "refunded", paymentStatus: "refunded" });
    const refunds = stripe.fake.requests.filter((r) => r.path === "/v1/refunds");
    expect(refunds.map((r) => r.body.amount ?? null)).toEqual([String(total - 1000)]);
    expect(await balanceOf(card.giftCard.id)).toBe(1000);
  });

  it("an order the card pays entirely starts no payment: nothing due, payment not required", async () => {
    const card = await cardOf(100_000);
    const { order } = await checkoutWithCard(card.code, 3000);
    expect(order.amountDue).toEqual({ amount: 0, currency: "EUR" });
    expect(order.paymentStatus).toBe("not_required");
    expect(order.paymentAttempts).toEqual([]);
    expect(stripe.fake.requests.filter((r) => r.path === "/v1/payment_intents")).toEqual([]);
    expect(await balanceOf(card.giftCard.id)).toBe(100_000 - order.totals.total.amount);
  });
});
