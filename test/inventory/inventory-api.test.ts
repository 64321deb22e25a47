import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { createDb } from "../../src/db/client";
import { handleGraphQL } from "../../src/app/graphql";
import { holdStock } from "../../src/modules/inventory";
import type { InventoryObject } from "../../src/modules/inventory/inventory-object";
import { projectionStatements } from "../../src/modules/inventory/projection";
import { sha256Hex } from "../../src/shared/crypto";
import { countingD1 } from "../support/d1-counter";
import { call, gql, unique } from "../support/helpers";

/** An active product with one variant per SKU, through the real admin API. */
async function productWith(...skus: string[]) {
  const res = await call("POST", "/v1/products", {
    admin: true,
    body: { title: unique("Stocked tee"), status: "active", variants: skus.map((sku) => ({ sku, price: { amount: 1500, currency: "EUR" } })) },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string };
}

const newSku = (p = "INV") => unique(p).toUpperCase();

async function setStock(sku: string, onHand: number) {
  const res = await call("PUT", `/v1/inventory/${sku}`, { admin: true, body: { onHand, reason: "restock" } });
  expect(res.status).toBe(200);
  return res.body;
}

async function projected(sku: string) {
  return env.DB.prepare("SELECT on_hand, reserved, available, version FROM stock_levels WHERE sku = ?").bind(sku).first();
}

async function eventsFor(sku: string) {
  const { results } = await env.DB.prepare("SELECT type, payload FROM events WHERE resource_type = 'sku' AND resource_id = ? ORDER BY sequence").bind(sku).all<{ type: string; payload: string }>();
  return results.map((r) => ({ type: r.type, data: JSON.parse(r.payload).data }));
}

/** An admin key that has every scope but inventory:write. */
async function catalogOnlyKey() {
  const key = `esk_admin_${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.prepare("INSERT INTO admin_api_keys (id, name, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(`key_${crypto.randomUUID()}`, "catalog only", await sha256Hex(key), JSON.stringify(["catalog:write"]), new Date().toISOString())
    .run();
  return key;
}

describe("admin inventory over REST", () => {
  it("sets, adjusts and reads a SKU's stock with its ledger", async () => {
    const sku = newSku();
    await productWith(sku);
    expect(await setStock(sku, 12)).toMatchObject({ sku, onHand: 12, reserved: 0, available: 12, sold: 0, version: 1 });
    const adjusted = await call("POST", `/v1/inventory/${sku}/adjustments`, { admin: true, body: { delta: -2, expected: 12, note: "damaged in transit" } });
    expect(adjusted.status).toBe(200);
    expect(adjusted.body).toMatchObject({ onHand: 10, available: 10, version: 2 });
    const got = await call("GET", `/v1/inventory/${sku}`, { admin: true });
    expect(got.body).toMatchObject({ sku, onHand: 10, version: 2 });

    for (let i = 0; i < 3; i++) await call("POST", `/v1/inventory/${sku}/adjustments`, { admin: true, body: { delta: 1, reason: "restock" } });
    const page1 = await call("GET", `/v1/inventory/${sku}/ledger?limit=2`, { admin: true });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((e: any) => e.sequence)).toEqual([5, 4]);
    const page2 = await call("GET", `/v1/inventory/${sku}/ledger?limit=2&cursor=${page1.body.next_cursor}`, { admin: true });
    expect(page2.body.data.map((e: any) => e.sequence)).toEqual([3, 2]);
    const page3 = await call("GET", `/v1/inventory/${sku}/ledger?limit=2&cursor=${page2.body.next_cursor}`, { admin: true });
    expect(page3.body).toMatchObject({ data: [{ sequence: 1, reason: "restock", quantity: 12, onHand: 12, actor: "bootstrap" }], next_cursor: null });
    expect(page2.body.data[1]).toMatchObject({ reason: "adjustment", quantity: -2, note: "damaged in transit", onHand: 10 });
  });

  it("refuses a stale expected with 409 naming the current on-hand, and on-hand below held units", async () => {
    const sku = newSku();
    await productWith(sku);
    await setStock(sku, 7);
    const stale = await call("PUT", `/v1/inventory/${sku}`, { admin: true, body: { onHand: 3, expected: 5 } });
    expect(stale.status).toBe(409);
    expect(stale.headers.get("content-type")).toContain("application/problem+json");
    expect(stale.body.detail).toContain("is 7");
    expect(stale.body.current).toMatchObject({ onHand: 7, available: 7 });
    expect(stale.body.errors).toEqual([{ pointer: "/expected", detail: "The current on-hand is 7." }]);

    await holdStock(env, { sku, owner: "cart:x", quantity: 5, ttlMs: null });
    const below = await call("POST", `/v1/inventory/${sku}/adjustments`, { admin: true, body: { delta: -3 } });
    expect(below.status).toBe(409);
    expect(below.body.current).toMatchObject({ onHand: 7, reserved: 5, available: 2 });
    expect((await call("GET", `/v1/inventory/${sku}`, { admin: true })).body.version).toBe(2);
  });

  it("answers concurrent compare-and-set writes with exactly one winner", async () => {
    const sku = newSku();
    await productWith(sku);
    await setStock(sku, 10);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call("POST", `/v1/inventory/${sku}/adjustments`, { admin: true, body: { delta: 1, expected: 10 } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    expect((await call("GET", `/v1/inventory/${sku}`, { admin: true })).body).toMatchObject({ onHand: 11, version: 2 });
  });

  it("rejects unknown SKUs, missing credentials, missing scope and bad input, writing nothing", async () => {
    const sku = newSku();
    await productWith(sku);
    await setStock(sku, 4);
    expect((await call("GET", `/v1/inventory/${newSku("GHOST")}`, { admin: true })).status).toBe(404);
    expect((await call("PUT", `/v1/inventory/${newSku("GHOST")}`, { admin: true, body: { onHand: 1 } })).status).toBe(404);
    expect((await call("GET", `/v1/inventory/${sku}`)).status).toBe(401);
    expect((await call("PUT", `/v1/inventory/${sku}`, { body: { onHand: 99 } })).status).toBe(401);
    const forbidden = await call("PUT", `/v1/inventory/${sku}`, { token: await catalogOnlyKey(), body: { onHand: 99 } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toContain("inventory:write");

    for (const body of [{ onHand: -1 }, { onHand: 1.5 }, { onHand: "3" }, { onHand: 3, extra: true }, { onHand: 3, reason: "theft" }, {}]) {
      const res = await call("PUT", `/v1/inventory/${sku}`, { admin: true, body });
      expect(res.status).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    expect((await call("POST", `/v1/inventory/${sku}/adjustments`, { admin: true, body: { delta: 0 } })).body.errors[0].pointer).toBe("/delta");
    expect((await call("GET", `/v1/inventory/${sku}/ledger?cursor=nonsense`, { admin: true })).status).toBe(400);
    expect((await call("GET", `/v1/inventory/${sku}`, { admin: true })).body).toMatchObject({ onHand: 4, version: 1 });
  });

  it("sets many SKUs at once for seeding, all-or-nothing on unknown SKUs", async () => {
    const [a, b] = [newSku("SEED"), newSku("SEED")];
    await productWith(a, b);
    const unknown = await call("PUT", "/v1/inventory", { admin: true, body: { levels: [{ sku: a, onHand: 5 }, { sku: "NOPE-1", onHand: 5 }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ pointer: "/levels/1/sku", detail: "No variant has SKU 'NOPE-1'." }]);
    expect(await projected(a)).toBeNull();

    const ok = await call("PUT", "/v1/inventory", { admin: true, body: { reason: "restock", levels: [{ sku: a, onHand: 5 }, { sku: b, onHand: 0, expected: 3 }] } });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject([
      { sku: a, status: "updated", level: { onHand: 5 } },
      { sku: b, status: "conflict", level: { onHand: 0 } },
    ]);
    expect(await projected(a)).toMatchObject({ on_hand: 5, available: 5 });
  });
});

describe("admin inventory over GraphQL", () => {
  const LEVEL = `query($sku: String!) { stockLevel(sku: $sku) { sku onHand reserved available sold version ledger(first: 2) { edges { node { sequence reason quantity onHand } } pageInfo { hasNextPage endCursor } } } }`;
  const SET = `mutation($sku: String!, $input: SetStockInput!) { setStock(sku: $sku, input: $input) { onHand available version } }`;
  const ADJUST = `mutation($sku: String!, $input: AdjustStockInput!) { adjustStock(sku: $sku, input: $input) { onHand available version } }`;

  it("sets, adjusts and reads with the same rules as REST", async () => {
    const sku = newSku();
    await productWith(sku);
    expect((await gql(SET, { sku, input: { onHand: 8, reason: "RESTOCK" } }, { admin: true })).data.setStock).toEqual({ onHand: 8, available: 8, version: 1 });
    expect((await gql(ADJUST, { sku, input: { delta: 2, expected: 8 } }, { admin: true })).data.adjustStock).toEqual({ onHand: 10, available: 10, version: 2 });
    await gql(ADJUST, { sku, input: { delta: -1 } }, { admin: true });
    const level = (await gql(LEVEL, { sku }, { admin: true })).data.stockLevel;
    expect(level).toMatchObject({ sku, onHand: 9, reserved: 0, available: 9, sold: 0, version: 3 });
    expect(level.ledger.edges.map((e: any) => e.node)).toEqual([
      { sequence: 3, reason: "ADJUSTMENT", quantity: -1, onHand: 9 },
      { sequence: 2, reason: "ADJUSTMENT", quantity: 2, onHand: 10 },
    ]);
    expect(level.ledger.pageInfo.hasNextPage).toBe(true);

    const conflict = await gql(ADJUST, { sku, input: { delta: 2, expected: 8 } }, { admin: true });
    expect(conflict.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", status: 409, current: { onHand: 9 } });
    expect((await gql(LEVEL, { sku: newSku("GHOST") }, { admin: true })).data.stockLevel).toBeNull();
    expect((await gql(SET, { sku: newSku("GHOST"), input: { onHand: 1 } }, { admin: true })).errors?.[0]?.extensions.code).toBe("NOT_FOUND");
  });

  it("requires the inventory:write scope and valid input, writing nothing otherwise", async () => {
    const sku = newSku();
    await productWith(sku);
    await setStock(sku, 3);
    expect((await gql(SET, { sku, input: { onHand: 50 } })).errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
    expect((await gql(LEVEL, { sku })).errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
    expect((await gql(SET, { sku, input: { onHand: 50 } }, { token: await catalogOnlyKey() })).errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const bad = await gql(SET, { sku, input: { onHand: -5 } }, { admin: true });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ pointer: "/onHand" }] });
    expect((await gql(ADJUST, { sku, input: { delta: 0 } }, { admin: true })).errors?.[0]?.extensions.code).toBe("VALIDATION_FAILED");
    expect((await call("GET", `/v1/inventory/${sku}`, { admin: true })).body).toMatchObject({ onHand: 3, version: 1 });
  });
});

describe("availability projection", () => {
  it("follows every change, including holds, and never moves backwards", async () => {
    const sku = newSku();
    await productWith(sku);
    await setStock(sku, 6);
    expect(await projected(sku)).toEqual({ on_hand: 6, reserved: 0, available: 6, version: 1 });
    await holdStock(env, { sku, owner: "cart:p", quantity: 4, ttlMs: 60_000 });
    expect(await projected(sku)).toEqual({ on_hand: 6, reserved: 4, available: 2, version: 2 });

    // A late write of an older state (a retry, a slow request) must not win.
    const db = createDb(env.DB);
    await db.batch(projectionStatements(db, { sku, onHand: 6, reserved: 0, available: 6, sold: 0, version: 1, updatedAt: null }, 6, 5));
    expect(await projected(sku)).toEqual({ on_hand: 6, reserved: 4, available: 2, version: 2 });
  });

  it("keeps the change when the projection write fails, and converges through the alarm", async () => {
    const sku = newSku("FLAKY");
    await productWith(sku);
    // Make D1 refuse this SKU's projection rows for a while.
    await env.DB.exec(`CREATE TRIGGER fail_${sku.replaceAll("-", "_")} BEFORE INSERT ON stock_levels WHEN NEW.sku = '${sku}' BEGIN SELECT RAISE(ABORT, 'd1 unavailable'); END;`);
    expect(await setStock(sku, 9)).toMatchObject({ onHand: 9, version: 1 });
    expect(await projected(sku)).toBeNull();
    const stub = env.INVENTORY.get(env.INVENTORY.idFromName(sku));
    await runInDurableObject(stub, async (_object, state) => {
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
    await env.DB.exec(`DROP TRIGGER fail_${sku.replaceAll("-", "_")};`);
    // Run the alarm handler now rather than waiting the 5 s retry delay.
    await runInDurableObject(stub, (object: InventoryObject) => object.alarm());
    expect(await projected(sku)).toEqual({ on_hand: 9, reserved: 0, available: 9, version: 1 });
  });

  it("records inventory.low and inventory.out_of_stock when the threshold is crossed", async () => {
    const sku = newSku();
    await productWith(sku);
    await setStock(sku, 8); // 0 -> 8: nothing
    await holdStock(env, { sku, owner: "cart:1", quantity: 2, ttlMs: null }); // 6: still above 5
    await holdStock(env, { sku, owner: "cart:2", quantity: 2, ttlMs: null }); // 4: low
    await holdStock(env, { sku, owner: "cart:3", quantity: 1, ttlMs: null }); // 3: still low, no repeat
    await holdStock(env, { sku, owner: "cart:4", quantity: 3, ttlMs: null }); // 0: out of stock
    await setStock(sku, 20); // 0 -> 12 available: nothing
    await holdStock(env, { sku, owner: "cart:5", quantity: 12, ttlMs: null }); // 12 -> 0: out of stock again
    expect(await eventsFor(sku)).toEqual([
      { type: "inventory.low", data: { sku, available: 4, onHand: 8 } },
      { type: "inventory.out_of_stock", data: { sku, available: 0, onHand: 8 } },
      { type: "inventory.out_of_stock", data: { sku, available: 0, onHand: 20 } },
    ]);
  });
});

describe("catalog integration", () => {
  const LIST = `query($inStock: Boolean, $first: Int) { products(inStock: $inStock, first: $first) { edges { node { id variants { sku availability { available inStock } } } } } }`;

  it("filters listings by inStock and shows variant availability through REST and GraphQL", async () => {
    const [inA, outA, never] = [newSku("IN"), newSku("OUT"), newSku("NEVER")];
    const stocked = await productWith(inA, outA);
    const empty = await productWith(never);
    const soldOut = await productWith(newSku("GONE"));
    await setStock(inA, 3);
    await setStock(outA, 0);
    const gone = (await call("GET", `/v1/products/${soldOut.id}`)).body.variants[0].sku;
    await setStock(gone, 1);
    await holdStock(env, { sku: gone, owner: "cart:z", quantity: 1, ttlMs: null });

    const restIn = await call("GET", "/v1/products?inStock=true&limit=100");
    expect(restIn.status).toBe(200);
    const inIds = restIn.body.data.map((p: any) => p.id);
    expect(inIds).toContain(stocked.id);
    expect(inIds).not.toContain(empty.id);
    expect(inIds).not.toContain(soldOut.id);
    const restOut = (await call("GET", "/v1/products?inStock=false&limit=100")).body.data.map((p: any) => p.id);
    expect(restOut).toEqual(expect.arrayContaining([empty.id, soldOut.id]));
    expect(restOut).not.toContain(stocked.id);
    expect((await call("GET", "/v1/products?inStock=maybe")).status).toBe(400);

    const product = (await call("GET", `/v1/products/${stocked.id}`)).body;
    expect(Object.fromEntries(product.variants.map((v: any) => [v.sku, v.availability]))).toEqual({
      [inA]: { available: 3, inStock: true },
      [outA]: { available: 0, inStock: false },
    });

    const gqlIn = await gql(LIST, { inStock: true, first: 50 });
    expect(gqlIn.errors).toBeUndefined();
    const nodes = gqlIn.data.products.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.id)).toContain(stocked.id);
    expect(nodes.map((n: any) => n.id)).not.toContain(soldOut.id);
    expect(nodes.find((n: any) => n.id === stocked.id).variants).toEqual(
      expect.arrayContaining([
        { sku: inA, availability: { available: 3, inStock: true } },
        { sku: outA, availability: { available: 0, inStock: false } },
      ]),
    );
    const category = await call("POST", "/v1/categories", { admin: true, body: { name: unique("Stock cat") } });
    for (const p of [stocked, empty]) await call("PATCH", `/v1/products/${p.id}`, { admin: true, body: { categoryIds: [category.body.id] } });
    const inCategory = await gql(`query($id: ID!) { category(id: $id) { products(inStock: true) { edges { node { id } } } } }`, { id: category.body.id });
    expect(inCategory.data.category.products.edges.map((e: any) => e.node.id)).toEqual([stocked.id]);
    expect((await call("GET", `/v1/products?category=${category.body.id}&inStock=true`)).body.data.map((p: any) => p.id)).toEqual([stocked.id]);

    const gqlOut = (await gql(LIST, { inStock: false, first: 50 })).data.products.edges.map((e: any) => e.node);
    expect(gqlOut.find((n: any) => n.id === empty.id).variants).toEqual([{ sku: never, availability: { available: 0, inStock: false } }]);
  });
});

describe("OpenAPI", () => {
  it("documents the inventory endpoints and the inStock filter", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/inventory/{sku}", "/v1/inventory/{sku}/ledger", "/v1/inventory/{sku}/adjustments", "/v1/inventory"]));
    expect(doc.paths["/v1/products"].get.parameters.find((p: any) => p.name === "inStock").schema.type).toBe("boolean");
    expect(doc.components.schemas.Variant.properties.availability).toBeDefined();
  });
});

describe("GraphQL availability batching", () => {
  /** Run a query with a D1 binding that counts the statements it is asked to prepare. */
  async function countingQuery(query: string, variables: Record<string, unknown>) {
    const counter = countingD1(env.DB);
    const services = createServiceContext({ env: { ...env, DB: counter.db }, actor: { kind: "anonymous" }, requestId: "req_counting_0001" });
    const res = await handleGraphQL(new Request("http://edgeshop.test/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) }), services);
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return { body, statements: counter.count() };
  }

  it("loads the availability of a whole page in one query, whatever its size", async () => {
    const category = (await call("POST", "/v1/categories", { admin: true, body: { name: unique("Batch cat") } })).body;
    const skus: string[] = [];
    for (let i = 0; i < 8; i++) {
      const three = [newSku("B"), newSku("B"), newSku("B")];
      skus.push(...three);
      const product = await productWith(...three);
      await call("PATCH", `/v1/products/${product.id}`, { admin: true, body: { categoryIds: [category.id] } });
    }
    await call("PUT", "/v1/inventory", { admin: true, body: { levels: skus.map((sku, i) => ({ sku, onHand: i })) } });
    const query = `query($id: ID!, $first: Int) { category(id: $id) { products(first: $first) { edges { node { variants { sku availability { available inStock } } } } } } }`;
    const small = await countingQuery(query, { id: category.id, first: 2 });
    const large = await countingQuery(query, { id: category.id, first: 8 });
    const variants = large.body.data.category.products.edges.flatMap((e: any) => e.node.variants);
    expect(variants).toHaveLength(24);
    for (const v of variants) expect(v.availability).toEqual({ available: skus.indexOf(v.sku), inStock: skus.indexOf(v.sku) > 0 });
    expect(large.statements).toBe(small.statements);
    // The category, then its products with their variants and availability in one statement (the
    // category filter is resolved inside it, variants and availability are aggregated into it).
    expect(large.statements).toBe(2);
  });
});
