import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { provideDiscountStep, provideGiftCardStep } from "../../src/modules/carts";
import { giftCardsForCart } from "../../src/modules/gift-cards";
import { discountsForCart } from "../../src/modules/promotions";
import { call } from "../support/helpers";
import { signUp } from "../support/customers-helpers";
import { admin, berlin, cartHeaders, sanFrancisco, workedExample } from "../support/pricing-fixtures";

/**
 * The cart pricing pipeline end to end (docs/pricing.md, "Worked example"): the same cart in the EU
 * market (EUR, prices include tax, a sale price list, weight-based shipping) and in the US market
 * (USD, tax on top, a quantity tier, weight-based shipping), to the cent, over REST and GraphQL, and
 * frozen on the order at checkout.
 */

let ex: Awaited<ReturnType<typeof workedExample>>;
beforeAll(async () => {
  ex = await workedExample({ stock: 100 });
});

// These tests replace steps 3 and 6 with fakes; afterwards the real ones (src/app/wiring.ts) come back.
afterEach(() => {
  provideDiscountStep(discountsForCart);
  provideGiftCardStep(giftCardsForCart);
});

const eur = (amount: number) => ({ amount, currency: "EUR" });
const usd = (amount: number) => ({ amount, currency: "USD" });

async function cartWith(address: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/carts", {
    body: {
      email: "ada@example.com",
      shippingAddress: address,
      lines: [
        { variantId: ex.beans.id, quantity: 2 },
        { variantId: ex.kettle.id, quantity: 1 },
      ],
      ...extra,
    },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.cart.id as string, token: res.body.cartToken as string, cart: res.body.cart };
}

