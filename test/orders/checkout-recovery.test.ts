import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import type { InventoryObject } from "../../src/modules/inventory/inventory-object";
import { claimCheckout, holdOwner } from "../../src/modules/carts";
import { holdAll } from "../../src/modules/inventory";
import { checkout, releaseAbandonedCheckouts } from "../../src/modules/orders";
import { attemptOwner, CHECKOUT_HOLD_MS } from "../../src/modules/orders/stock";
import { call } from "../support/helpers";
import { checkoutCart, createVariant, createVariants, guestCart, level } from "../support/fixtures";

type Hold = { owner: string; quantity: number; expires_at: number | null };

/** Every hold on a SKU, read from its inventory object's own SQLite. */
async function holdsOf(sku: string): Promise<Hold[]> {
  const stub = env.INVENTORY.get(env.INVENTORY.idFromName(sku));
  return runInDurableObject(stub, (_object: InventoryObject, state) => state.storage.sql.exec<Hold>("SELECT owner, quantity, expires_at FROM holds ORDER BY owner").toArray());
}

const guest = (token: string) => createServiceContext({ env, actor: { kind: "anonymous" }, requestId: "test", cartToken: token });

/**
 * What a Worker that dies between holding the stock and writing the order leaves behind: the cart claimed
 * (`checking_out`) and the stock held by the checkout attempt for the checkout's hour. Built with the same
 * calls checkout makes, then nothing more (a crash runs no rollback).
 */
async function crashAfterHolding(cart: { id: string; token: string }, lines: { sku: string; quantity: number }[]) {
  const claim = await claimCheckout(guest(cart.token), cart.id);
  const held = await holdAll(env, { owner: attemptOwner(claim), lines, ttlMs: CHECKOUT_HOLD_MS, absorb: [holdOwner(cart.id)] });
  expect(held.ok).toBe(true);
  return claim;
}

