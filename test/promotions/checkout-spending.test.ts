import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { checkoutCart, createVariant, guestCart, level } from "../support/fixtures";
import { call, gql, unique } from "../support/helpers";

/**
 * Codes and gift cards through the real checkout (src/modules/orders/checkout.ts): the order's
 * redemptions and charges are written in its own batch, under the usage-limit and balance CHECKs,
 * so racing checkouts cannot over-redeem a code or overspend a card; what the shopper saw applied
 * must still apply; a cancel gives both back.
 */

const newCode = (prefix = "CO") => unique(prefix).replaceAll("-", "").toUpperCase().slice(0, 28);
const headersOf = (token: string) => ({ "x-cart-token": token });

async function codePromotion(body: Record<string, unknown> = {}) {
  const code = newCode();
  const res = await call("POST", "/v1/promotions", { admin: true, body: { title: "10% off", trigger: "code", codes: [code], rule: { type: "order", value: { type: "percentage", percent: 10 } }, ...body } });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id as string, code };
}

async function issueCard(amount: number) {
  const res = await call("POST", "/v1/gift-cards", { admin: true, body: { amount: { amount, currency: "EUR" } } });
  expect(res.status, res.text).toBe(201);
  return res.body as { giftCard: { id: string; last4: string }; code: string };
}

async function cartWithCode(variantId: string, code: string) {
  const cart = await guestCart([{ variantId, quantity: 1 }]);
  const res = await call("POST", `/v1/carts/${cart.id}/discount-codes`, { body: { code }, headers: headersOf(cart.token) });
  expect(res.status, res.text).toBe(200);
  return { ...cart, cart: res.body };
}

async function cartWithCard(variantId: string, cardCode: string) {
  const cart = await guestCart([{ variantId, quantity: 1 }]);
  const res = await call("POST", `/v1/carts/${cart.id}/gift-cards`, { body: { code: cardCode }, headers: headersOf(cart.token) });
  expect(res.status, res.text).toBe(200);
  return { ...cart, cart: res.body };
}

const timesRedeemed = async (promotionId: string) => (await call("GET", `/v1/promotions/${promotionId}`, { admin: true })).body.timesRedeemed as number;
const balanceOf = async (giftCardId: string) => (await call("GET", `/v1/gift-cards/${giftCardId}`, { admin: true })).body.balance.amount as number;
const cartStatus = async (id: string, token: string) => (await call("GET", `/v1/carts/${id}`, { headers: headersOf(token) })).body.status as string;