describe("the worked example: one cart, two markets", () => {
  it("EU (DE address): gross prices, the sale price, 7% and 19% included, DHL by weight: 81.90 EUR", async () => {
    const { cart } = await cartWith(berlin());
    expect(cart.market).toMatchObject({ handle: ex.euMarket.handle, currency: "EUR", pricesIncludeTax: true });
    const [beans, kettle] = cart.lines;
    expect(beans).toMatchObject({ unitPrice: eur(1800), priceSource: { kind: "base" }, lineTotal: eur(3600), tax: eur(236), taxRate: 700 });
    expect(kettle).toMatchObject({
      unitPrice: eur(3900),
      compareAtPrice: eur(4900),
      priceSource: { kind: "price_list", priceListId: ex.sale.id, name: "Winter sale", minQuantity: 1 },
      lineTotal: eur(3900),
      tax: eur(623),
      taxRate: 1900,
    });
    // 3.2 kg: the 1-5 kg band of DHL Paket; Express is the other choice.
    expect(cart.shippingMethods.map((m: any) => [m.name, m.amount.amount])).toEqual([["DHL Paket", 690], ["Express", 1490]]);
    expect(cart.shipping).toEqual({ methodId: ex.dhl.id, name: "DHL Paket", amount: eur(690), discount: eur(0), discounts: [], tax: eur(110), taxRate: 1900 });
    expect(cart.totals).toEqual({
      subtotal: eur(7500),
      discount: eur(0),
      shipping: eur(690),
      tax: eur(969),
      taxIncluded: true,
      total: eur(8190),
      giftCards: eur(0),
      amountDue: eur(8190),
    });
  });

  it("US (California address): the quantity tier, 7.25% on top of the kettle only, UPS by weight: 105.98 USD", async () => {
    const { cart } = await cartWith(sanFrancisco());
    expect(cart.market).toMatchObject({ handle: ex.usMarket.handle, currency: "USD", pricesIncludeTax: false });
    const [beans, kettle] = cart.lines;
    expect(beans).toMatchObject({ unitPrice: usd(1700), priceSource: { kind: "price_list", priceListId: ex.bulk.id, minQuantity: 2 }, lineTotal: usd(3400), tax: usd(0) });
    expect(kettle).toMatchObject({ unitPrice: usd(5500), priceSource: { kind: "base" }, lineTotal: usd(5500), tax: usd(399), taxRate: 725 });
    expect(cart.shipping).toMatchObject({ name: "UPS Ground", amount: usd(1299), tax: usd(0) });
    expect(cart.totals).toEqual({
      subtotal: usd(8900),
      discount: usd(0),
      shipping: usd(1299),
      tax: usd(399),
      taxIncluded: false,
      total: usd(10598),
      giftCards: usd(0),
      amountDue: usd(10598),
    });
  });

  it("moves with the address, and GraphQL answers the same numbers", async () => {
    const { id, token } = await cartWith(berlin());
    const moved = await call("PATCH", `/v1/carts/${id}`, { body: { shippingAddress: sanFrancisco() }, headers: cartHeaders(token) });
    expect(moved.status).toBe(200);
    expect(moved.body.totals.total).toEqual(usd(10598));
    const query = `query($id: ID!) { cart(id: $id) {
      market { handle currency pricesIncludeTax }
      lines { sku unitPrice { amount currency } priceSource { kind name minQuantity } tax { amount } taxRate lineTotal { amount } }
      shippingMethods { name amount { amount currency } }
      shipping { name amount { amount } tax { amount } }
      totals { subtotal { amount } shipping { amount } tax { amount } taxIncluded total { amount currency } amountDue { amount } } } }`;
    const res = await call("POST", "/graphql", { body: { query, variables: { id } }, headers: cartHeaders(token) });
    expect(res.body.errors).toBeUndefined();
    const cart = res.body.data.cart;
    expect(cart.market).toEqual({ handle: ex.usMarket.handle, currency: "USD", pricesIncludeTax: false });
    expect(cart.lines.map((l: any) => [l.unitPrice.amount, l.priceSource.kind, l.tax.amount])).toEqual([[1700, "price_list", 0], [5500, "base", 399]]);
    expect(cart.totals).toEqual({ subtotal: { amount: 8900 }, shipping: { amount: 1299 }, tax: { amount: 399 }, taxIncluded: false, total: { amount: 10598, currency: "USD" }, amountDue: { amount: 10598 } });

    // An explicit market wins over the address: the US address priced in the EU market ships nowhere there.
    const chosen = await call("PATCH", `/v1/carts/${id}`, { body: { market: ex.euMarket.handle }, headers: cartHeaders(token) });
    expect(chosen.body.market.handle).toBe(ex.euMarket.handle);
    expect(chosen.body.lines[1].unitPrice).toEqual(eur(3900));
    expect(chosen.body.shippingMethods).toEqual([]);
    expect(chosen.body.shipping).toBeNull();
    const cleared = await call("PATCH", `/v1/carts/${id}`, { body: { market: null }, headers: cartHeaders(token) });
    expect(cleared.body.market.handle).toBe(ex.usMarket.handle);
  });

  it("the shopper chooses a shipping method; a method that cannot ship the cart is refused and nothing changes", async () => {
    const { id, token } = await cartWith(berlin());
    const express = await call("PATCH", `/v1/carts/${id}`, { body: { shippingMethodId: ex.express.id }, headers: cartHeaders(token) });
    expect(express.status).toBe(200);
    expect(express.body.shippingMethodId).toBe(ex.express.id);
    // 39.00 + 14.90 at 19% included: 8.6059 -> 8.61, split 6.2269 / 2.3790 -> floors 6.22 + 2.37 and one cent each.
    expect(express.body.shipping).toMatchObject({ name: "Express", amount: eur(1490), tax: eur(238) });
    expect(express.body.totals).toMatchObject({ shipping: eur(1490), tax: eur(236 + 861), total: eur(7500 + 1490) });

    const wrong = await call("PATCH", `/v1/carts/${id}`, { body: { shippingMethodId: ex.ups.id }, headers: cartHeaders(token) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].pointer).toBe("/shippingMethodId");
    const unknownMarket = await call("PATCH", `/v1/carts/${id}`, { body: { market: "atlantis" }, headers: cartHeaders(token) });
    expect(unknownMarket.status).toBe(400);
    expect(unknownMarket.body.errors[0].pointer).toBe("/market");
    const after = await call("GET", `/v1/carts/${id}`, { headers: cartHeaders(token) });
    expect(after.body.shippingMethodId).toBe(ex.express.id);
    expect(after.body.totals.total).toEqual(eur(8990));
  });

  it("checkout freezes the priced cart on the order: lines with their source and tax, shipping, totals", async () => {
    const { id, token } = await cartWith(berlin());
    const res = await call("POST", `/v1/carts/${id}/checkout`, { body: {}, headers: { ...cartHeaders(token), "idempotency-key": crypto.randomUUID() } });
    expect(res.status, res.text).toBe(201);
    const order = res.body.order;
    expect(order.totals).toEqual({ subtotal: eur(7500), discount: eur(0), shipping: eur(690), tax: eur(969), taxIncluded: true, total: eur(8190), giftCards: eur(0), amountDue: eur(8190) });
    expect(order.market).toMatchObject({ handle: ex.euMarket.handle, pricesIncludeTax: true });
    expect(order.shipping).toEqual({ methodId: ex.dhl.id, name: "DHL Paket", amount: eur(690), discount: eur(0), discounts: [], tax: eur(110), taxRate: 1900 });
    expect(order.lines.map((l: any) => [l.unitPrice.amount, l.priceSource.kind, l.tax.amount, l.taxRate, l.lineTotal.amount])).toEqual([
      [1800, "base", 236, 700, 3600],
      [3900, "price_list", 623, 1900, 3900],
    ]);
    // The snapshot stays when prices change afterwards.
    await admin("DELETE", `/v1/price-lists/${ex.sale.id}`).catch(() => undefined);
    const later = await call("GET", `/v1/orders/${order.id}`, { headers: { "x-order-token": res.body.orderToken } });
    expect(later.body.totals.total).toEqual(eur(8190));
    expect(later.body.lines[1].priceSource.name).toBe("Winter sale");
    const row = await env.DB.prepare("SELECT amount_due, prices_include_tax, market_id FROM orders WHERE id = ?").bind(order.id).first();
    expect(row).toEqual({ amount_due: 8190, prices_include_tax: 1, market_id: ex.euMarket.id });
    // Restore the sale for the other tests of this file.
    ex.sale = await admin("POST", "/v1/price-lists", { name: "Winter sale", currency: "EUR", market: ex.euMarket.handle, prices: [{ variantId: ex.kettle.id, amount: 3900 }] });
  });
});

