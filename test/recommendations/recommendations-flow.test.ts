import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import worker from "../../src/index";
import { toMessage } from "../../src/modules/events/relay";
import { events } from "../../src/modules/events/tables";
import { address, checkoutCart, createVariant, guestCart } from "../support/fixtures";
import { deliver } from "../support/events-helpers";
import { call, gql, unique } from "../support/helpers";

const db = createDb(env.DB);

/** The outbox row of an order's event, as the relay hands it to the queue. */
async function relayedEvent(orderId: string, type: string) {
  const row = await db.select().from(events).where(and(eq(events.resourceId, orderId), eq(events.type, type))).get();
  expect(row, `${type} of ${orderId}`).toBeTruthy();
  return toMessage(row!);
}

const boughtWith = async (productId: string) =>
  (await call("GET", `/v1/products/${productId}/recommendations?limit=10`)).body.data.filter((r: any) => r.reason.kind === "bought_together");

async function placeOrder(variantIds: string[]) {
  const cart = await guestCart(variantIds.map((variantId) => ({ variantId, quantity: 1 })));
  const res = await checkoutCart(cart.id, cart.token);
  expect(res.status, res.text).toBe(201);
  expect(res.body.order.status).toBe("placed");
  return res.body.order as { id: string };
}

describe("recommendations learn from orders through the queue", () => {
  it("a checkout over HTTP, its relayed order.placed delivered to queue(), changes 'frequently bought together'", async () => {
    const [lamp, bulb] = [await createVariant(4900, 20), await createVariant(600, 20)];
    const [lampId, bulbId] = [await productOf(lamp.id), await productOf(bulb.id)];
    expect(await boughtWith(lampId)).toEqual([]);

    const order = await placeOrder([lamp.id, bulb.id]);
    const result = await deliver("edgeshop-events", [{ id: "order-placed", body: await relayedEvent(order.id, "order.placed") }]);
    expect(result.retryMessages).toEqual([]);

    const withLamp = await boughtWith(lampId);
    expect(withLamp.map((r: any) => r.product.id)).toEqual([bulbId]);
    expect(withLamp[0].reason).toMatchObject({ kind: "bought_together", relatedProductId: lampId, orders: 1 });
    expect((await boughtWith(bulbId)).map((r: any) => r.product.id)).toEqual([lampId]);
    // Redelivery (the queue is at-least-once) counts nothing twice.
    await deliver("edgeshop-events", [{ id: "order-placed-again", body: await relayedEvent(order.id, "order.placed"), attempts: 2 }]);
    expect((await boughtWith(lampId))[0].reason.orders).toBe(1);
  });
});

