import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adminKeyWith } from "../support/events-helpers";
import { call, gql, unique } from "../support/helpers";
import { signUp } from "../support/customers-helpers";
import { admin, productWithPrices } from "../support/pricing-fixtures";

/** Admin APIs of markets, customer groups, base prices and price lists: both transports, bad input, auth, races. */

const handle = (prefix: string) => unique(prefix).toLowerCase().replace(/[^a-z0-9]+/g, "-");
const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

describe("markets", () => {
  it("creates, reads, updates and deletes a market over REST; the list is public, writes need pricing:write", async () => {
    const h = handle("jp");
    const created = await admin("POST", "/v1/markets", { handle: h, name: "Japan", currency: "JPY", pricesIncludeTax: true, countries: ["JP"] });
    expect(created).toMatchObject({ handle: h, currency: "JPY", pricesIncludeTax: true, countries: ["JP"], isDefault: false });
    expect((await call("GET", `/v1/markets/${h}`)).body.id).toBe(created.id);
    expect((await call("GET", "/v1/markets")).body.data.map((m: any) => m.handle)).toContain(h);
    const updated = await admin("PATCH", `/v1/markets/${created.id}`, { name: "日本", countries: ["JP", "KR"] });
    expect(updated).toMatchObject({ name: "日本", countries: ["JP", "KR"] });

    expect((await call("POST", "/v1/markets", { body: { handle: handle("x"), name: "X", currency: "EUR", pricesIncludeTax: true } })).status).toBe(401);
    const reader = await adminKeyWith(["pricing:read"]);
    expect((await call("POST", "/v1/markets", { token: reader, body: { handle: handle("x"), name: "X", currency: "EUR", pricesIncludeTax: true } })).status).toBe(403);

    await admin("DELETE", `/v1/markets/${h}`);
    expect((await call("GET", `/v1/markets/${h}`)).status).toBe(404);
    expect(await count("SELECT count(*) AS n FROM market_countries WHERE market_id = ?", created.id)).toBe(0);
  });

  it("refuses bad input with pointers and writes nothing", async () => {
    const before = await count("SELECT count(*) AS n FROM markets");
    const cases: [Record<string, unknown>, string][] = [
      [{ handle: "Bad Handle", name: "X", currency: "EUR", pricesIncludeTax: true }, "/handle"],
      [{ handle: handle("x"), name: "X", currency: "eur", pricesIncludeTax: true }, "/currency"],
      [{ handle: handle("x"), name: "X", currency: "XYZ", pricesIncludeTax: true }, "/currency"],
      [{ handle: handle("x"), name: "X", currency: "EUR", pricesIncludeTax: "yes" }, "/pricesIncludeTax"],
      [{ handle: handle("x"), name: "X", currency: "EUR", pricesIncludeTax: true, countries: ["DE", "DE"] }, "/countries"],
      [{ handle: handle("x"), name: "X", currency: "EUR", pricesIncludeTax: true, countries: ["Germany"] }, "/countries/0"],
    ];
    for (const [body, pointer] of cases) {
      const res = await call("POST", "/v1/markets", { admin: true, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: any) => e.pointer)).toContain(pointer);
    }
    const g = await gql(`mutation { createMarket(input: { handle: "x-y", name: "X", currency: "ZZZ", pricesIncludeTax: true }) { id } }`, {}, { admin: true });
    expect(g.errors![0]!.extensions).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ pointer: "/currency" }] });
    expect(await count("SELECT count(*) AS n FROM markets")).toBe(before);
  });

  it("a country belongs to one market, even when ten markets claim it at once", async () => {
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call("POST", "/v1/markets", { admin: true, body: { handle: handle(`race${i}`), name: "Race", currency: "EUR", pricesIncludeTax: true, countries: ["IS"] } })),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(1);
    expect(attempts.filter((r) => r.status === 409)).toHaveLength(9);
    expect(await count("SELECT count(*) AS n FROM market_countries WHERE country = 'IS'")).toBe(1);
    // The losers wrote nothing: no market without its country.
    expect(await count("SELECT count(*) AS n FROM markets WHERE name = 'Race'")).toBe(1);
  });

  it("exactly one default market, whatever concurrent switches do; the default cannot be deleted", async () => {
    const markets = await Promise.all(["a", "b", "c"].map((x) => admin("POST", "/v1/markets", { handle: handle(`d${x}`), name: `D${x}`, currency: "EUR", pricesIncludeTax: false })));
    const switches = await Promise.all(markets.map((m) => call("PATCH", `/v1/markets/${m.id}`, { admin: true, body: { isDefault: true } })));
    expect(switches.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(await count("SELECT count(*) AS n FROM markets WHERE is_default = 1")).toBe(1);
    const current = (await call("GET", "/v1/markets")).body.data[0];
    expect(current.isDefault).toBe(true);
    expect((await call("DELETE", `/v1/markets/${current.id}`, { admin: true })).status).toBe(409);
    // Give the default back to the migration's market for the rest of the file.
    await admin("PATCH", "/v1/markets/default", { isDefault: true });
    expect((await call("GET", "/v1/markets")).body.data[0].handle).toBe("default");
  });

  it("GraphQL: markets are public; admins create and update them", async () => {
    const h = handle("ch");
    const created = await gql(`mutation($h: String!) { createMarket(input: { handle: $h, name: "Switzerland", currency: "CHF", pricesIncludeTax: true, countries: ["CH"] }) { id handle currency countries isDefault } }`, { h }, { admin: true });
    expect(created.data.createMarket).toMatchObject({ handle: h, currency: "CHF", countries: ["CH"], isDefault: false });
    const anon = await gql(`mutation($h: String!) { updateMarket(handle: $h, input: { name: "Nope" }) { id } }`, { h });
    expect(anon.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
    const read = await gql(`query($h: String!) { market(handle: $h) { name pricesIncludeTax } markets { handle } }`, { h });
    expect(read.data.market).toEqual({ name: "Switzerland", pricesIncludeTax: true });
    expect(read.data.markets.map((m: any) => m.handle)).toContain(h);
  });
});