describe("customer groups, exemptions, tiers and windows", () => {
  it("a tax-exempt wholesale customer in the EU pays net prices with no tax; its group price list applies", async () => {
    const wholesale = await admin("POST", "/v1/customer-groups", { handle: `wholesale-${crypto.randomUUID().slice(0, 8)}`, name: "Wholesale", taxExempt: true });
    const { token, customer } = await signUp();
    await admin("PUT", `/v1/customer-groups/${wholesale.handle}/members/${customer.id}`);
    await admin("POST", "/v1/price-lists", { name: "Trade prices", currency: "EUR", market: ex.euMarket.handle, customerGroup: wholesale.handle, prices: [{ variantId: ex.beans.id, amount: 1500 }] });
    const res = await call("POST", "/v1/carts", { token, body: { shippingAddress: berlin(), lines: [{ variantId: ex.beans.id, quantity: 2 }, { variantId: ex.kettle.id, quantity: 1 }] } });
    expect(res.status, res.text).toBe(201);
    const cart = res.body.cart;
    expect(cart.taxExempt).toBe(true);
    // Gross 15.00 at 7% -> net 14.02; sale 39.00 at 19% -> net 32.77; DHL 6.90 at 19% -> net 5.80.
    expect(cart.lines.map((l: any) => [l.unitPrice.amount, l.priceSource.name, l.tax.amount])).toEqual([[1402, "Trade prices", 0], [3277, "Winter sale", 0]]);
    expect(cart.totals).toMatchObject({ subtotal: eur(2 * 1402 + 3277), shipping: eur(580), tax: eur(0), taxIncluded: false, total: eur(2 * 1402 + 3277 + 580) });

    // A guest with the same cart pays the public prices.
    const guest = await call("POST", "/v1/carts", { body: { shippingAddress: berlin(), lines: [{ variantId: ex.beans.id, quantity: 2 }] } });
    expect(guest.body.cart.lines[0].unitPrice).toEqual(eur(1800));
  });

  it("a price list applies only inside its window, and a draft never", async () => {
    const list = await admin("POST", "/v1/price-lists", {
      name: "Flash sale",
      currency: "EUR",
      market: ex.euMarket.handle,
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      prices: [{ variantId: ex.beans.id, amount: 1000 }],
    });
    const { id, token, cart } = await cartWith(berlin());
    expect(cart.lines[0].unitPrice).toEqual(eur(1800));
    await admin("PATCH", `/v1/price-lists/${list.id}`, { startsAt: new Date(Date.now() - 60_000).toISOString() });
    const started = await call("GET", `/v1/carts/${id}`, { headers: cartHeaders(token) });
    expect(started.body.lines[0]).toMatchObject({ unitPrice: eur(1000), priceSource: { name: "Flash sale" } });
    await admin("PATCH", `/v1/price-lists/${list.id}`, { status: "draft" });
    const drafted = await call("GET", `/v1/carts/${id}`, { headers: cartHeaders(token) });
    expect(drafted.body.lines[0].unitPrice).toEqual(eur(1800));
    await admin("PATCH", `/v1/price-lists/${list.id}`, { status: "active", endsAt: new Date(Date.now() - 1000).toISOString(), startsAt: null });
    const ended = await call("GET", `/v1/carts/${id}`, { headers: cartHeaders(token) });
    expect(ended.body.lines[0].unitPrice).toEqual(eur(1800));
  });

  it("a variant without a price in the market's currency cannot be added, and blocks checkout once the cart moves there", async () => {
    const eurOnly = (await admin("POST", "/v1/products", { title: "Euro only", status: "active", variants: [{ sku: `EURO-${crypto.randomUUID().slice(0, 8)}`, price: { amount: 1000, currency: "EUR" } }] })).variants[0];
    await admin("PUT", `/v1/inventory/${encodeURIComponent(eurOnly.sku)}`, { onHand: 5 });
    const us = await call("POST", "/v1/carts", { body: { shippingAddress: sanFrancisco(), lines: [{ variantId: eurOnly.id, quantity: 1 }] } });
    expect(us.status).toBe(400);
    expect(us.body.errors[0]).toMatchObject({ pointer: "/lines/0/variantId", detail: "No price in USD." });

    const eu = await call("POST", "/v1/carts", { body: { email: "ada@example.com", shippingAddress: berlin(), lines: [{ variantId: eurOnly.id, quantity: 1 }, { variantId: ex.kettle.id, quantity: 1 }] } });
    expect(eu.status).toBe(201);
    const moved = await call("PATCH", `/v1/carts/${eu.body.cart.id}`, { body: { shippingAddress: sanFrancisco() }, headers: cartHeaders(eu.body.cartToken) });
    expect(moved.body.lines[0]).toMatchObject({ priceSource: { kind: "none" }, lineTotal: usd(0) });
    expect(moved.body.totals.subtotal).toEqual(usd(5500));
    const checkout = await call("POST", `/v1/carts/${eu.body.cart.id}/checkout`, { body: {}, headers: { ...cartHeaders(eu.body.cartToken), "idempotency-key": crypto.randomUUID() } });
    expect(checkout.status).toBe(400);
    expect(checkout.body.errors).toEqual([{ pointer: "/lines/0", detail: expect.stringContaining("no price in USD") }]);
    expect((await call("GET", `/v1/carts/${eu.body.cart.id}`, { headers: cartHeaders(eu.body.cartToken) })).body.status).toBe("open");
  });
});