describe("cart recommendations", () => {
  it("REST and GraphQL answer 'complete your cart' for a cart, with the cart's access rules", async () => {
    const [tent, stove] = [await createVariant(19900, 20), await createVariant(3900, 20)];
    const tentId = await productOf(tent.id);
    const stoveId = await productOf(stove.id);
    const order = await placeOrder([tent.id, stove.id]);
    await deliver("edgeshop-events", [{ body: await relayedEvent(order.id, "order.placed") }]);

    const cart = await guestCart([{ variantId: tent.id, quantity: 1 }]);
    const rest = await call("GET", `/v1/carts/${cart.id}/recommendations?limit=5`, { headers: { "x-cart-token": cart.token } });
    expect(rest.status, rest.text).toBe(200);
    expect(rest.body.modelVersion).toEqual(expect.any(String));
    expect(rest.body.data[0]).toMatchObject({ product: { id: stoveId }, reason: { kind: "bought_together", relatedProductId: tentId } });
    expect(rest.body.data.map((r: any) => r.product.id)).not.toContain(tentId);

    const graph = await call("POST", "/graphql", {
      headers: { "x-cart-token": cart.token },
      body: { query: `query ($id: ID!) { cart(id: $id) { id recommendations(limit: 5) { product { id } reason { kind relatedProductId } } } }`, variables: { id: cart.id } },
    });
    expect(graph.body.errors).toBeUndefined();
    expect(graph.body.data.cart.recommendations[0]).toEqual({ product: { id: stoveId }, reason: { kind: "BOUGHT_TOGETHER", relatedProductId: tentId } });

    // No token, a wrong token, a guessed id: 404 / null, as for the cart itself.
    expect((await call("GET", `/v1/carts/${cart.id}/recommendations`)).status).toBe(404);
    expect((await call("GET", `/v1/carts/${cart.id}/recommendations`, { headers: { "x-cart-token": "ctok_wrong" } })).status).toBe(404);
    expect((await call("GET", `/v1/carts/cart_${unique("nope")}/recommendations`, { headers: { "x-cart-token": cart.token } })).status).toBe(404);
    const stranger = await gql(`query ($id: ID!) { cart(id: $id) { recommendations { product { id } } } }`, { id: cart.id });
    expect(stranger.data.cart).toBeNull();
    expect((await call("GET", `/v1/carts/${cart.id}/recommendations?limit=0`, { headers: { "x-cart-token": cart.token } })).status).toBe(400);
    // The cart's owner is an admin's business too.
    expect((await call("GET", `/v1/carts/${cart.id}/recommendations`, { admin: true })).status).toBe(200);
  });

  it("frequently bought together for a cart: from the order counts at once, at least 2 orders, by confidence, both transports", async () => {
    const [tent, stove, mat, lamp] = [await createVariant(19900, 20), await createVariant(3900, 20), await createVariant(2900, 20), await createVariant(1900, 20)];
    const [tentId, stoveId, matId, lampId] = await Promise.all([tent, stove, mat, lamp].map((v) => productOf(v.id)));
    // tent+stove in 3 orders, tent+mat in 2, tent+lamp once (below the minimum support).
    for (const lines of [[tent.id, stove.id], [tent.id, stove.id], [tent.id, stove.id, mat.id], [tent.id, mat.id], [tent.id, lamp.id]]) {
      const order = await placeOrder(lines);
      await deliver("edgeshop-events", [{ body: await relayedEvent(order.id, "order.placed") }]);
    }
    const cart = await guestCart([{ variantId: tent.id, quantity: 1 }]);
    const rest = await call("GET", `/v1/carts/${cart.id}/frequently-bought-together?limit=5`, { headers: { "x-cart-token": cart.token } });
    expect(rest.status, rest.text).toBe(200);
    expect(rest.body.data.map((r: any) => r.product.id)).toEqual([stoveId, matId]);
    expect(rest.body.data[0].reason).toMatchObject({ kind: "bought_together", relatedProductId: tentId, orders: 3, text: expect.stringMatching(/in 3 orders$/) });
    expect(rest.body.data[0].score).toBeGreaterThan(rest.body.data[1].score);
    expect(rest.body.data.map((r: any) => r.product.id)).not.toContain(lampId);

    const graph = await call("POST", "/graphql", {
      headers: { "x-cart-token": cart.token },
      body: { query: `query ($id: ID!) { cart(id: $id) { frequentlyBoughtTogether(limit: 5) { product { id } reason { kind relatedProductId orders } } } }`, variables: { id: cart.id } },
    });
    expect(graph.body.errors).toBeUndefined();
    expect(graph.body.data.cart.frequentlyBoughtTogether).toEqual([
      { product: { id: stoveId }, reason: { kind: "BOUGHT_TOGETHER", relatedProductId: tentId, orders: 3 } },
      { product: { id: matId }, reason: { kind: "BOUGHT_TOGETHER", relatedProductId: tentId, orders: 2 } },
    ]);
    // Same access as the cart; bad limits refused.
    expect((await call("GET", `/v1/carts/${cart.id}/frequently-bought-together`)).status).toBe(404);
    expect((await call("GET", `/v1/carts/${cart.id}/frequently-bought-together?limit=0`, { headers: { "x-cart-token": cart.token } })).status).toBe(400);
    // An empty cart has nothing bought with it.
    const empty = await call("POST", "/v1/carts", { body: { email: `${unique("e")}@example.com`, shippingAddress: address() } });
    const none = await call("GET", `/v1/carts/${empty.body.cart.id}/frequently-bought-together`, { headers: { "x-cart-token": empty.body.cartToken } });
    expect(none.body.data).toEqual([]);
  });

  it("an empty cart gets popular products", async () => {
    const res = await call("POST", "/v1/carts", { body: { email: `${unique("e")}@example.com`, shippingAddress: address() } });
    const list = await call("GET", `/v1/carts/${res.body.cart.id}/recommendations`, { headers: { "x-cart-token": res.body.cartToken } });
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    expect(list.body.data.every((r: any) => r.reason.kind === "popular")).toBe(true);
  });
});

describe("nightly neighbour rebuild (second cron)", () => {
  it("runs on the nightly trigger only; the every-minute trigger leaves neighbour lists alone", async () => {
    const [a, b] = [await createVariant(1000, 10), await createVariant(1000, 10)];
    const aId = await productOf(a.id);
    const order = await placeOrder([a.id, b.id]);
    await deliver("edgeshop-events", [{ body: await relayedEvent(order.id, "order.placed") }]);
    await env.DB.prepare("DELETE FROM rec_neighbours").run();
    expect(await boughtWith(aId)).toEqual([]);

    const run = async (cron: string) => {
      const ctx = createExecutionContext();
      await worker.scheduled!(createScheduledController({ cron, scheduledTime: Date.now() }), env, ctx);
      await waitOnExecutionContext(ctx);
    };
    await run("* * * * *");
    expect(await boughtWith(aId)).toEqual([]);
    await run("0 3 * * *");
    expect((await boughtWith(aId)).map((r: any) => r.reason.kind)).toEqual(["bought_together"]);
  });
});

async function productOf(variantId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT product_id AS id FROM variants WHERE id = ?").bind(variantId).first<{ id: string }>();
  return row!.id;
}
