import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createCategory } from "../support/fixtures";
import { call, unique } from "../support/helpers";
import { admin, berlin, cartHeaders, sanFrancisco, workedExample } from "../support/pricing-fixtures";

/**
 * The issue's acceptance test (docs/pricing.md, "Worked example", "with a discount code and a gift
 * card"): the worked example's cart (2 x coffee beans, 1 x kettle; a tax-inclusive sale price list in
 * the EU, weight-based shipping in both markets) with a 15 % code limited to the Coffee category and
 * a gift card paying part. EU over REST, US over GraphQL, each to the cent, then checked out: the
 * order keeps the discounts allocated to lines, the gift card's payment and what is left to pay; the
 * code is redeemed once per order and the card is charged.
 */

let ex: Awaited<ReturnType<typeof workedExample>>;
let code: string;
let promotionId: string;
beforeAll(async () => {
  const coffee = await createCategory({ name: unique("Coffee") });
  // The beans sit in a sub-category: a category rule covers its descendants.
  const beans = await createCategory({ name: unique("Whole beans"), parentId: coffee.id });
  ex = await workedExample({ stock: 100, beansCategoryIds: [beans.id] });
  code = unique("COFFEE").replaceAll("-", "").toUpperCase().slice(0, 24);
  const promotion = await admin("POST", "/v1/promotions", {
    title: "15% off coffee",
    trigger: "code",
    codes: [code],
    rule: { type: "lines", match: { categoryIds: [coffee.id] }, value: { type: "percentage", percent: 15 } },
  });
  promotionId = promotion.id;
});

const eur = (amount: number) => ({ amount, currency: "EUR" });
const usd = (amount: number) => ({ amount, currency: "USD" });
const key = () => ({ "idempotency-key": crypto.randomUUID() });