describe("hook points for promotions (steps 3 and 6)", () => {
  it("taxes the discounted amounts, keeps every line at or above zero, and applies gift cards last", async () => {
    const seen: any[] = [];
    provideDiscountStep(async (_ctx, input) => {
      seen.push(input);
      const [beans, kettle] = input.lines;
      return {
        // 10% off the beans line, an oversized discount on the kettle (capped at its total), 2.00 off shipping.
        lines: [
          { lineId: beans!.lineId, discounts: [{ promotionId: "promo_beans", code: "BEANS10", amount: 360 }] },
          { lineId: kettle!.lineId, discounts: [{ promotionId: "promo_big", amount: 99_999 }] },
        ],
        shippingDiscounts: [{ promotionId: "promo_ship", amount: 200 }],
        applied: [{ promotionId: "promo_beans", code: "BEANS10", title: "10% off beans", amount: 360 }],
        rejectedCodes: [{ code: "OLD", reason: "expired" }],
      };
    });
    provideGiftCardStep(async (_ctx, input) => ({ applied: [{ giftCardId: "gc_1", kind: "gift_card", last4: "1234", amount: 2000, reason: null }], amountDue: input.total - 2000 }));
    const { cart } = await cartWith(berlin());
    expect(seen[0]).toMatchObject({ currency: "EUR", pricesIncludeTax: true, shipping: { methodId: ex.dhl.id, amount: 690 }, lines: [{ quantity: 2, unitPrice: 1800 }, { quantity: 1, unitPrice: 3900 }] });
    expect(seen[0].lines[0].categoryIds).toEqual([]);
    const [beans, kettle] = cart.lines;
    expect(beans).toMatchObject({ lineTotal: eur(3240), discounts: [{ promotionId: "promo_beans", code: "BEANS10", amount: eur(360) }] });
    // 7% included in 32.40: 211.96 -> 212.
    expect(beans.tax).toEqual(eur(212));
    expect(kettle).toMatchObject({ lineTotal: eur(0), tax: eur(0), discounts: [{ amount: eur(3900) }] });
    // Shipping 6.90 - 2.00 = 4.90 at 19% included: 78.24 -> 78.
    expect(cart.shipping).toMatchObject({ amount: eur(690), discount: eur(200), discounts: [{ promotionId: "promo_ship", code: null, amount: eur(200) }], tax: eur(78) });
    expect(cart.totals).toEqual({
      subtotal: eur(7500),
      discount: eur(360 + 3900 + 200),
      shipping: eur(690),
      tax: eur(212 + 78),
      taxIncluded: true,
      total: eur(7500 - 4460 + 690),
      giftCards: eur(2000),
      amountDue: eur(3730 - 2000),
    });
    expect(cart.discounts).toEqual({ applied: [{ promotionId: "promo_beans", code: "BEANS10", title: "10% off beans", amount: eur(360) }], rejectedCodes: [{ code: "OLD", reason: "expired" }] });
    expect(cart.giftCards).toEqual([{ giftCardId: "gc_1", kind: "gift_card", last4: "1234", amount: eur(2000), reason: null }]);
  });
});
