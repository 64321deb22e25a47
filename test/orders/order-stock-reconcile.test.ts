import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import worker from "../../src/index";
import { cancelOrder, checkout, type StockPort } from "../../src/modules/orders";
import { inventoryStock } from "../../src/modules/orders/stock";
import { releaseStock } from "../../src/modules/inventory";
import { call } from "../support/helpers";
import { createVariant, guestCart, level } from "../support/fixtures";

const failing = (what: keyof StockPort): StockPort => ({
  ...inventoryStock,
  [what]: async () => {
    throw new Error(`inventory unavailable (${what})`);
  },
});

/** Run the Worker's every-minute cron as Cloudflare would, `minutesLater` from now. */
async function everyMinuteCron(minutesLater = 2) {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() + minutesLater * 60_000 }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function placeWithFailingCommit(stock: number, quantity: number) {
  const variant = await createVariant(1200, stock);
  const cart = await guestCart([{ variantId: variant.id, quantity }]);
  const ctx = createServiceContext({ env, actor: { kind: "anonymous" }, requestId: "test-reconcile", cartToken: cart.token });
  const { order } = await checkout(ctx, cart.id, {}, { stock: failing("commitHolds") });
  return { variant, cart, order };
}

const adminCtx = () => createServiceContext({ env, actor: { kind: "admin", keyId: "test", scopes: ["admin:*"] }, requestId: "test-reconcile" });

describe("order stock reconciliation (every-minute cron)", () => {
  it("commits the sale of an order whose commit failed after its batch, exactly once", async () => {
    const { variant, order } = await placeWithFailingCommit(5, 2);
    // The order stands; its units are held (not sellable to anyone else), not yet sold.
    expect(order).toMatchObject({ status: "placed", stockCommittedAt: null });
    expect(await level(variant.sku)).toEqual({ sku: variant.sku, onHand: 5, reserved: 2, available: 3 });

    // Too young for the cron (its own request may still be settling it).
    await everyMinuteCron(0);
    expect(await level(variant.sku)).toMatchObject({ onHand: 5, reserved: 2 });

    await everyMinuteCron();
    expect(await level(variant.sku)).toEqual({ sku: variant.sku, onHand: 3, reserved: 0, available: 3 });
    const after = await call("GET", `/v1/orders/${order.id}`, { admin: true });
    expect(after.body.stockCommittedAt).toEqual(expect.any(String));
    await everyMinuteCron();
    expect(await level(variant.sku)).toEqual({ sku: variant.sku, onHand: 3, reserved: 0, available: 3 });
  });

  it("re-holds and commits when the order's hold expired before the commit could happen", async () => {
    const { variant, cart, order } = await placeWithFailingCommit(4, 3);
    // What the hold's expiry alarm does. The order's holds belong to its checkout attempt, not to the cart.
    const { hold_owner: owner } = (await env.DB.prepare("SELECT hold_owner FROM orders WHERE id = ?").bind(order.id).first<{ hold_owner: string }>())!;
    expect(owner).toMatch(/^checkout:/);
    await releaseStock(env, { sku: variant.sku, owner });
    await releaseStock(env, { sku: variant.sku, owner: `cart:${cart.id}` });
    expect(await level(variant.sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    await everyMinuteCron();
    expect(await level(variant.sku)).toEqual({ sku: variant.sku, onHand: 1, reserved: 0, available: 1 });
    expect((await call("GET", `/v1/orders/${order.id}`, { admin: true })).body.stockCommittedAt).toEqual(expect.any(String));
  });

  it("returns a cancelled order's stock when the cancellation's return failed, exactly once", async () => {
    const variant = await createVariant(900, 6);
    const cart = await guestCart([{ variantId: variant.id, quantity: 2 }]);
    const placed = await call("POST", `/v1/carts/${cart.id}/checkout`, { body: {}, headers: { "x-cart-token": cart.token, "idempotency-key": crypto.randomUUID() } });
    expect(placed.status, placed.text).toBe(201);
    expect(await level(variant.sku)).toMatchObject({ onHand: 4, reserved: 0 });

    const cancelled = await cancelOrder(adminCtx(), placed.body.order.id, { stock: failing("returnSale") });
    expect(cancelled).toMatchObject({ status: "cancelled", stockReturnedAt: null });
    expect(await level(variant.sku)).toMatchObject({ onHand: 4 });

    await everyMinuteCron();
    expect(await level(variant.sku)).toEqual({ sku: variant.sku, onHand: 6, reserved: 0, available: 6 });
    expect((await call("GET", `/v1/orders/${placed.body.order.id}`, { admin: true })).body.stockReturnedAt).toEqual(expect.any(String));
    await everyMinuteCron();
    expect(await level(variant.sku)).toEqual({ sku: variant.sku, onHand: 6, reserved: 0, available: 6 });
  });

  it("a cancelled order that never sold releases its hold and sells nothing later", async () => {
    const { variant, order } = await placeWithFailingCommit(5, 2);
    const cancelled = await cancelOrder(adminCtx(), order.id);
    expect(cancelled.status).toBe("cancelled");
    expect(await level(variant.sku)).toEqual({ sku: variant.sku, onHand: 5, reserved: 0, available: 5 });
    await everyMinuteCron();
    expect(await level(variant.sku)).toEqual({ sku: variant.sku, onHand: 5, reserved: 0, available: 5 });
    const row = (await call("GET", `/v1/orders/${order.id}`, { admin: true })).body;
    expect(row.stockCommittedAt).toEqual(expect.any(String));
    expect(row.stockReturnedAt).toEqual(expect.any(String));
  });
});
