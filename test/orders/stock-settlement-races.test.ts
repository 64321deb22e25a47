import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { commitHolds, holdStock, returnSale, setStock } from "../../src/modules/inventory";
import { sha256Hex } from "../../src/shared/crypto";
import { createVariant, guestCart, level } from "../support/fixtures";
import { call, unique } from "../support/helpers";

const sku = () => unique("RACE").toUpperCase();

// Races found in review: the owner's hold can change between checkout's holdAll and commitHolds
// (a cart edit under the same owner), and a cancel can overtake a late commit.
describe("stock settlement under races", () => {
  it("sells exactly what the order bought even if the cart lowered its hold meanwhile", async () => {
    const s = sku();
    await setStock(env, { sku: s, onHand: 10 });
    const owner = `cart:${unique("c")}`;
    await holdStock(env, { sku: s, owner, quantity: 3, ttlMs: null }); // checkout holds the order's 3
    await holdStock(env, { sku: s, owner, quantity: 1, ttlMs: null }); // a racing cart edit lowers it to 1
    await commitHolds(env, { owner, orderId: `ord_${unique("o")}`, skus: [s], quantities: { [s]: 3 } });
    expect(await level(s)).toEqual({ sku: s, onHand: 7, reserved: 0, available: 7 });
  });

  it("sells exactly what the order bought and releases the rest if the cart raised its hold", async () => {
    const s = sku();
    await setStock(env, { sku: s, onHand: 10 });
    const owner = `cart:${unique("c")}`;
    await holdStock(env, { sku: s, owner, quantity: 6, ttlMs: null });
    await commitHolds(env, { owner, orderId: `ord_${unique("o")}`, skus: [s], quantities: { [s]: 1 } });
    expect(await level(s)).toEqual({ sku: s, onHand: 9, reserved: 0, available: 9 });
  });

  it("refuses to sell more than the hold plus what is available: never oversells", async () => {
    const s = sku();
    await setStock(env, { sku: s, onHand: 3 });
    const owner = `cart:${unique("c")}`;
    await holdStock(env, { sku: s, owner, quantity: 1, ttlMs: null });
    await holdStock(env, { sku: s, owner: `cart:${unique("other")}`, quantity: 2, ttlMs: null });
    await expect(commitHolds(env, { owner, orderId: `ord_${unique("o")}`, skus: [s], quantities: { [s]: 3 } })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await level(s)).toEqual({ sku: s, onHand: 3, reserved: 3, available: 0 });
  });

  it("fences a cancelled order: a commit arriving after its return sells nothing", async () => {
    const s = sku();
    await setStock(env, { sku: s, onHand: 5 });
    const owner = `cart:${unique("c")}`;
    const orderId = `ord_${unique("o")}`;
    expect(await returnSale(env, { sku: s, orderId })).toEqual({ returned: 0 }); // the cancel settles first
    await holdStock(env, { sku: s, owner, quantity: 2, ttlMs: null }); // a late settler re-holds…
    await commitHolds(env, { owner, orderId, skus: [s], quantities: { [s]: 2 } }); // …and commits: a no-op
    expect((await level(s)).onHand).toBe(5);
    expect(await returnSale(env, { sku: s, orderId })).toEqual({ returned: 0 });
  });
});

describe("cart access for admin keys", () => {
  it("needs an orders scope: a catalog-only key gets the same 404 as a stranger", async () => {
    const v = await createVariant(1200, 5);
    const { id } = await guestCart([{ variantId: v.id, quantity: 1 }]);
    const key = `esk_admin_${crypto.randomUUID().replaceAll("-", "")}`;
    await env.DB.prepare("INSERT INTO admin_api_keys (id, name, key_hash, scopes, created_at) VALUES (?, 'catalog only', ?, '[\"catalog:write\"]', ?)")
      .bind(`key_${crypto.randomUUID()}`, await sha256Hex(key), new Date().toISOString())
      .run();
    expect((await call("GET", `/v1/carts/${id}`, { token: key })).status).toBe(404);
    expect((await call("GET", `/v1/carts/${id}`, { admin: true })).status).toBe(200);
  });
});
