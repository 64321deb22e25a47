import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app/http";
import { createServiceContext } from "../../src/context";
import { createDb } from "../../src/db/client";
import { onOrderPlaced } from "../../src/modules/recommendations/handlers";
import { listVersions, rebuildNeighbours } from "../../src/modules/recommendations/learning";
import { easeNeighbourLists, gramOf } from "../../src/modules/recommendations/model/ease";
import { servedLists } from "../../src/modules/recommendations/model/lists";
import { CoPurchaseCounts } from "../../src/modules/recommendations/model/co-purchase";
import { recommendationModel } from "../../src/modules/recommendations/model/config";
import { recommendedForCustomer } from "../../src/modules/recommendations/service";
import { setStock } from "../../src/modules/inventory";
import { countingD1 } from "../support/d1-counter";
import { BASE, call, gql, unique } from "../support/helpers";

const db = createDb(env.DB);

async function category(name: string): Promise<string> {
  const res = await call("POST", "/v1/categories", { admin: true, body: { name: unique(name) } });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** An active product with one variant, in stock unless `stock` says otherwise. */
async function product(title: string, extra: { categoryIds?: string[]; attributes?: Record<string, string> } = {}, stock = 10): Promise<{ id: string; sku: string; title: string }> {
  const sku = unique("SKU").toUpperCase();
  const res = await call("POST", "/v1/products", {
    admin: true,
    body: { title: `${title} ${unique("t")}`, status: "active", variants: [{ sku, price: { amount: 1000, currency: "EUR" } }], ...extra },
  });
  expect(res.status).toBe(201);
  if (stock > 0) await setStock(env, { sku, onHand: stock });
  return { id: res.body.id, sku, title: res.body.title };
}

let orderSeq = 0;
const placed = (productIds: string[], customerId: string | null = null, orderId = `ord_${unique("o")}_${++orderSeq}`) =>
  onOrderPlaced(env, {
    id: `evt_${orderId}`,
    type: "order.placed",
    data: { id: orderId, number: orderSeq, status: "placed", customerId, email: "x@example.com", total: { amount: 1, currency: "EUR" }, lines: productIds.map((productId) => ({ sku: "S", variantId: "v", productId, quantity: 1, unitPrice: { amount: 1, currency: "EUR" } })) },
  });

const itemOrders = async (id: string) => (await env.DB.prepare("SELECT orders FROM rec_item_stats WHERE product_id = ?").bind(id).first<{ orders: number }>())?.orders ?? 0;
const pairOrders = async (a: string, b: string) =>
  (await env.DB.prepare("SELECT orders FROM rec_pair_counts WHERE product_id = ? AND other_id = ?").bind(a, b).first<{ orders: number }>())?.orders ?? 0;

describe("learning from orders", () => {
  it("counts an order once, however often and however concurrently it is delivered", async () => {
    const [a, b] = [await product("Tent"), await product("Sleeping bag")];
    const orderId = `ord_${unique("dup")}`;
    await Promise.all(Array.from({ length: 6 }, () => placed([a.id, b.id, a.id], null, orderId)));
    await placed([a.id, b.id], null, orderId);
    expect(await itemOrders(a.id)).toBe(1);
    expect(await pairOrders(a.id, b.id)).toBe(1);
    expect(await pairOrders(b.id, a.id)).toBe(1);
    const ledger = await env.DB.prepare("SELECT count(*) AS n FROM rec_orders WHERE order_id = ?").bind(orderId).first<{ n: number }>();
    expect(ledger?.n).toBe(1);
  });

  it("counts different orders that arrive at the same time", async () => {
    const [a, b] = [await product("Kettle"), await product("Teapot")];
    await Promise.all(Array.from({ length: 8 }, () => placed([a.id, b.id])));
    expect(await itemOrders(a.id)).toBe(8);
    expect(await pairOrders(a.id, b.id)).toBe(8);
  });

  it("ignores other event types and rejects an order.placed without an order id", async () => {
    await expect(onOrderPlaced(env, { id: "evt_1", type: "product.created", data: {} })).resolves.toBeUndefined();
    await expect(onOrderPlaced(env, { id: "evt_2", type: "order.placed", data: { lines: [] } })).rejects.toThrow(/no order id/);
  });

  it("stores the same neighbour lists as the in-memory model the evaluator measures", async () => {
    const items = await Promise.all(["P1", "P2", "P3", "P4", "P5"].map((t) => product(t)));
    const ids = items.map((i) => i.id);
    const baskets = [[0, 1], [0, 1, 2], [0, 2], [1, 3], [3, 4], [0, 1, 4], [2, 3, 4], [0, 4]].map((b) => b.map((i) => ids[i]!));
    const counts = new CoPurchaseCounts();
    for (const b of baskets) {
      counts.addOrder(b);
      await placed(b);
    }
    // Each order refreshes its own products' lists; other lists drift until the nightly rebuild.
    await rebuildNeighbours(db);
    // The N of the measures in D1 counts every order of this test file; use it for the twin too.
    const total = (await env.DB.prepare("SELECT value FROM rec_totals WHERE key = 'orders'").first<{ value: number }>())!.value;
    counts.orders = total;
    // These five products were never bought with any other, so their block of the Gram matrix is
    // theirs alone and EASE over all of D1's top products gives them the lists EASE gives this block.
    const { ease, ranking } = recommendationModel;
    const limit = ranking.neighbourLimit;
    const knn = new Map(ids.map((id) => [id, counts.neighbours(id, recommendationModel.measure, limit)]));
    const served = servedLists(easeNeighbourLists(gramOf(baskets, ids), ease!.lambda, limit), knn, ease!.weight, limit);
    for (const id of ids) {
      const stored = await env.DB.prepare("SELECT neighbour_id, score, together, model_version FROM rec_neighbours WHERE product_id = ? ORDER BY score DESC, together DESC, neighbour_id").bind(id).all<{ neighbour_id: string; score: number; together: number; model_version: string }>();
      const expected = served.get(id)!;
      expect(expected.length).toBeGreaterThan(0);
      expect(stored.results.map((r) => r.neighbour_id)).toEqual(expected.map((n) => n.itemId));
      stored.results.forEach((r, i) => {
        expect(r.score).toBeCloseTo(expected[i]!.score, 9);
        expect(r.together).toBe(expected[i]!.together);
        expect(r.model_version).toBe(listVersions.ease);
      });
    }
    // A new order does not overwrite the EASE lists with kNN ones (EASE waits for the next rebuild)...
    const before = await env.DB.prepare("SELECT neighbour_id, score FROM rec_neighbours WHERE product_id = ? ORDER BY neighbour_id").bind(ids[0]).all();
    const newcomer = await product("P6");
    await placed([ids[0]!, newcomer.id]);
    expect((await env.DB.prepare("SELECT neighbour_id, score FROM rec_neighbours WHERE product_id = ? ORDER BY neighbour_id").bind(ids[0]).all()).results).toEqual(before.results);
    // ...while a product without an EASE list gets its kNN list right away (cold start).
    const cold = await env.DB.prepare("SELECT neighbour_id, model_version FROM rec_neighbours WHERE product_id = ?").bind(newcomer.id).all<{ neighbour_id: string; model_version: string }>();
    expect(cold.results).toEqual([{ neighbour_id: ids[0], model_version: listVersions.knn }]);
  });
});

describe("GET /v1/products/{id}/recommendations and Product.recommendations", () => {
  it("ranks what is bought together first, with the reason and its order count", async () => {
    const [grill, charcoal, tongs, apron] = [await product("Grill"), await product("Charcoal"), await product("Tongs"), await product("Apron")];
    for (let i = 0; i < 4; i++) await placed([grill.id, charcoal.id]);
    for (let i = 0; i < 2; i++) await placed([grill.id, tongs.id]);
    await placed([apron.id, tongs.id]);

    const res = await call("GET", `/v1/products/${grill.id}/recommendations?limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.modelVersion).toBe(recommendationModel.version);
    expect(res.body.data.map((r: any) => r.product.id)).toEqual([charcoal.id, tongs.id]);
    expect(res.body.data[0].reason).toEqual({ kind: "bought_together", text: `Bought together with ${grill.title} in 4 orders`, relatedProductId: grill.id, orders: 4 });
    expect(res.body.data[0].score).toBeGreaterThan(res.body.data[1].score);

    const slug = (await call("GET", `/v1/products/${grill.id}`)).body.slug;
    const bySlug = await call("GET", `/v1/products/${slug}/recommendations?limit=2`);
    expect(bySlug.body.data.map((r: any) => r.product.id)).toEqual([charcoal.id, tongs.id]);

    const g = await gql(`query($id: ID!) { product(id: $id) { recommendations(limit: 2) { score product { id title } reason { kind text relatedProductId orders } } } }`, { id: grill.id });
    expect(g.errors).toBeUndefined();
    expect(g.data.product.recommendations.map((r: any) => r.product.id)).toEqual([charcoal.id, tongs.id]);
    expect(g.data.product.recommendations[1].reason).toEqual({ kind: "BOUGHT_TOGETHER", text: `Bought together with ${grill.title} in 2 orders`, relatedProductId: grill.id, orders: 2 });
  });

  it("leaves out archived and out-of-stock products", async () => {
    const [desk, lamp, chair, shelf] = [await product("Desk"), await product("Lamp"), await product("Chair"), await product("Shelf")];
    for (let i = 0; i < 3; i++) await placed([desk.id, lamp.id, chair.id, shelf.id]);
    const before = await call("GET", `/v1/products/${desk.id}/recommendations?limit=3`);
    expect(before.body.data.map((r: any) => r.product.id).sort()).toEqual([lamp.id, chair.id, shelf.id].sort());

    expect((await call("POST", `/v1/products/${lamp.id}/archive`, { admin: true })).status).toBe(200);
    // The chair sells out: the inventory object updates the D1 projection the recommender reads.
    await setStock(env, { sku: chair.sku, onHand: 0 });

    const after = await call("GET", `/v1/products/${desk.id}/recommendations?limit=3`);
    const ids = after.body.data.map((r: any) => r.product.id);
    expect(ids[0]).toBe(shelf.id);
    expect(ids).not.toContain(lamp.id);
    expect(ids).not.toContain(chair.id);
  });

  it("falls back to similar products (shared category) and then popular ones for a product nobody bought", async () => {
    const lighting = await category("Lighting");
    const newLamp = await product("Brass lamp", { categoryIds: [lighting], attributes: { material: "brass" } });
    const sibling = await product("Brass sconce", { categoryIds: [lighting], attributes: { material: "brass" } });
    const res = await call("GET", `/v1/products/${newLamp.id}/recommendations?limit=5`);
    expect(res.status).toBe(200);
    expect(res.body.data[0].product.id).toBe(sibling.id);
    expect(res.body.data[0].reason.kind).toBe("similar");
    expect(res.body.data[0].reason.relatedProductId).toBe(newLamp.id);
    expect(res.body.data[0].reason.text).toContain("category Lighting");
    expect(res.body.data[0].reason.text).toContain("material: brass");
    // The rest are popular products, each with its order count.
    const rest = res.body.data.slice(1);
    expect(rest.length).toBe(4);
    for (const r of rest) {
      expect(r.reason.kind).toBe("popular");
      expect(r.reason.text).toMatch(/^Popular: in \d+ orders?$/);
    }
    expect(res.body.data.map((r: any) => r.product.id)).not.toContain(newLamp.id);
  });

  it("answers 404 for unknown or hidden products and 400 for a bad limit", async () => {
    expect((await call("GET", "/v1/products/prod_nope/recommendations")).status).toBe(404);
    const draft = await call("POST", "/v1/products", { admin: true, body: { title: unique("Draft") } });
    expect((await call("GET", `/v1/products/${draft.body.id}/recommendations`)).status).toBe(404);
    const p = await product("Anything");
    const bad = await call("GET", `/v1/products/${p.id}/recommendations?limit=500`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe("/limit");
    const g = await gql(`query($id: ID!) { product(id: $id) { recommendations(limit: 0) { score } } }`, { id: p.id });
    expect(g.errors?.[0]?.extensions.code).toBe("VALIDATION_FAILED");
  });
});

describe("complete the cart and recommended for you", () => {
  it("recommends what goes with the whole cart, never the cart's own products", async () => {
    const [pasta, sauce, cheese, wine] = [await product("Pasta"), await product("Sauce"), await product("Parmesan"), await product("Wine")];
    for (let i = 0; i < 3; i++) await placed([pasta.id, sauce.id, cheese.id]);
    await placed([sauce.id, wine.id]);
    const res = await call("GET", `/v1/recommendations?productIds=${pasta.id},${sauce.id}&limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.data[0].product.id).toBe(cheese.id);
    expect(res.body.data.map((r: any) => r.product.id)).not.toContain(pasta.id);
    expect(res.body.data.map((r: any) => r.product.id)).not.toContain(sauce.id);
    const g = await gql(`query($ids: [ID!]!) { recommendationsForProducts(productIds: $ids, limit: 2) { product { id } reason { kind } } }`, { ids: [pasta.id, sauce.id] });
    expect(g.data.recommendationsForProducts[0]).toEqual({ product: { id: cheese.id }, reason: { kind: "BOUGHT_TOGETHER" } });
    expect((await call("GET", "/v1/recommendations")).status).toBe(400);
  });

  it("recommends from a customer's history and never what they already bought", async () => {
    const customerId = `cus_${unique("c")}`;
    const [camera, lens, bag, strap] = [await product("Camera"), await product("Lens"), await product("Camera bag"), await product("Strap")];
    for (let i = 0; i < 3; i++) await placed([camera.id, lens.id, bag.id]);
    await placed([camera.id, strap.id]);
    await placed([camera.id, lens.id], customerId);

    const ctx = createServiceContext({ env, actor: { kind: "customer", customerId }, requestId: "test" });
    const mine = await recommendedForCustomer(ctx, { limit: 3 });
    const ids = mine.map((r) => r.product.id);
    expect(ids[0]).toBe(bag.id);
    expect(ids).not.toContain(camera.id);
    expect(ids).not.toContain(lens.id);
    expect(mine[0]!.reason.kind).toBe("bought_together");

    // The same exclusion applies to a product page seen by that customer.
    const fromCamera = await (await import("../../src/modules/recommendations/service")).productRecommendations(ctx, camera.id, { limit: 5 });
    expect(fromCamera.map((r) => r.product.id)).not.toContain(lens.id);

    // Admins say whose; customers cannot ask for someone else's; anonymous callers must sign in.
    const admin = await call("GET", `/v1/me/recommendations?customerId=${customerId}&limit=3`, { admin: true });
    expect(admin.status).toBe(200);
    expect(admin.body.data.map((r: any) => r.product.id)).toEqual(ids);
    await expect(recommendedForCustomer(ctx, { customerId: "cus_other" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await call("GET", "/v1/me/recommendations")).status).toBe(401);
    expect((await call("GET", "/v1/me/recommendations", { admin: true })).status).toBe(400);
    const g = await gql(`{ recommendedForMe { product { id } } }`);
    expect(g.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
  });

  it("gives a customer with no history the popular products", async () => {
    const ctx = createServiceContext({ env, actor: { kind: "customer", customerId: `cus_${unique("new")}` }, requestId: "test" });
    const list = await recommendedForCustomer(ctx, { limit: 2 });
    expect(list).toHaveLength(2);
    expect(list.every((r) => r.reason.kind === "popular")).toBe(true);
  });
});

describe("query bound", () => {
  it("answers a page of products with their recommendations in a fixed number of D1 queries", async () => {
    const shop = await category("Bound");
    const items = [];
    for (let i = 0; i < 12; i++) items.push(await product(`Bound ${i}`, { categoryIds: [shop] }));
    for (let i = 0; i < 12; i++) await placed([items[i]!.id, items[(i + 1) % 12]!.id, items[(i + 5) % 12]!.id]);

    const query = `query($first: Int) { category(id: "${shop}") { products(first: $first) { edges { node { id
      recommendations(limit: 3) { score reason { text } product { id title variants { sku } } } } } } } }`;
    const run = async (first: number) => {
      const counter = countingD1(env.DB);
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`${BASE}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables: { first } }) }), { ...env, DB: counter.db }, ctx);
      await waitOnExecutionContext(ctx);
      const body = (await res.json()) as any;
      expect(body.errors).toBeUndefined();
      const edges = body.data.category.products.edges;
      expect(edges).toHaveLength(first);
      for (const e of edges) expect(e.node.recommendations.length).toBe(3);
      return counter.count();
    };
    const small = await run(2);
    const large = await run(12);
    console.log(`D1 statements: ${small} for 2 products, ${large} for 12`);
    expect(large).toBe(small);
    // category, products page, neighbours, popular, stock, product rows, variants (+ content candidates when needed).
    expect(large).toBeLessThanOrEqual(9);
  });
});