async function cartAt(address: Record<string, unknown>) {
  const res = await call("POST", "/v1/carts", {
    body: { email: "ada@example.com", shippingAddress: address, lines: [{ variantId: ex.beans.id, quantity: 2 }, { variantId: ex.kettle.id, quantity: 1 }] },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.cart.id as string, token: res.body.cartToken as string };
}

const issueCard = async (amount: number, currency: string) => (await admin("POST", "/v1/gift-cards", { amount: { amount, currency } })) as { giftCard: { id: string; last4: string }; code: string };
const balanceOf = async (id: string) => (await admin("GET", `/v1/gift-cards/${id}`)).balance;

describe("a sale in two markets with a discount code and a gift card", () => {
  it("EU over REST: 15% off the beans (gross), VAT on the discounted lines, a 20.00 card: total 76.50, due 56.50", async () => {
    const { id, token } = await cartAt(berlin());
    const card = await issueCard(2000, "EUR");
    const headers = cartHeaders(token);
    expect((await call("POST", `/v1/carts/${id}/discount-codes`, { body: { code: code.toLowerCase() }, headers })).status).toBe(200);
    const res = await call("POST", `/v1/carts/${id}/gift-cards`, { body: { code: card.code }, headers });
    expect(res.status, res.text).toBe(200);
    const cart = res.body;

    const [beans, kettle] = cart.lines;
    // 36.00 x 15% = 5.40 off the beans only; 30.60 with 7% included: 2.0019 -> 2.00.
    expect(beans).toMatchObject({ discounts: [{ promotionId, code, amount: eur(540) }], lineTotal: eur(3060), tax: eur(200), taxRate: 700 });
    // The kettle (no category) and shipping are untouched: 39.00 + 6.90 at 19% included, 6.23 + 1.10.
    expect(kettle).toMatchObject({ discounts: [], lineTotal: eur(3900), tax: eur(623) });
    expect(cart.shipping).toMatchObject({ name: "DHL Paket", amount: eur(690), discount: eur(0), discounts: [], tax: eur(110) });
    expect(cart.discounts).toEqual({ applied: [{ promotionId, code, title: "15% off coffee", amount: eur(540) }], rejectedCodes: [] });
    expect(cart.giftCards).toEqual([{ giftCardId: card.giftCard.id, kind: "gift_card", last4: card.giftCard.last4, amount: eur(2000), reason: null }]);
    expect(cart.totals).toEqual({
      subtotal: eur(7500),
      discount: eur(540),
      shipping: eur(690),
      tax: eur(933),
      taxIncluded: true,
      total: eur(7650),
      giftCards: eur(2000),
      amountDue: eur(5650),
    });

    const placed = await call("POST", `/v1/carts/${id}/checkout`, { body: {}, headers: { ...headers, ...key() } });
    expect(placed.status, placed.text).toBe(201);
    const order = placed.body.order;
    expect(order.totals).toEqual(cart.totals);
    expect(order.lines.map((l: any) => [l.lineTotal.amount, l.tax.amount, l.discounts])).toEqual([
      [3060, 200, [{ promotionId, code, amount: eur(540) }]],
      [3900, 623, []],
    ]);
    expect(order.discounts).toEqual(cart.discounts.applied);
    expect(order.giftCards).toEqual([{ giftCardId: card.giftCard.id, kind: "gift_card", last4: card.giftCard.last4, amount: eur(2000) }]);
    const row = await env.DB.prepare("SELECT total, discount, gift_cards, amount_due FROM orders WHERE id = ?").bind(order.id).first();
    expect(row).toEqual({ total: 7650, discount: 540, gift_cards: 2000, amount_due: 5650 });
    expect(await balanceOf(card.giftCard.id)).toEqual(eur(0));

    // The payment takes only what the card did not pay.
    const paid = await call("POST", `/v1/orders/${order.id}/mark-paid`, { admin: true, body: {}, headers: key() });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.payments.map((p: any) => [p.kind, p.amount])).toEqual([["capture", eur(5650)]]);
  });

  it("US over GraphQL: 15% off the bulk-priced beans (net), sales tax on the kettle, a 25.00 card: total 100.88, due 75.88", async () => {
    const { id, token } = await cartAt(sanFrancisco());
    const card = await issueCard(2500, "USD");
    const headers = cartHeaders(token);
    // What carts and orders share (a cart also says which codes do not apply: rejectedCodes).
    const common = `lines { sku discounts { code amount { amount } } lineTotal { amount } tax { amount } }
      shipping { name amount { amount } discounts { amount { amount } } tax { amount } }
      giftCards { giftCardId kind last4 amount { amount currency } reason }
      totals { subtotal { amount } discount { amount } shipping { amount } tax { amount } taxIncluded total { amount currency } giftCards { amount } amountDue { amount currency } }`;
    const applied = `promotionId code title amount { amount currency }`;
    const gql = async (query: string, variables: Record<string, unknown>, extra: Record<string, string> = {}) => {
      const res = await call("POST", "/graphql", { body: { query, variables }, headers: { ...headers, ...extra } });
      expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
      return res.body.data;
    };
    await gql(`mutation($id: ID!, $code: String!) { applyCartDiscountCode(cartId: $id, code: $code) { id } }`, { id, code });
    const { applyCartGiftCard: cart } = await gql(`mutation($id: ID!, $code: String!) { applyCartGiftCard(cartId: $id, code: $code) { ${common} discounts { ${applied} } rejectedCodes { code reason } } }`, { id, code: card.code });

    // 2 x 17.00 (bulk tier) = 34.00, 15% = 5.10 off; the beans pay no tax in CA, the kettle 7.25% of 55.00 = 3.99 on top.
    expect(cart.lines.map((l: any) => [l.sku, l.discounts.map((d: any) => [d.code, d.amount.amount]), l.lineTotal.amount, l.tax.amount])).toEqual([
      [ex.beans.sku, [[code, 510]], 2890, 0],
      [ex.kettle.sku, [], 5500, 399],
    ]);
    expect(cart.shipping).toEqual({ name: "UPS Ground", amount: { amount: 1299 }, discounts: [], tax: { amount: 0 } });
    expect(cart.discounts).toEqual([{ promotionId, code, title: "15% off coffee", amount: usd(510) }]);
    expect(cart.rejectedCodes).toEqual([]);
    expect(cart.giftCards).toEqual([{ giftCardId: card.giftCard.id, kind: "gift_card", last4: card.giftCard.last4, amount: usd(2500), reason: null }]);
    expect(cart.totals).toEqual({
      subtotal: { amount: 8900 },
      discount: { amount: 510 },
      shipping: { amount: 1299 },
      tax: { amount: 399 },
      taxIncluded: false,
      total: usd(10088),
      giftCards: { amount: 2500 },
      amountDue: usd(7588),
    });

    const placed = await gql(`mutation($id: ID!, $key: String!) { checkout(cartId: $id, idempotencyKey: $key) { order { id ${common} discounts { ${applied} } } } }`, { id, key: crypto.randomUUID() });
    const order = placed.checkout.order;
    expect(order.totals).toEqual(cart.totals);
    expect(order.lines).toEqual(cart.lines);
    expect(order.shipping).toEqual(cart.shipping);
    expect(order.discounts).toEqual(cart.discounts);
    expect(order.giftCards).toEqual(cart.giftCards);
    const row = await env.DB.prepare("SELECT amount_due FROM orders WHERE id = ?").bind(order.id).first();
    expect(row).toEqual({ amount_due: 7588 });
    expect(await balanceOf(card.giftCard.id)).toEqual(usd(0));
  });

  it("both orders redeemed the code once each", async () => {
    const promotion = await admin("GET", `/v1/promotions/${promotionId}`);
    expect(promotion.timesRedeemed).toBe(2);
    const redemptions = await admin("GET", `/v1/promotions/${promotionId}/redemptions`);
    expect(redemptions.data.map((r: any) => [r.status, r.amount])).toEqual(expect.arrayContaining([["redeemed", eur(540)], ["redeemed", usd(510)]]));
  });
});