describe("checkout spends codes and gift cards in the order's own batch", () => {
  it("a code with 4 uses and 12 concurrent checkouts: 4 orders, 8 refused with a 409 and their carts open again", async () => {
    const v = await createVariant(2000, 100);
    const { id, code } = await codePromotion({ usageLimit: 4 });
    const carts = await Promise.all(Array.from({ length: 12 }, () => cartWithCode(v.id, code)));
    for (const c of carts) expect(c.cart.totals.discount.amount).toBe(200);

    const results = await Promise.all(carts.map((c) => checkoutCart(c.id, c.token)));
    const placed = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(placed).toHaveLength(4);
    expect(refused).toHaveLength(8);
    // Lost in the order batch (the CHECK) or already seen used up when pricing: either way the shopper is told.
    for (const r of refused) expect(["usage_limit_reached", "discount_code_unavailable"]).toContain(r.body.reason);
    for (const r of placed) expect(r.body.order.totals.discount.amount).toBe(200);
    expect(await timesRedeemed(id)).toBe(4);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM promotion_redemptions WHERE promotion_id = ? AND status = 'redeemed'").bind(id).first<{ n: number }>();
    expect(rows!.n).toBe(4);
    // 4 sold, 8 still held by the open carts: a refused checkout neither sells nor holds twice.
    expect((await level(v.sku)).available).toBe(100 - 12);
    const losers = carts.filter((_, i) => results[i]!.status === 409);
    expect(await Promise.all(losers.map((c) => cartStatus(c.id, c.token)))).toEqual(losers.map(() => "open"));
    const cart = await call("GET", `/v1/carts/${losers[0]!.id}`, { headers: headersOf(losers[0]!.token) });
    expect(cart.body.discounts.rejectedCodes).toEqual([{ code, reason: "usage_limit_reached" }]);
  }, 90_000);

  it("two concurrent checkouts paying with one card: one order, the other a 409; the card is charged once", async () => {
    const v = await createVariant(3000, 10);
    const card = await issueCard(4000);
    const a = await cartWithCard(v.id, card.code);
    const b = await cartWithCard(v.id, card.code);
    // Each cart alone could spend 3,000 + shipping of the 4,000.
    expect(a.cart.totals.giftCards.amount).toBeGreaterThan(2000);
    const results = await Promise.all([checkoutCart(a.id, a.token), checkoutCart(b.id, b.token)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const won = results.find((r) => r.status === 201)!;
    const lost = results.find((r) => r.status === 409)!;
    expect(["gift_card_balance_changed", "gift_card_unusable"]).toContain(lost.body.reason);
    const paid = won.body.order.totals.giftCards.amount as number;
    expect(won.body.order.giftCards).toEqual([{ giftCardId: card.giftCard.id, kind: "gift_card", last4: card.giftCard.last4, amount: { amount: paid, currency: "EUR" } }]);
    expect(await balanceOf(card.giftCard.id)).toBe(4000 - paid);
    const charges = await env.DB.prepare("SELECT count(*) AS n FROM gift_card_transactions WHERE gift_card_id = ? AND kind = 'charge'").bind(card.giftCard.id).first<{ n: number }>();
    expect(charges!.n).toBe(1);
    // One sold, one still held by the open losing cart.
    expect((await level(v.sku)).available).toBe(8);
  });

  it("a code switched off after it was applied: checkout is a 409 naming it and writes nothing; without it the cart checks out", async () => {
    const v = await createVariant(2500, 10);
    const { id, code } = await codePromotion();
    const c = await cartWithCode(v.id, code);
    expect((await call("PATCH", `/v1/promotions/${id}`, { admin: true, body: { status: "disabled" } })).status).toBe(200);

    const refused = await checkoutCart(c.id, c.token);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reason: "discount_code_unavailable", rejectedCodes: [{ code, reason: "inactive" }] });
    expect(await cartStatus(c.id, c.token)).toBe("open");
    expect((await level(v.sku)).available).toBe(9);
    expect(await timesRedeemed(id)).toBe(0);

    expect((await call("DELETE", `/v1/carts/${c.id}/discount-codes/${code}`, { headers: headersOf(c.token) })).status).toBe(200);
    const placed = await checkoutCart(c.id, c.token);
    expect(placed.status, placed.text).toBe(201);
    expect(placed.body.order.totals.discount.amount).toBe(0);
  });

  it("a card disabled after it was applied: checkout is a 409 (gift_card_unusable) over REST and GraphQL; the cart shows why", async () => {
    const v = await createVariant(2500, 10);
    const card = await issueCard(1000);
    const c = await cartWithCard(v.id, card.code);
    expect((await call("PATCH", `/v1/gift-cards/${card.giftCard.id}`, { admin: true, body: { status: "disabled" } })).status).toBe(200);

    const cart = await call("GET", `/v1/carts/${c.id}`, { headers: headersOf(c.token) });
    expect(cart.body.giftCards).toEqual([{ giftCardId: card.giftCard.id, kind: "gift_card", last4: card.giftCard.last4, amount: { amount: 0, currency: "EUR" }, reason: "disabled" }]);
    expect(cart.body.totals.amountDue).toEqual(cart.body.totals.total);
    const refused = await checkoutCart(c.id, c.token);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reason: "gift_card_unusable", giftCards: [{ giftCardId: card.giftCard.id, reason: "disabled" }] });
    const viaGql = await call("POST", "/graphql", {
      body: { query: `mutation($id: ID!, $key: String!) { checkout(cartId: $id, idempotencyKey: $key) { order { id } } }`, variables: { id: c.id, key: crypto.randomUUID() } },
      headers: headersOf(c.token),
    });
    expect(viaGql.body.errors[0].extensions.code).toBe("CONFLICT");
    expect(await cartStatus(c.id, c.token)).toBe("open");
    expect(await balanceOf(card.giftCard.id)).toBe(1000);
  });

  it("a card paying the whole order leaves nothing due; cancelling it gives back the card's charge and the code's use", async () => {
    const v = await createVariant(2000, 10);
    const { id, code } = await codePromotion({ usageLimit: 1 });
    const card = await issueCard(100_000);
    const c = await cartWithCode(v.id, code);
    await call("POST", `/v1/carts/${c.id}/gift-cards`, { body: { code: card.code }, headers: headersOf(c.token) });
    const placed = await checkoutCart(c.id, c.token);
    expect(placed.status, placed.text).toBe(201);
    const order = placed.body.order;
    expect(order.totals.amountDue.amount).toBe(0);
    expect(order.totals.giftCards).toEqual(order.totals.total);
    expect(await balanceOf(card.giftCard.id)).toBe(100_000 - order.totals.total.amount);
    expect(await timesRedeemed(id)).toBe(1);

    const cancelled = await gql(`mutation($id: ID!, $key: String!) { cancelOrder(id: $id, idempotencyKey: $key) { status } }`, { id: order.id, key: crypto.randomUUID() }, { admin: true });
    expect(cancelled.errors).toBeUndefined();
    expect(await balanceOf(card.giftCard.id)).toBe(100_000);
    expect(await timesRedeemed(id)).toBe(0);
    // The use came back: another shopper can redeem the 1-use code.
    const other = await cartWithCode(v.id, code);
    const again = await checkoutCart(other.id, other.token);
    expect(again.status, again.text).toBe(201);
    expect(again.body.order.discounts.map((d: any) => d.code)).toEqual([code]);
  });
});
