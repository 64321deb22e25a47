import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { releaseStock, setStock } from "../../src/modules/inventory";
import { call, gql } from "../support/helpers";
import { address, checkoutCart, createVariant, createVariants, guestCart, level } from "../support/fixtures";

const ordersOfCart = async (cartId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM orders WHERE cart_id = ?").bind(cartId).first<{ n: number }>())!.n;

describe("checkout", () => {
  it("turns a cart into an order: price snapshots, totals, one order.placed event, holds become sales", async () => {
    const [a, b] = await createVariants([1999, 500], { stock: 10 });
    const { id, token, cart: created } = await guestCart([
      { variantId: a!.id, quantity: 2 },
      { variantId: b!.id, quantity: 1 },
      { variantId: a!.id, quantity: 1 },
    ]);
    const res = await checkoutCart(id, token);
    expect(res.status, res.text).toBe(201);
    const { order, orderToken } = res.body;
    expect(orderToken).toMatch(/^otok_/);
    expect(order).toMatchObject({
      status: "placed",
      cartId: id,
      customerId: null,
      email: created.email,
      shippingAddress: created.shippingAddress,
      paymentProvider: "manual",
      payments: [],
      // Risk assessments are for admins; the guest sees the order without one.
      risk: null,
    });
    expect(order.stockCommittedAt).toEqual(expect.any(String));
    expect(order.id).toMatch(/^ord_/);
    expect(order.number).toMatch(/^ES-[0-9A-Z]{8}$/);
    expect(order.lines.map((l: any) => [l.sku, l.quantity, l.unitPrice.amount, l.lineTotal.amount])).toEqual([
      [a!.sku, 2, 1999, 3998],
      [b!.sku, 1, 500, 500],
      [a!.sku, 1, 1999, 1999],
    ]);
    // 6497 + 490 shipping, 19% tax of 6987 = 1327.53 -> 1328
    expect(order.totals).toEqual({
      subtotal: { amount: 6497, currency: "EUR" },
      discount: { amount: 0, currency: "EUR" },
      shipping: { amount: 490, currency: "EUR" },
      tax: { amount: 1328, currency: "EUR" },
      taxIncluded: false,
      total: { amount: 8315, currency: "EUR" },
      giftCards: { amount: 0, currency: "EUR" },
      amountDue: { amount: 8315, currency: "EUR" },
    });
    // The pricing snapshot: each line's tax (allocated from the rate's total) adds up with shipping's.
    expect(order.lines.map((l: any) => l.priceSource.kind)).toEqual(["base", "base", "base"]);
    expect(order.lines.reduce((sum: number, l: any) => sum + l.tax.amount, 0) + order.shipping.tax.amount).toBe(1328);
    expect(order.market).toMatchObject({ handle: "default", currency: "EUR", pricesIncludeTax: false });
    expect(await level(a!.sku)).toEqual({ sku: a!.sku, onHand: 7, reserved: 0, available: 7 });
    expect(await level(b!.sku)).toEqual({ sku: b!.sku, onHand: 9, reserved: 0, available: 9 });

    const events = await env.DB.prepare("SELECT type, payload FROM events WHERE resource_id = ?").bind(order.id).all<{ type: string; payload: string }>();
    expect(events.results.map((e) => e.type)).toEqual(["order.placed"]);
    expect(JSON.parse(events.results[0]!.payload).data).toMatchObject({
      id: order.id,
      number: order.number,
      status: "placed",
      total: { amount: 8315, currency: "EUR" },
      lines: [{ sku: a!.sku, quantity: 2, unitPrice: { amount: 1999, currency: "EUR" } }, { sku: b!.sku }, { sku: a!.sku }],
    });

    const cart = await call("GET", `/v1/carts/${id}`, { headers: { "x-cart-token": token } });
    expect(cart.body).toMatchObject({ status: "completed", orderId: order.id });
    const again = await checkoutCart(id, token);
    expect(again.status).toBe(409);
    const change = await call("POST", `/v1/carts/${id}/lines`, { body: { variantId: a!.id, quantity: 1 }, headers: { "x-cart-token": token } });
    expect(change.status).toBe(409);
  });

  it("needs an Idempotency-Key, and refuses bad input without writing anything", async () => {
    const v = await createVariant(1000, 5);
    const { id, token } = await guestCart([{ variantId: v.id, quantity: 2 }]);
    const noKey = await call("POST", `/v1/carts/${id}/checkout`, { body: {}, headers: { "x-cart-token": token } });
    expect(noKey.status).toBe(400);
    expect(noKey.body.type).toBe("https://edgeshop.dev/problems/idempotency-key-required");

    const badEmail = await checkoutCart(id, token, crypto.randomUUID(), { email: "nope" });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors[0].pointer).toBe("/email");
    const badCountry = await checkoutCart(id, token, crypto.randomUUID(), { shippingAddress: { ...address(), country: "Germany" } });
    expect(badCountry.status).toBe(400);

    const bare = await call("POST", "/v1/carts", { body: { lines: [{ variantId: v.id, quantity: 1 }] } });
    const notReady = await checkoutCart(bare.body.cart.id, bare.body.cartToken);
    expect(notReady.status).toBe(400);
    expect(notReady.body.errors.map((e: any) => e.pointer)).toEqual(["/email", "/shippingAddress"]);
    const empty = await guestCart();
    expect((await checkoutCart(empty.id, empty.token)).body.errors[0].pointer).toBe("/lines");

    expect(await ordersOfCart(id)).toBe(0);
    expect(await level(v.sku)).toMatchObject({ onHand: 5, reserved: 3 });
    expect((await call("GET", `/v1/carts/${id}`, { headers: { "x-cart-token": token } })).body.status).toBe("open");
    // Another guest cannot check this cart out.
    const other = await guestCart();
    expect((await checkoutCart(id, other.token)).status).toBe(404);
    expect(await ordersOfCart(id)).toBe(0);
  });

  it("is all-or-nothing across SKUs and names every short SKU with what is available", async () => {
    const [a, b, c] = await createVariants([1000, 1000, 1000], { stock: 10 });
    const { id, token } = await guestCart([
      { variantId: a!.id, quantity: 2 },
      { variantId: b!.id, quantity: 3 },
      { variantId: c!.id, quantity: 4 },
    ]);
    // While the cart sat, its holds on b and c expired and others bought stock.
    await releaseStock(env, { sku: b!.sku, owner: `cart:${id}` });
    await releaseStock(env, { sku: c!.sku, owner: `cart:${id}` });
    await setStock(env, { sku: b!.sku, onHand: 1 });
    await setStock(env, { sku: c!.sku, onHand: 0 });
    const res = await checkoutCart(id, token);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe("https://edgeshop.dev/problems/insufficient-stock");
    expect(res.body.failures).toEqual(
      expect.arrayContaining([
        { sku: b!.sku, requested: 3, available: 1 },
        { sku: c!.sku, requested: 4, available: 0 },
      ]),
    );
    expect(res.body.failures).toHaveLength(2);
    // Nothing was taken: a keeps exactly the cart's hold, b and c are untouched, no order.
    expect(await level(a!.sku)).toMatchObject({ onHand: 10, reserved: 2 });
    expect(await level(b!.sku)).toMatchObject({ onHand: 1, reserved: 0 });
    expect(await level(c!.sku)).toMatchObject({ onHand: 0, reserved: 0 });
    expect(await ordersOfCart(id)).toBe(0);
    // The cart is open again: fix it and check out.
    const cart = await call("GET", `/v1/carts/${id}`, { headers: { "x-cart-token": token } });
    expect(cart.body.status).toBe("open");
    await call("DELETE", `/v1/carts/${id}/lines/${cart.body.lines[2].id}`, { headers: { "x-cart-token": token } });
    await call("PATCH", `/v1/carts/${id}/lines/${cart.body.lines[1].id}`, { body: { quantity: 1 }, headers: { "x-cart-token": token } });
    expect((await checkoutCart(id, token)).status).toBe(201);
    expect(await level(b!.sku)).toMatchObject({ onHand: 0, reserved: 0, available: 0 });
  });

  it("stock 5, 50 carts checked out at once: exactly 5 orders, 45 clear out-of-stock errors, nothing oversold", async () => {
    const v = await createVariant(1200, 50);
    // Fifty shoppers put the item in their carts while there was plenty...
    const carts = await Promise.all(Array.from({ length: 50 }, () => guestCart([{ variantId: v.id, quantity: 1 }])));
    expect(await level(v.sku)).toMatchObject({ reserved: 50, available: 0 });
    // ...then their holds expired and stock was corrected down to 5. Checkout must re-hold.
    await Promise.all(carts.map((c) => releaseStock(env, { sku: v.sku, owner: `cart:${c.id}` })));
    await setStock(env, { sku: v.sku, onHand: 5 });

    const results = await Promise.all(carts.map((c) => checkoutCart(c.id, c.token)));
    const placed = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(placed).toHaveLength(5);
    expect(refused).toHaveLength(45);
    for (const r of refused) {
      expect(r.body.type).toBe("https://edgeshop.dev/problems/insufficient-stock");
      expect(r.body.failures).toEqual([{ sku: v.sku, requested: 1, available: 0 }]);
    }
    expect(await level(v.sku)).toEqual({ sku: v.sku, onHand: 0, reserved: 0, available: 0 });
    // The ledger adds up: what the orders bought is exactly what left the shelf.
    const sold = await env.DB.prepare("SELECT count(DISTINCT order_id) AS orders, sum(quantity) AS units FROM order_lines WHERE sku = ?")
      .bind(v.sku)
      .first<{ orders: number; units: number }>();
    expect(sold).toEqual({ orders: 5, units: 5 });
    const events = await env.DB.prepare(
      "SELECT count(*) AS n FROM events WHERE type = 'order.placed' AND resource_id IN (SELECT order_id FROM order_lines WHERE sku = ?)",
    )
      .bind(v.sku)
      .first<{ n: number }>();
    expect(events!.n).toBe(5);
    // The refused carts are open again (their shoppers can change them), the winners completed.
    const statuses = await env.DB.prepare(`SELECT status, count(*) AS n FROM carts WHERE id IN (${carts.map(() => "?").join(",")}) GROUP BY status ORDER BY status`)
      .bind(...carts.map((c) => c.id))
      .all<{ status: string; n: number }>();
    expect(statuses.results).toEqual([
      { status: "completed", n: 5 },
      { status: "open", n: 45 },
    ]);
  });

  it("one idempotency key sent 20 times at once: one order, 20 identical responses", async () => {
    const v = await createVariant(1000, 10);
    const { id, token } = await guestCart([{ variantId: v.id, quantity: 2 }]);
    const key = crypto.randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => checkoutCart(id, token, key)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(19);
    expect(await ordersOfCart(id)).toBe(1);
    expect(await level(v.sku)).toMatchObject({ onHand: 8, reserved: 0 });

    // Later retries replay too; the same key with another payload is a 422.
    const later = await checkoutCart(id, token, key);
    expect(later.text).toBe(results[0]!.text);
    const reused = await checkoutCart(id, token, key, { email: "other@example.com" });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe("https://edgeshop.dev/problems/idempotency-key-reused");
    // Keys are scoped to the caller: another guest's identical key is a different key.
    const other = await guestCart([{ variantId: v.id, quantity: 1 }]);
    const theirs = await checkoutCart(other.id, other.token, key);
    expect(theirs.status).toBe(201);
    expect(theirs.body.order.id).not.toBe(results[0]!.body.order.id);
  });

  it("allows at most one order per cart when the same cart is checked out concurrently with different keys", async () => {
    const v = await createVariant(1000, 10);
    const { id, token } = await guestCart([{ variantId: v.id, quantity: 3 }]);
    const results = await Promise.all(Array.from({ length: 10 }, () => checkoutCart(id, token)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
    expect(await ordersOfCart(id)).toBe(1);
    expect(await level(v.sku)).toEqual({ sku: v.sku, onHand: 7, reserved: 0, available: 7 });
  });

  it("checks out over GraphQL with idempotencyKey; replays return the same result", async () => {
    const v = await createVariant(2500, 5);
    const { id, token } = await guestCart([{ variantId: v.id, quantity: 1 }]);
    const mutation = `mutation($cartId: ID!, $key: String) { checkout(cartId: $cartId, idempotencyKey: $key, email: "g@example.com") {
      orderToken order { id number status email totals { total { amount currency } } lines { sku quantity unitPrice { amount } } } } }`;
    const send = (key: string | null) => call("POST", "/graphql", { body: { query: mutation, variables: { cartId: id, key } }, headers: { "x-cart-token": token } });

    const missing = await send(null);
    expect(missing.body.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_REQUIRED");
    const key = crypto.randomUUID();
    const [first, second] = await Promise.all([send(key), send(key)]);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.checkout.order).toMatchObject({ status: "PLACED", email: "g@example.com", lines: [{ sku: v.sku, quantity: 1, unitPrice: { amount: 2500 } }] });
    // The replay carries the same result; only extensions.cost (this request's own accounting) differs.
    expect({ data: second.body.data, errors: second.body.errors }).toEqual({ data: first.body.data, errors: first.body.errors });
    expect(second.body.extensions.cost.requestedQueryCost).toBe(first.body.extensions.cost.requestedQueryCost);
    expect(await ordersOfCart(id)).toBe(1);
    expect(await level(v.sku)).toMatchObject({ onHand: 4 });

    const anon = await gql(`{ order(id: "${first.body.data.checkout.order.id}") { id } }`);
    expect(anon.data.order).toBeNull();
  });
});
