import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { chargeStatements } from "../../src/modules/gift-cards";
import { redemptionStatements } from "../../src/modules/promotions";
import { checkoutCart, createVariant, guestCart } from "../support/fixtures";
import { call, unique } from "../support/helpers";

/**
 * What an order took from promotions and gift cards goes back when it is cancelled, in the
 * cancellation's own batch, exactly once. The order's redemption and charge are written here with
 * the same statements checkout puts in its order batch.
 */
async function orderWithRedemptionAndCharge() {
  const v = await createVariant(3000, 10);
  const { id, token } = await guestCart([{ variantId: v.id, quantity: 1 }]);
  const placed = await checkoutCart(id, token);
  expect(placed.status, placed.text).toBe(201);
  const orderId = placed.body.order.id as string;
  const c = unique("RET").replaceAll("-", "").toUpperCase().slice(0, 28);
  const promotion = (await call("POST", "/v1/promotions", { admin: true, body: { title: "Once", trigger: "code", codes: [c], usageLimit: 1, rule: { type: "order", value: { type: "percentage", percent: 10 } } } })).body;
  const card = (await call("POST", "/v1/gift-cards", { admin: true, body: { amount: { amount: 5000, currency: "EUR" } } })).body.giftCard;
  const db = createDb(env.DB);
  const at = new Date().toISOString();
  await db.batch([
    ...redemptionStatements(db, { orderId, customerKey: "email:ret@example.com", currency: "EUR", applied: [{ promotionId: promotion.id, code: c, amount: 300 }], at }),
    ...chargeStatements(db, { orderId, charges: [{ giftCardId: card.id, amount: 1200 }], at }),
  ] as [any, ...any[]]);
  return { orderId, promotionId: promotion.id as string, giftCardId: card.id as string };
}

const promotionOf = async (id: string) => (await call("GET", `/v1/promotions/${id}`, { admin: true })).body;
const cardOf = async (id: string) => (await call("GET", `/v1/gift-cards/${id}`, { admin: true })).body;

describe("cancelling an order gives back its promotion uses and gift-card charges", () => {
  it("once, even when two cancellations race", async () => {
    const { orderId, promotionId, giftCardId } = await orderWithRedemptionAndCharge();
    expect((await promotionOf(promotionId)).timesRedeemed).toBe(1);
    expect((await cardOf(giftCardId)).balance.amount).toBe(3800);

    // Two different keys: two real cancellations racing, not a replay.
    const cancel = () => call("POST", `/v1/orders/${orderId}/cancel`, { admin: true, headers: { "idempotency-key": crypto.randomUUID() } });
    const results = await Promise.all([cancel(), cancel()]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await promotionOf(promotionId)).timesRedeemed).toBe(0);
    expect((await cardOf(giftCardId)).balance.amount).toBe(5000);
    const redemptions = await call("GET", `/v1/promotions/${promotionId}/redemptions`, { admin: true });
    expect(redemptions.body.data).toEqual([expect.objectContaining({ orderId, status: "returned", returnedAt: expect.any(String) })]);
    const ledger = await call("GET", `/v1/gift-cards/${giftCardId}/transactions`, { admin: true });
    expect(ledger.body.data.map((t: any) => [t.kind, t.amount, t.balanceAfter, t.orderId])).toEqual([
      ["return", 1200, 5000, orderId],
      ["charge", -1200, 3800, orderId],
      ["issue", 5000, 5000, null],
    ]);
  });

  it("a full refund gives the gift-card charge back but keeps the promotion's use", async () => {
    const { orderId, promotionId, giftCardId } = await orderWithRedemptionAndCharge();
    const key = () => ({ "idempotency-key": crypto.randomUUID() });
    expect((await call("POST", `/v1/orders/${orderId}/mark-paid`, { admin: true, body: {}, headers: key() })).status).toBe(200);
    const refunded = await call("POST", `/v1/orders/${orderId}/refund`, { admin: true, body: {}, headers: key() });
    expect(refunded.status, refunded.text).toBe(200);
    expect((await cardOf(giftCardId)).balance.amount).toBe(5000);
    expect((await promotionOf(promotionId)).timesRedeemed).toBe(1);
  });
});