describe("customer groups", () => {
  it("manages groups and members over REST and GraphQL; unknown customers are 404; reads need a pricing scope", async () => {
    const h = handle("vip");
    const group = await admin("POST", "/v1/customer-groups", { handle: h, name: "VIP" });
    expect(group).toMatchObject({ handle: h, taxExempt: false });
    const { customer } = await signUp();
    await admin("PUT", `/v1/customer-groups/${h}/members/${customer.id}`);
    await admin("PUT", `/v1/customer-groups/${h}/members/${customer.id}`); // idempotent
    expect((await call("PUT", `/v1/customer-groups/${h}/members/cus_nope`, { admin: true })).status).toBe(404);
    const members = await admin("GET", `/v1/customer-groups/${h}/members`);
    expect(members.data.map((m: any) => m.customerId)).toEqual([customer.id]);
    expect((await call("GET", "/v1/customer-groups")).status).toBe(401);
    expect((await call("POST", "/v1/customer-groups", { admin: true, body: { handle: h, name: "Again" } })).status).toBe(409);

    const g = await gql(`query { customerGroups { handle members(first: 5) { edges { node { customerId } } } } }`, {}, { admin: true });
    expect(g.data.customerGroups.find((x: any) => x.handle === h).members.edges[0].node.customerId).toBe(customer.id);
    const removed = await gql(`mutation($g: String!, $c: ID!) { removeCustomerGroupMember(group: $g, customerId: $c) { handle } }`, { g: h, c: customer.id }, { admin: true });
    expect(removed.errors).toBeUndefined();
    expect((await admin("GET", `/v1/customer-groups/${h}/members`)).data).toEqual([]);
    await admin("DELETE", `/v1/customer-groups/${h}`);
  });
});

