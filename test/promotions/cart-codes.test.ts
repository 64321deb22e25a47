import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createVariant, guestCart } from "../support/fixtures";
import { call, gql, unique } from "../support/helpers";

const code = (prefix = "CART") => unique(prefix).replaceAll("-", "").toUpperCase().slice(0, 28);
const codesOf = async (cartId: string) =>
  (await env.DB.prepare("SELECT code FROM cart_discount_codes WHERE cart_id = ? ORDER BY added_at").bind(cartId).all<{ code: string }>()).results.map((r) => r.code);

describe("discount codes and gift cards on a cart: who may change what", () => {
  it("stores a known code once (case-insensitive), refuses unknown ones writing nothing, caps at five", async () => {
    const v = await createVariant(2000, 5);
    const { id, token } = await guestCart([{ variantId: v.id, quantity: 1 }]);
    const codes = Array.from({ length: 6 }, () => code());
    const p = await call("POST", "/v1/promotions", { admin: true, body: { title: "Codes", trigger: "code", codes, rule: { type: "order", value: { type: "percentage", percent: 5 } } } });
    expect(p.status, p.text).toBe(201);
    const headers = { "x-cart-token": token };

    const unknown = await call("POST", `/v1/carts/${id}/discount-codes`, { body: { code: "NOSUCHCODE" }, headers });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ pointer: "/code", detail: "Unknown discount code." }]);
    const malformed = await call("POST", `/v1/carts/${id}/discount-codes`, { body: { code: "a b" }, headers });
    expect(malformed.status).toBe(400);
    expect(await codesOf(id)).toEqual([]);

    for (const c of codes.slice(0, 5)) expect((await call("POST", `/v1/carts/${id}/discount-codes`, { body: { code: c.toLowerCase() }, headers })).status).toBe(200);
    expect((await call("POST", `/v1/carts/${id}/discount-codes`, { body: { code: codes[0] }, headers })).status).toBe(200);
    const sixth = await call("POST", `/v1/carts/${id}/discount-codes`, { body: { code: codes[5] }, headers });
    expect(sixth.status).toBe(409);
    expect(await codesOf(id)).toEqual(codes.slice(0, 5));

    expect((await call("DELETE", `/v1/carts/${id}/discount-codes/${codes[0]!.toLowerCase()}`, { headers })).status).toBe(200);
    expect((await call("DELETE", `/v1/carts/${id}/discount-codes/${codes[0]}`, { headers })).status).toBe(404);
    expect(await codesOf(id)).toEqual(codes.slice(1, 5));
  });

  it("only the cart's owner may change it: others get 404, and nothing is stored", async () => {
    const v = await createVariant(2000, 5);
    const { id } = await guestCart([{ variantId: v.id, quantity: 1 }]);
    const c = code();
    await call("POST", "/v1/promotions", { admin: true, body: { title: "X", trigger: "code", codes: [c], rule: { type: "free_shipping" } } });
    expect((await call("POST", `/v1/carts/${id}/discount-codes`, { body: { code: c } })).status).toBe(404);
    expect((await call("POST", `/v1/carts/${id}/discount-codes`, { body: { code: c }, headers: { "x-cart-token": "ctok_wrong" } })).status).toBe(404);
    const card = (await call("POST", "/v1/gift-cards", { admin: true, body: { amount: { amount: 1000, currency: "EUR" } } })).body;
    expect((await call("POST", `/v1/carts/${id}/gift-cards`, { body: { code: card.code } })).status).toBe(404);
    const viaGql = await gql(`mutation($id: ID!, $code: String!) { applyCartDiscountCode(cartId: $id, code: $code) { id } }`, { id, code: c });
    expect(viaGql.errors![0]!.extensions.code).toBe("NOT_FOUND");
    expect(await codesOf(id)).toEqual([]);
  });

  it("applies a gift card by code; refuses other currencies, disabled, empty and unknown cards; store credit only for its owner", async () => {
    const v = await createVariant(2000, 5);
    const { id, token } = await guestCart([{ variantId: v.id, quantity: 1 }]);
    const headers = { "x-cart-token": token };
    const issue = async (amount: number, currency = "EUR") => (await call("POST", "/v1/gift-cards", { admin: true, body: { amount: { amount, currency } } })).body;
    const good = await issue(1000);
    const usd = await issue(1000, "USD");
    const off = await issue(1000);
    await call("PATCH", `/v1/gift-cards/${off.giftCard.id}`, { admin: true, body: { status: "disabled" } });
    const empty = await issue(500);
    await call("POST", `/v1/gift-cards/${empty.giftCard.id}/adjustments`, { admin: true, body: { amount: -500, reference: "empty" } });

    expect((await call("POST", `/v1/carts/${id}/gift-cards`, { body: { code: good.code }, headers })).status).toBe(200);
    for (const [card, detail] of [
      [usd, "This gift card is in USD; the cart is in EUR."],
      [off, "This gift card is disabled."],
      [empty, "This gift card has no balance left."],
      [{ code: "ZZZZ-ZZZZ-ZZZZ-ZZZZ" }, "No gift card has this code."],
    ] as const) {
      const res = await call("POST", `/v1/carts/${id}/gift-cards`, { body: { code: card.code }, headers });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ pointer: "/code", detail }]);
    }
    // A guest cannot apply someone's store credit by id, and learns nothing about it.
    const byId = await call("POST", `/v1/carts/${id}/gift-cards`, { body: { giftCardId: good.giftCard.id }, headers });
    expect(byId.status).toBe(400);
    expect(byId.body.errors).toEqual([{ pointer: "/giftCardId", detail: "You have no gift card or store credit with this id." }]);
    const both = await call("POST", `/v1/carts/${id}/gift-cards`, { body: {}, headers });
    expect(both.status).toBe(400);

    const stored = await env.DB.prepare("SELECT gift_card_id FROM cart_gift_cards WHERE cart_id = ?").bind(id).all<{ gift_card_id: string }>();
    expect(stored.results.map((r) => r.gift_card_id)).toEqual([good.giftCard.id]);
    expect((await call("DELETE", `/v1/carts/${id}/gift-cards/${good.giftCard.id}`, { headers })).status).toBe(200);
    expect((await call("DELETE", `/v1/carts/${id}/gift-cards/${good.giftCard.id}`, { headers })).status).toBe(404);
  });
});