describe("a checkout that crashes between holding stock and writing the order", () => {
  it("holds the stock under the checkout attempt, and the cron gives it back to the cart promptly", async () => {
    const variant = await createVariant(1200, 3);
    const cart = await guestCart([{ variantId: variant.id, quantity: 3 }]);
    const claim = await crashAfterHolding(cart, [{ sku: variant.sku, quantity: 3 }]);

    // The attempt took over the cart's hold in one inventory transaction: 3 reserved, not 6, for an hour.
    const held = await holdsOf(variant.sku);
    expect(held.map((h) => [h.owner, h.quantity])).toEqual([[attemptOwner(claim), 3]]);
    expect(held[0]!.expires_at! - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(await level(variant.sku)).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
    expect((await call("GET", `/v1/carts/${cart.id}`, { headers: { "x-cart-token": cart.token } })).body.status).toBe("checking_out");

    // While the claim's lease runs, a live checkout could still be writing: nothing happens.
    expect((await releaseAbandonedCheckouts(env, new Date())).released).toBe(0);
    expect((await holdsOf(variant.sku)).map((h) => h.owner)).toEqual([attemptOwner(claim)]);

    // After the lease (2 minutes): the units go back to the cart under the cart's own expiry, the cart reopens.
    const { released } = await releaseAbandonedCheckouts(env, new Date(Date.now() + 3 * 60_000));
    expect(released).toBeGreaterThanOrEqual(1);
    const back = await holdsOf(variant.sku);
    expect(back.map((h) => [h.owner, h.quantity])).toEqual([[holdOwner(cart.id), 3]]);
    expect(back[0]!.expires_at! - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect((await call("GET", `/v1/carts/${cart.id}`, { headers: { "x-cart-token": cart.token } })).body.status).toBe("open");
    // Running it again changes nothing.
    await releaseAbandonedCheckouts(env, new Date(Date.now() + 4 * 60_000));
    expect((await holdsOf(variant.sku)).map((h) => [h.owner, h.quantity])).toEqual([[holdOwner(cart.id), 3]]);

    // The shopper checks out again: sold once, nothing left held.
    const placed = await checkoutCart(cart.id, cart.token);
    expect(placed.status, placed.text).toBe(201);
    expect(await level(variant.sku)).toMatchObject({ onHand: 0, reserved: 0, available: 0 });
    expect(await holdsOf(variant.sku)).toEqual([]);
  });

  it("a retry that takes over the expired claim takes over the dead attempt's holds too (no double hold)", async () => {
    // Exactly as many units as the cart wants: a second hold next to the dead attempt's would not fit.
    const variant = await createVariant(1200, 2);
    const cart = await guestCart([{ variantId: variant.id, quantity: 2 }]);
    const claim = await crashAfterHolding(cart, [{ sku: variant.sku, quantity: 2 }]);
    // The lease expires (backdate the claim instead of waiting two minutes).
    await env.DB.prepare("UPDATE carts SET checkout_claimed_at = ? WHERE id = ?").bind(new Date(Date.now() - 5 * 60_000).toISOString(), cart.id).run();

    const placed = await checkoutCart(cart.id, cart.token);
    expect(placed.status, placed.text).toBe(201);
    expect(await level(variant.sku)).toMatchObject({ onHand: 0, reserved: 0 });
    expect((await holdsOf(variant.sku)).filter((h) => h.owner === attemptOwner(claim))).toEqual([]);
    // The cron finds nothing to undo: the cart is completed.
    await releaseAbandonedCheckouts(env, new Date(Date.now() + 3 * 60_000));
    expect(await level(variant.sku)).toMatchObject({ onHand: 0, reserved: 0 });
  });

  it("a failed checkout gives the attempt's holds back to the cart", async () => {
    const [ok, short] = await createVariants([1000, 1000], { stock: 2 });
    const cart = await guestCart([
      { variantId: ok!.id, quantity: 2 },
      { variantId: short!.id, quantity: 2 },
    ]);
    // Someone else's hold takes one unit of `short` that the cart does not hold any more (its hold expired).
    await env.INVENTORY.get(env.INVENTORY.idFromName(short!.sku)).hold(short!.sku, holdOwner(cart.id), 0, null);
    await env.INVENTORY.get(env.INVENTORY.idFromName(short!.sku)).hold(short!.sku, "cart:someone-else", 1, 60_000);
    const res = await checkoutCart(cart.id, cart.token);
    expect(res.status).toBe(409);
    expect(res.body.type).toContain("insufficient-stock");
    expect((await holdsOf(ok!.sku)).map((h) => [h.owner, h.quantity])).toEqual([[holdOwner(cart.id), 2]]);
  });
});

describe("a retry with the same Idempotency-Key after a crash", () => {
  it("gets the order back, with the guest's order token, instead of 409 already checked out", async () => {
    const variant = await createVariant(2500, 5);
    const cart = await guestCart([{ variantId: variant.id, quantity: 1 }]);
    const key = crypto.randomUUID();
    // The first request ran checkout with this key and died before its response was stored or sent:
    // the order exists, the client never saw it, and the key has no stored response.
    const lost = await checkout(guest(cart.token), cart.id, {}, { idempotencyKey: key });

    const retry = await checkoutCart(cart.id, cart.token, key);
    expect(retry.status, retry.text).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.order.id).toBe(lost.order.id);
    expect(retry.body.orderToken).toBe(lost.orderToken);
    // The token works: the guest can read the order with it alone.
    const read = await call("GET", `/v1/orders/${lost.order.id}`, { headers: { "x-order-token": retry.body.orderToken } });
    expect(read.status).toBe(200);
    // Sold once.
    expect(await level(variant.sku)).toMatchObject({ onHand: 4, reserved: 0 });
    // The stored order token is sealed, not in plaintext.
    const row = await env.DB.prepare("SELECT order_token_sealed, checkout_key_hash FROM orders WHERE id = ?").bind(lost.order.id).first<{ order_token_sealed: string; checkout_key_hash: string }>();
    expect(row!.order_token_sealed).toMatch(/^sealed:v1:/);
    expect(row!.order_token_sealed).not.toContain(lost.orderToken.slice(5));
    expect(row!.checkout_key_hash).not.toContain(key);

    // Another key is another request: the cart is already checked out.
    const other = await checkoutCart(cart.id, cart.token);
    expect(other.status).toBe(409);
    expect(other.body.orderToken).toBeUndefined();
  });

  it("replays over GraphQL too", async () => {
    const variant = await createVariant(2500, 5);
    const cart = await guestCart([{ variantId: variant.id, quantity: 2 }]);
    const key = crypto.randomUUID();
    const lost = await checkout(guest(cart.token), cart.id, {}, { idempotencyKey: key });
    const res = await call("POST", "/graphql", {
      headers: { "x-cart-token": cart.token },
      body: { query: `mutation($c: ID!, $k: String) { checkout(cartId: $c, idempotencyKey: $k) { orderToken order { id } } }`, variables: { c: cart.id, k: key } },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.checkout).toEqual({ orderToken: lost.orderToken, order: { id: lost.order.id } });
  });
});

describe("checkout refuses what can no longer be sold", () => {
  it("names the lines whose variant was deleted or whose product was archived; the cart shows them unavailable", async () => {
    const [gone] = await createVariants([1000], { stock: 5 });
    const [archived] = await createVariants([1100], { stock: 5 });
    const [fine] = await createVariants([1200], { stock: 5 });
    const cart = await guestCart([
      { variantId: gone!.id, quantity: 1 },
      { variantId: archived!.id, quantity: 1 },
      { variantId: fine!.id, quantity: 1 },
    ]);
    expect((await call("DELETE", `/v1/variants/${gone!.id}`, { admin: true })).status).toBe(204);
    const product = (await call("GET", `/v1/carts/${cart.id}`, { headers: { "x-cart-token": cart.token } })).body.lines[1].productId;
    expect((await call("POST", `/v1/products/${product}/archive`, { admin: true })).status).toBe(200);

    const view = await call("GET", `/v1/carts/${cart.id}`, { headers: { "x-cart-token": cart.token } });
    expect(view.body.lines.map((l: { available: boolean; unavailableReason: string | null }) => [l.available, l.unavailableReason])).toEqual([
      [false, "variant_deleted"],
      [false, "product_archived"],
      [true, null],
    ]);

    const res = await checkoutCart(cart.id, cart.token);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe("https://edgeshop.dev/problems/lines-unavailable");
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/lines/0", "/lines/1"]);
    expect(res.body.unavailableLines.map((l: { sku: string; reason: string }) => [l.sku, l.reason])).toEqual([
      [gone!.sku, "variant_deleted"],
      [archived!.sku, "product_archived"],
    ]);
    // Nothing written: no order, the cart open, the fine line's stock still only held by the cart.
    expect(view.body.orderId).toBeNull();
    expect((await call("GET", `/v1/carts/${cart.id}`, { headers: { "x-cart-token": cart.token } })).body.status).toBe("open");
    expect(await level(fine!.sku)).toMatchObject({ onHand: 5, reserved: 1 });
    expect((await holdsOf(fine!.sku)).map((h) => h.owner)).toEqual([holdOwner(cart.id)]);

    // GraphQL: the same lines, the same refusal.
    const q = await call("POST", "/graphql", {
      headers: { "x-cart-token": cart.token },
      body: { query: `query($id: ID!) { cart(id: $id) { lines { available unavailableReason } } }`, variables: { id: cart.id } },
    });
    expect(q.body.data.cart.lines).toEqual([
      { available: false, unavailableReason: "VARIANT_DELETED" },
      { available: false, unavailableReason: "PRODUCT_ARCHIVED" },
      { available: true, unavailableReason: null },
    ]);
    const m = await call("POST", "/graphql", {
      headers: { "x-cart-token": cart.token },
      body: { query: `mutation($c: ID!, $k: String) { checkout(cartId: $c, idempotencyKey: $k) { order { id } } }`, variables: { c: cart.id, k: crypto.randomUUID() } },
    });
    expect(m.body.errors[0].extensions.code).toBe("LINES_UNAVAILABLE");

    // Removing them lets the cart check out.
    for (const line of view.body.lines.slice(0, 2)) {
      expect((await call("DELETE", `/v1/carts/${cart.id}/lines/${line.id}`, { headers: { "x-cart-token": cart.token } })).status).toBe(200);
    }
    const placed = await checkoutCart(cart.id, cart.token);
    expect(placed.status, placed.text).toBe(201);
    expect(placed.body.order.lines.map((l: { sku: string }) => l.sku)).toEqual([fine!.sku]);
  });

  it("refuses a product moved back to draft as well", async () => {
    const [variant] = await createVariants([900], { stock: 2 });
    const cart = await guestCart([{ variantId: variant!.id, quantity: 1 }]);
    const productId = (await call("GET", `/v1/carts/${cart.id}`, { headers: { "x-cart-token": cart.token } })).body.lines[0].productId;
    await call("PATCH", `/v1/products/${productId}`, { admin: true, body: { status: "draft" } });
    const res = await checkoutCart(cart.id, cart.token);
    expect(res.status).toBe(409);
    expect(res.body.unavailableLines[0].reason).toBe("product_draft");
  });
});