describe("base prices", () => {
  it("sets and removes prices per currency atomically, each with a price.changed event", async () => {
    const { variant, product } = await productWithPrices({ prices: { EUR: 1000 } });
    expect((await call("GET", `/v1/variants/${variant.id}/prices`)).body.data.map((p: any) => [p.currency, p.amount])).toEqual([["EUR", 1000]]);
    const set = await admin("PUT", "/v1/prices", {
      prices: [
        { variantId: variant.id, currency: "USD", amount: 1200, compareAtAmount: 1500 },
        { variantId: variant.id, currency: "JPY", amount: 1600 },
        { variantId: variant.id, currency: "EUR", amount: null },
      ],
    });
    expect(set.data.map((p: any) => [p.currency, p.amount, p.compareAtAmount]).sort()).toEqual([["JPY", 1600, null], ["USD", 1200, 1500]]);
    const events = await env.DB.prepare("SELECT payload FROM events WHERE type = 'price.changed' AND resource_id = ? ORDER BY sequence").bind(variant.id).all<{ payload: string }>();
    expect(events.results.map((e) => JSON.parse(e.payload).data)).toEqual([
      { variantId: variant.id, productId: product.id, currency: "USD", amount: 1200, compareAtAmount: 1500 },
      { variantId: variant.id, productId: product.id, currency: "JPY", amount: 1600, compareAtAmount: null },
      { variantId: variant.id, productId: product.id, currency: "EUR", amount: null, compareAtAmount: null },
    ]);

    const g = await gql(`mutation($v: ID!) { setPrices(prices: [{ variantId: $v, currency: "GBP", amount: 900 }]) { currency amount } }`, { v: variant.id }, { admin: true });
    expect(g.data.setPrices).toEqual([{ currency: "GBP", amount: 900 }]);
  });

  it("refuses unknown variants, currencies and duplicates, and writes nothing", async () => {
    const { variant } = await productWithPrices({ prices: { EUR: 1000 } });
    const res = await call("PUT", "/v1/prices", {
      admin: true,
      body: {
        prices: [
          { variantId: variant.id, currency: "USD", amount: 1 },
          { variantId: "var_nope", currency: "USD", amount: 1 },
          { variantId: variant.id, currency: "USD", amount: 2 },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.pointer)).toEqual(["/prices/1/variantId", "/prices/2"]);
    const currency = await call("PUT", "/v1/prices", { admin: true, body: { prices: [{ variantId: variant.id, currency: "ABC", amount: 1 }] } });
    expect(currency.body.errors[0].pointer).toBe("/prices/0/currency");
    const fractional = await call("PUT", "/v1/prices", { admin: true, body: { prices: [{ variantId: variant.id, currency: "USD", amount: 1.5 }] } });
    expect(fractional.body.errors[0].pointer).toBe("/prices/0/amount");
    expect((await call("GET", `/v1/variants/${variant.id}/prices`)).body.data).toHaveLength(1);
  });

  it("drops a deleted product's prices when its product.deleted event is handled", async () => {
    const { product, variant } = await productWithPrices({ prices: { EUR: 1000, USD: 1100 } });
    await admin("DELETE", `/v1/products/${product.id}`);
    const { pricingForgetDeletedVariants } = await import("../../src/modules/pricing");
    const row = await env.DB.prepare("SELECT * FROM events WHERE type = 'product.deleted' AND resource_id = ?").bind(product.id).first<any>();
    const message = { id: row.id, type: row.type, resource: { type: "product", id: product.id }, sequence: row.sequence, position: row.position, payload: JSON.parse(row.payload), createdAt: row.created_at };
    await pricingForgetDeletedVariants.handle(env, message);
    await pricingForgetDeletedVariants.handle(env, message); // redelivery changes nothing
    expect(await count("SELECT count(*) AS n FROM variant_prices WHERE variant_id = ?", variant.id)).toBe(0);
  });
});

describe("price lists", () => {
  it("creates a list with tiers, changes its prices and settings, and deletes it; events for each", async () => {
    const { variant } = await productWithPrices({ prices: { EUR: 1000 } });
    const list = await admin("POST", "/v1/price-lists", {
      name: "Tiers",
      currency: "EUR",
      market: "default",
      prices: [
        { variantId: variant.id, amount: 950 },
        { variantId: variant.id, minQuantity: 10, amount: 800 },
      ],
    });
    expect(list).toMatchObject({ name: "Tiers", currency: "EUR", marketId: "mkt_default", customerGroupId: null, priceCount: 2, status: "active" });
    const updated = await admin("PUT", `/v1/price-lists/${list.id}/prices`, { prices: [{ variantId: variant.id, minQuantity: 10, amount: null }, { variantId: variant.id, minQuantity: 5, amount: 850 }] });
    expect(updated.priceCount).toBe(2);
    const prices = await admin("GET", `/v1/price-lists/${list.id}/prices`);
    expect(prices.data.map((p: any) => [p.minQuantity, p.amount])).toEqual([[1, 950], [5, 850]]);
    await admin("PATCH", `/v1/price-lists/${list.id}`, { name: "Volume", endsAt: "2099-01-01T00:00:00Z" });
    const g = await gql(`query($id: ID!) { priceList(id: $id) { name endsAt prices(first: 1) { edges { node { minQuantity amount } } pageInfo { hasNextPage } } } }`, { id: list.id }, { admin: true });
    expect(g.data.priceList).toEqual({ name: "Volume", endsAt: "2099-01-01T00:00:00.000Z", prices: { edges: [{ node: { minQuantity: 1, amount: 950 } }], pageInfo: { hasNextPage: true } } });
    await admin("DELETE", `/v1/price-lists/${list.id}`);
    const types = await env.DB.prepare("SELECT type, payload FROM events WHERE resource_id = ? ORDER BY sequence").bind(list.id).all<{ type: string; payload: string }>();
    expect(types.results.map((e) => [e.type, JSON.parse(e.payload).data.changed])).toEqual([
      ["price_list.created", []],
      ["price_list.updated", ["prices"]],
      ["price_list.updated", ["endsAt", "name"]],
      ["price_list.deleted", []],
    ]);
  });

  it("refuses a market in another currency, an unknown group, a window that ends before it starts; writes nothing", async () => {
    const { variant } = await productWithPrices({ prices: { EUR: 1000 } });
    const before = await count("SELECT count(*) AS n FROM price_lists");
    const usd = await admin("POST", "/v1/markets", { handle: handle("usd"), name: "USD", currency: "USD", pricesIncludeTax: false });
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "X", currency: "EUR", market: usd.handle }, "/market"],
      [{ name: "X", currency: "EUR", customerGroup: "nobody" }, "/customerGroup"],
      [{ name: "X", currency: "EUR", startsAt: "2030-01-02T00:00:00Z", endsAt: "2030-01-01T00:00:00Z" }, "/endsAt"],
      [{ name: "X", currency: "EUR", prices: [{ variantId: "var_nope", amount: 1 }] }, "/prices/0/variantId"],
      [{ name: "X", currency: "EUR", prices: [{ variantId: variant.id, amount: 1 }, { variantId: variant.id, amount: 2 }] }, "/prices/1"],
      [{ name: "X", currency: "EUR", startsAt: "tomorrow" }, "/startsAt"],
    ];
    for (const [body, pointer] of cases) {
      const res = await call("POST", "/v1/price-lists", { admin: true, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: any) => e.pointer)).toContain(pointer);
    }
    expect(await count("SELECT count(*) AS n FROM price_lists")).toBe(before);
    expect((await call("GET", "/v1/price-lists")).status).toBe(401);
  });
});
