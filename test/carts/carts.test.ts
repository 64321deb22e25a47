import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { mergeGuestCart } from "../../src/modules/carts";
import { holdStock, releaseStock, setStock } from "../../src/modules/inventory";
import { call, gql } from "../support/helpers";
import { address, createVariant, guestCart, level } from "../support/fixtures";

describe("carts: guest carts and their token", () => {
  it("creates a guest cart whose token is needed for every later call (REST and GraphQL)", async () => {
    const { id, token, cart } = await guestCart();
    expect(token).toMatch(/^ctok_/);
    expect(cart).toMatchObject({ status: "open", customerId: null, lines: [], totals: null, holdMinutes: 15 });

    expect((await call("GET", `/v1/carts/${id}`, { headers: { "x-cart-token": token } })).status).toBe(200);
    for (const headers of [{}, { "x-cart-token": "ctok_guessed" }] as Record<string, string>[]) {
      const res = await call("GET", `/v1/carts/${id}`, { headers });
      expect(res.status).toBe(404);
      expect(res.body.type).toBe("https://edgeshop.dev/problems/not-found");
    }
    const other = await guestCart();
    // Another guest's token opens only that guest's cart: not this one, not by guessing ids.
    expect((await call("GET", `/v1/carts/${id}`, { headers: { "x-cart-token": other.token } })).status).toBe(404);
    const variant = await createVariant(1000, 5);
    const write = await call("POST", `/v1/carts/${id}/lines`, { body: { variantId: variant.id, quantity: 1 }, headers: { "x-cart-token": other.token } });
    expect(write.status).toBe(404);
    expect((await level(variant.sku)).reserved).toBe(0);

    const query = "query($id: ID!) { cart(id: $id) { id status } }";
    const anon = await gql(query, { id });
    expect(anon.data.cart).toBeNull();
    const res = await call("POST", "/graphql", { body: { query, variables: { id } }, headers: { "x-cart-token": token } });
    expect(res.body.data.cart).toEqual({ id, status: "OPEN" });
    const change = await call("POST", "/graphql", {
      body: { query: `mutation { addCartLine(cartId: "${id}", variantId: "${variant.id}", quantity: 1) { id } }` },
      headers: { "x-cart-token": other.token },
    });
    expect(change.body.errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("computes totals on the server: subtotal, flat shipping and tax per country", async () => {
    const a = await createVariant(1999, 10);
    const b = await createVariant(500, 10);
    const { id, token } = await guestCart([
      { variantId: a.id, quantity: 2 },
      { variantId: b.id, quantity: 1 },
    ]);
    const res = await call("GET", `/v1/carts/${id}`, { headers: { "x-cart-token": token } });
    // The default market (EUR, tax on top) with the seed defaults of SHIPPING_RATES / TAX_RATES:
    // DE: shipping 490, tax 19% of (4498 + 490) = 947.72 -> 948
    expect(res.body.totals).toEqual({
      subtotal: { amount: 4498, currency: "EUR" },
      discount: { amount: 0, currency: "EUR" },
      shipping: { amount: 490, currency: "EUR" },
      tax: { amount: 948, currency: "EUR" },
      taxIncluded: false,
      total: { amount: 5936, currency: "EUR" },
      giftCards: { amount: 0, currency: "EUR" },
      amountDue: { amount: 5936, currency: "EUR" },
    });
    expect(res.body.lines[0]).toMatchObject({ sku: a.sku, quantity: 2, unitPrice: { amount: 1999, currency: "EUR" }, lineTotal: { amount: 3998, currency: "EUR" } });

    // Unknown country: the default rates (990 shipping, 0 tax).
    const moved = await call("PATCH", `/v1/carts/${id}`, { body: { shippingAddress: address("JP") }, headers: { "x-cart-token": token } });
    expect(moved.body.totals.shipping.amount).toBe(990);
    expect(moved.body.totals.tax.amount).toBe(0);
    expect(moved.body.totals.total.amount).toBe(4498 + 990);

    const gqlRes = await call("POST", "/graphql", {
      body: { query: `{ cart(id: "${id}") { totals { subtotal { amount currency } total { amount } } lines { sku quantity } } }` },
      headers: { "x-cart-token": token },
    });
    expect(gqlRes.body.data.cart.totals).toEqual({ subtotal: { amount: 4498, currency: "EUR" }, total: { amount: 5488 } });
  });

  it("holds stock per line and refuses more than is available with a clear 409 (both transports)", async () => {
    const v = await createVariant(1000, 5);
    const { id, token } = await guestCart([{ variantId: v.id, quantity: 3 }]);
    expect(await level(v.sku)).toMatchObject({ onHand: 5, reserved: 3, available: 2 });

    // A second line of the same SKU is held together with the first: 3 + 3 > 5.
    const res = await call("POST", `/v1/carts/${id}/lines`, { body: { variantId: v.id, quantity: 3 }, headers: { "x-cart-token": token } });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe("https://edgeshop.dev/problems/insufficient-stock");
    expect(res.body.detail).toContain("Only 2");
    expect(res.body.failures).toEqual([{ sku: v.sku, requested: 3, available: 2 }]);

    const g = await call("POST", "/graphql", {
      body: { query: `mutation { addCartLine(cartId: "${id}", variantId: "${v.id}", quantity: 4) { id } }` },
      headers: { "x-cart-token": token },
    });
    expect(g.body.errors[0].extensions).toMatchObject({ code: "INSUFFICIENT_STOCK", failures: [{ sku: v.sku, requested: 4, available: 2 }] });
    expect((await level(v.sku)).reserved).toBe(3);

    const ok = await call("POST", `/v1/carts/${id}/lines`, { body: { variantId: v.id, quantity: 2 }, headers: { "x-cart-token": token } });
    expect(ok.status).toBe(201);
    expect(ok.body.lines.map((l: any) => l.quantity)).toEqual([3, 2]);
    expect(await level(v.sku)).toMatchObject({ reserved: 5, available: 0 });

    // Changing and removing lines re-holds and releases.
    const line = ok.body.lines[0].id;
    const lowered = await call("PATCH", `/v1/carts/${id}/lines/${line}`, { body: { quantity: 1 }, headers: { "x-cart-token": token } });
    expect(lowered.status).toBe(200);
    expect((await level(v.sku)).reserved).toBe(3);
    const tooMany = await call("PATCH", `/v1/carts/${id}/lines/${line}`, { body: { quantity: 4 }, headers: { "x-cart-token": token } });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.failures[0].available).toBe(3);
    const removed = await call("DELETE", `/v1/carts/${id}/lines/${line}`, { headers: { "x-cart-token": token } });
    expect(removed.body.lines).toHaveLength(1);
    expect((await level(v.sku)).reserved).toBe(2);
    await call("DELETE", `/v1/carts/${id}/lines/${removed.body.lines[0].id}`, { headers: { "x-cart-token": token } });
    expect(await level(v.sku)).toMatchObject({ reserved: 0, available: 5 });
  });

  it("writes nothing for bad input", async () => {
    const v = await createVariant(1000, 5);
    const usd = await createVariant(1000, 5, "USD");
    const { id, token } = await guestCart([{ variantId: v.id, quantity: 1 }]);
    const before = await call("GET", `/v1/carts/${id}`, { headers: { "x-cart-token": token } });
    const bad = [
      { variantId: v.id, quantity: 0 },
      { variantId: v.id, quantity: 1.5 },
      { variantId: "var_nope", quantity: 1 },
      { variantId: usd.id, quantity: 1 },
      { variantId: v.id, quantity: 1, extra: true },
    ];
    for (const body of bad) {
      const res = await call("POST", `/v1/carts/${id}/lines`, { body, headers: { "x-cart-token": token } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const patch = await call("PATCH", `/v1/carts/${id}`, { body: { email: "not-an-email" }, headers: { "x-cart-token": token } });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].pointer).toBe("/email");
    const after = await call("GET", `/v1/carts/${id}`, { headers: { "x-cart-token": token } });
    expect(after.body).toEqual(before.body);
    expect(await level(v.sku)).toMatchObject({ reserved: 1 });
    expect((await level(usd.sku)).reserved).toBe(0);

    // A cart whose initial lines cannot be held is not created at all, and holds nothing.
    const count = async () => (await env.DB.prepare("SELECT count(*) AS n FROM carts").first<{ n: number }>())!.n;
    const carts = await count();
    // The default market sells in EUR: the USD-only variant is not sold there.
    const res = await call("POST", "/v1/carts", { body: { lines: [{ variantId: v.id, quantity: 1 }, { variantId: usd.id, quantity: 1 }] } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe("/lines/1/variantId");
    const short = await call("POST", "/v1/carts", { body: { lines: [{ variantId: v.id, quantity: 1 }, { variantId: v.id, quantity: 9 }] } });
    expect(short.status).toBe(409);
    expect(await count()).toBe(carts);
    expect((await level(usd.sku)).reserved).toBe(0);
    expect((await level(v.sku)).reserved).toBe(1);
  });

  it("releases expired holds through the inventory alarm", async () => {
    const v = await createVariant(1000, 4);
    // Long enough that a loaded machine still reads the hold before it expires (100 ms did not).
    const held = await holdStock(env, { sku: v.sku, owner: "cart:expiring", quantity: 3, ttlMs: 2_000 });
    expect(held).toMatchObject({ ok: true, available: 1 });
    expect(await level(v.sku)).toMatchObject({ reserved: 3, available: 1 });
    await new Promise((r) => setTimeout(r, 2_050));
    // The alarm may already have run on its own; either way the hold is gone once it has.
    await runDurableObjectAlarm(env.INVENTORY.get(env.INVENTORY.idFromName(v.sku)));
    expect(await level(v.sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
  });

  it("merges a guest cart into the customer's cart at sign-in; the guest token stops working", async () => {
    const v = await createVariant(1000, 10);
    const w = await createVariant(700, 10);
    const customerId = `cus_${crypto.randomUUID()}`;
    const services = (actor: Parameters<typeof createServiceContext>[0]["actor"]) => createServiceContext({ env, actor, requestId: "test" });
    // Without a customer cart the guest cart becomes the customer's.
    const first = await guestCart([{ variantId: v.id, quantity: 2 }]);
    await mergeGuestCart(services({ kind: "anonymous" }), { cartToken: first.token, customerId });
    expect((await call("GET", `/v1/carts/${first.id}`, { headers: { "x-cart-token": first.token } })).status).toBe(404);
    const owned = await call("GET", `/v1/carts/${first.id}`, { admin: true });
    expect(owned.body).toMatchObject({ customerId, status: "open", lines: [{ sku: v.sku, quantity: 2 }] });

    // With one, the guest's lines move into it and the holds follow.
    const second = await guestCart([{ variantId: w.id, quantity: 3 }]);
    await mergeGuestCart(services({ kind: "anonymous" }), { cartToken: second.token, customerId });
    const merged = await call("GET", `/v1/carts/${first.id}`, { admin: true });
    expect(merged.body.lines.map((l: any) => [l.sku, l.quantity])).toEqual([
      [v.sku, 2],
      [w.sku, 3],
    ]);
    expect((await call("GET", `/v1/carts/${second.id}`, { admin: true })).body.status).toBe("merged");
    expect(await level(w.sku)).toMatchObject({ reserved: 3 });
    // An unknown token is a no-op.
    await mergeGuestCart(services({ kind: "anonymous" }), { cartToken: "ctok_unknown", customerId });
  });

  it("keeps customers' carts to themselves (service layer, both transports share it)", async () => {
    const { createCart, getCart, addLine } = await import("../../src/modules/carts/service");
    const v = await createVariant(1000, 10);
    const alice = createServiceContext({ env, actor: { kind: "customer", customerId: "cus_alice" }, requestId: "t" });
    const bob = createServiceContext({ env, actor: { kind: "customer", customerId: "cus_bob" }, requestId: "t" });
    const created = await createCart(alice, { lines: [{ variantId: v.id, quantity: 1 }] });
    expect(created.cartToken).toBeNull();
    expect(created.cart.customerId).toBe("cus_alice");
    expect((await getCart(alice, created.cart.id)).lines).toHaveLength(1);
    await expect(getCart(bob, created.cart.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(addLine(bob, created.cart.id, { variantId: v.id, quantity: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await level(v.sku)).reserved).toBe(1);
  });

  it("lets stock come back for others when a cart's hold is released", async () => {
    const v = await createVariant(1000, 1);
    const a = await guestCart([{ variantId: v.id, quantity: 1 }]);
    const blocked = await call("POST", "/v1/carts", { body: { lines: [{ variantId: v.id, quantity: 1 }] } });
    expect(blocked.status).toBe(409);
    await releaseStock(env, { sku: v.sku, owner: `cart:${a.id}` });
    const b = await call("POST", "/v1/carts", { body: { lines: [{ variantId: v.id, quantity: 1 }] } });
    expect(b.status).toBe(201);
    await setStock(env, { sku: v.sku, onHand: 1 });
  });
});
