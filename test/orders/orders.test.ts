import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { call, gql } from "../support/helpers";
import { checkoutCart, createVariant, guestCart, level } from "../support/fixtures";

async function placeOrder(quantity = 2, stock = 10) {
  const v = await createVariant(1000, stock);
  const cart = await guestCart([{ variantId: v.id, quantity }]);
  const res = await checkoutCart(cart.id, cart.token);
  expect(res.status, res.text).toBe(201);
  return { variant: v, cart, order: res.body.order, orderToken: res.body.orderToken as string };
}

const admin = (method: string, path: string, key: string | null = crypto.randomUUID(), body?: Record<string, unknown>) =>
  call(method, path, { admin: true, ...(body && { body }), headers: key ? { "idempotency-key": key } : {} });

const eventTypesOf = async (orderId: string) =>
  (await env.DB.prepare("SELECT type FROM events WHERE resource_id = ? ORDER BY sequence").bind(orderId).all<{ type: string }>()).results.map((e) => e.type);

describe("orders: reading", () => {
  it("lets a guest read the order with its order token or cart token, and nobody else (REST and GraphQL)", async () => {
    const { order, orderToken, cart } = await placeOrder();
    expect((await call("GET", `/v1/orders/${order.id}`, { headers: { "x-order-token": orderToken } })).body.id).toBe(order.id);
    expect((await call("GET", `/v1/orders/${order.id}`, { headers: { "x-cart-token": cart.token } })).body.number).toBe(order.number);
    const stranger = await placeOrder();
    for (const headers of [{}, { "x-order-token": stranger.orderToken }, { "x-cart-token": stranger.cart.token }, { "x-order-token": "otok_guess" }] as Record<string, string>[]) {
      const res = await call("GET", `/v1/orders/${order.id}`, { headers });
      expect(res.status).toBe(404);
    }
    expect((await call("GET", `/v1/orders/ord_00000000000000000000000000`, { headers: { "x-order-token": orderToken } })).status).toBe(404);
    const q = `{ order(id: "${order.id}") { id number status } }`;
    const mine = await call("POST", "/graphql", { body: { query: q }, headers: { "x-order-token": orderToken } });
    expect(mine.body.data.order).toEqual({ id: order.id, number: order.number, status: "PLACED" });
    const theirs = await call("POST", "/graphql", { body: { query: q }, headers: { "x-order-token": stranger.orderToken } });
    expect(theirs.body.data.order).toBeNull();
    // Guests cannot list orders, nor change them.
    expect((await call("GET", "/v1/orders", { headers: { "x-order-token": orderToken } })).status).toBe(401);
    const cancel = await call("POST", `/v1/orders/${order.id}/cancel`, { headers: { "x-order-token": orderToken, "idempotency-key": crypto.randomUUID() } });
    expect(cancel.status).toBe(401);
  });

  it("lets customers see only their own orders (service layer shared by both transports)", async () => {
    const { createCart } = await import("../../src/modules/carts/service");
    const { checkout } = await import("../../src/modules/orders/checkout");
    const { getOrder, listOrders, cancelOrder } = await import("../../src/modules/orders/service");
    const v = await createVariant(1000, 10);
    const ctx = (customerId: string) => createServiceContext({ env, actor: { kind: "customer", customerId }, requestId: "t" });
    const alice = ctx(`cus_${crypto.randomUUID()}`);
    const bob = ctx(`cus_${crypto.randomUUID()}`);
    const { cart } = await createCart(alice, { email: "a@example.com", shippingAddress: { name: "A", line1: "x", city: "y", postalCode: "1", country: "FR" }, lines: [{ variantId: v.id, quantity: 1 }] });
    await expect(checkout(bob, cart.id, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { order } = await checkout(alice, cart.id, {});
    expect(order.customerId).toBe((alice.actor as { customerId: string }).customerId);
    expect((await getOrder(alice, order.id)).id).toBe(order.id);
    await expect(getOrder(bob, order.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await listOrders(alice, {})).items.map((o) => o.id)).toEqual([order.id]);
    expect((await listOrders(bob, {})).items).toEqual([]);
    await expect(listOrders(bob, { customerId: order.customerId! })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(cancelOrder(alice, order.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lists all orders for admins with filters and cursor pagination (REST and GraphQL)", async () => {
    const from = new Date().toISOString();
    const placed = [];
    for (let i = 0; i < 3; i++) placed.push((await placeOrder(1)).order);
    const paid = await admin("POST", `/v1/orders/${placed[1].id}/mark-paid`);
    expect(paid.status).toBe(200);

    const page1 = await call("GET", `/v1/orders?limit=2&placedFrom=${from}`, { admin: true });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((o: any) => o.id)).toEqual([placed[2].id, placed[1].id]);
    const page2 = await call("GET", `/v1/orders?limit=2&placedFrom=${from}&cursor=${page1.body.next_cursor}`, { admin: true });
    expect(page2.body.data.map((o: any) => o.id)).toEqual([placed[0].id]);
    expect(page2.body.next_cursor).toBeNull();
    const onlyPaid = await call("GET", `/v1/orders?status=paid&placedFrom=${from}`, { admin: true });
    expect(onlyPaid.body.data.map((o: any) => o.id)).toEqual([placed[1].id]);
    const none = await call("GET", `/v1/orders?placedTo=${from}&placedFrom=${from}`, { admin: true });
    expect(none.body.data).toEqual([]);
    expect((await call("GET", "/v1/orders?status=shipped", { admin: true })).status).toBe(400);
    expect((await call("GET", "/v1/orders")).status).toBe(401);

    const res = await gql(
      `query($from: String) { orders(first: 2, placedFrom: $from, status: PLACED) { edges { node { id status payments { kind } } } pageInfo { hasNextPage endCursor } } }`,
      { from },
      { admin: true },
    );
    expect(res.data.orders.edges.map((e: any) => e.node.id)).toEqual([placed[2].id, placed[0].id]);
    expect(res.data.orders.pageInfo.hasNextPage).toBe(false);
  });
});

describe("orders: state machine and payment", () => {
  it("goes placed -> paid -> fulfilled through the manual provider, writing one event per transition", async () => {
    const { order } = await placeOrder();
    const noKey = await admin("POST", `/v1/orders/${order.id}/mark-paid`, null);
    expect(noKey.status).toBe(400);
    expect(noKey.body.type).toBe("https://edgeshop.dev/problems/idempotency-key-required");
    const early = await admin("POST", `/v1/orders/${order.id}/fulfil`);
    expect(early.status).toBe(409);

    const paid = await admin("POST", `/v1/orders/${order.id}/mark-paid`, crypto.randomUUID(), { reference: "SEPA-4711" });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.status).toBe("paid");
    expect(paid.body.payments).toEqual([
      expect.objectContaining({ provider: "manual", kind: "capture", reference: "SEPA-4711", amount: order.totals.total }),
    ]);
    expect((await admin("POST", `/v1/orders/${order.id}/mark-paid`)).status).toBe(409);
    const fulfilled = await admin("POST", `/v1/orders/${order.id}/fulfil`);
    expect(fulfilled.body.status).toBe("fulfilled");
    for (const action of ["cancel", "refund", "mark-paid"]) expect((await admin("POST", `/v1/orders/${order.id}/${action}`)).status).toBe(409);
    expect(await eventTypesOf(order.id)).toEqual(["order.placed", "order.paid", "order.fulfilled"]);
  });

  it("refunds a paid order and cancels a paid order with a refund (GraphQL admin mutations)", async () => {
    const a = await placeOrder(1);
    const m = (name: string, id: string, key: string | null = crypto.randomUUID()) =>
      gql(`mutation($id: ID!, $key: String) { ${name}(id: $id, idempotencyKey: $key) { id status payments { kind amount { amount } } } }`, { id, key }, { admin: true });
    expect((await m("refundOrder", a.order.id)).errors![0]!.extensions.code).toBe("CONFLICT");
    expect((await m("markOrderPaid", a.order.id, null)).errors![0]!.extensions.code).toBe("IDEMPOTENCY_KEY_REQUIRED");
    expect((await m("markOrderPaid", a.order.id)).data.markOrderPaid.status).toBe("PAID");
    const refunded = await m("refundOrder", a.order.id);
    expect(refunded.data.refundOrder.status).toBe("REFUNDED");
    expect(refunded.data.refundOrder.payments.map((p: any) => p.kind)).toEqual(["CAPTURE", "REFUND"]);

    const b = await placeOrder(2, 5);
    await m("markOrderPaid", b.order.id);
    const cancelled = await m("cancelOrder", b.order.id);
    expect(cancelled.data.cancelOrder.status).toBe("CANCELLED");
    expect(cancelled.data.cancelOrder.payments.map((p: any) => p.kind)).toEqual(["CAPTURE", "REFUND"]);
    expect(await level(b.variant.sku)).toMatchObject({ onHand: 5, available: 5 });
    expect(await eventTypesOf(b.order.id)).toEqual(["order.placed", "order.paid", "order.cancelled"]);
    // Only admins.
    expect((await gql(`mutation { fulfilOrder(id: "${a.order.id}") { id } }`)).errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
  });

  it("returns stock exactly once when one order is cancelled by many requests at once", async () => {
    const { order, variant } = await placeOrder(3, 10);
    expect(await level(variant.sku)).toMatchObject({ onHand: 7 });
    const results = await Promise.all(Array.from({ length: 10 }, () => admin("POST", `/v1/orders/${order.id}/cancel`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
    expect(await level(variant.sku)).toEqual({ sku: variant.sku, onHand: 10, reserved: 0, available: 10 });
    expect(await eventTypesOf(order.id)).toEqual(["order.placed", "order.cancelled"]);
    // Same key replays the one cancellation; the stock still came back once.
    const key = crypto.randomUUID();
    const again = await admin("POST", `/v1/orders/${order.id}/cancel`, key);
    expect(again.status).toBe(409);
    expect(await level(variant.sku)).toMatchObject({ onHand: 10 });
  });

  it("lets only one of two different concurrent transitions win", async () => {
    const { order, variant } = await placeOrder(1, 3);
    const [paid, cancelled] = await Promise.all([admin("POST", `/v1/orders/${order.id}/mark-paid`), admin("POST", `/v1/orders/${order.id}/cancel`)]);
    expect([paid.status, cancelled.status].sort()).toEqual([200, 409]);
    const final = await call("GET", `/v1/orders/${order.id}`, { admin: true });
    const events = await eventTypesOf(order.id);
    expect(events).toHaveLength(2);
    expect(events[1]).toBe(`order.${final.body.status}`);
    expect((await level(variant.sku)).onHand).toBe(final.body.status === "cancelled" ? 3 : 2);
  });
});

describe("documentation", () => {
  it("documents carts, checkout and orders in the OpenAPI document with their headers and problems", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const checkout = doc.paths["/v1/carts/{id}/checkout"].post;
    expect(checkout.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(["id", "idempotency-key", "x-cart-token"]));
    expect(checkout.responses["201"]).toBeDefined();
    expect(checkout.responses["409"].description).toContain("insufficient-stock");
    for (const path of ["/v1/carts", "/v1/carts/{id}", "/v1/carts/{id}/lines", "/v1/orders", "/v1/orders/{id}", "/v1/orders/{id}/mark-paid", "/v1/orders/{id}/refund"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
