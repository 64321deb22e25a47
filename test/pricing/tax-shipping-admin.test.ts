import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../src/context";
import { quoteShipping } from "../../src/modules/shipping";
import { tableTaxProvider } from "../../src/modules/tax";
import { call, gql, unique } from "../support/helpers";
import { createVariant, guestCart } from "../support/fixtures";
import { admin } from "../support/pricing-fixtures";

/** Tax and shipping tables through the admin API, and the SHIPPING_RATES / TAX_RATES seed defaults. */

const count = async (sql: string) => (await env.DB.prepare(sql).first<{ n: number }>())!.n;
const ctx = () => createServiceContext({ env, actor: { kind: "anonymous" }, requestId: "test" });

describe("SHIPPING_RATES and TAX_RATES are seed defaults only", () => {
  // First in this file: the tables start empty, as in a shop upgraded from before markets.
  it("a shop without rate tables prices as before: the variables become table rows once", async () => {
    expect(await count("SELECT count(*) AS n FROM tax_rates")).toBe(0);
    const v = await createVariant(1000, 5);
    const { cart } = await guestCart([{ variantId: v.id, quantity: 1 }], "FR");
    // FR: 590 shipping, 20% of (1000 + 590) = 318.
    expect(cart.totals).toMatchObject({ shipping: { amount: 590 }, tax: { amount: 318 }, total: { amount: 1908 } });
    const taxRates = JSON.parse(env.TAX_RATES) as Record<string, number>;
    const shippingRates = JSON.parse(env.SHIPPING_RATES) as Record<string, unknown>;
    expect(await count("SELECT count(*) AS n FROM tax_rates")).toBe(Object.keys(taxRates).length);
    expect(await count("SELECT count(*) AS n FROM shipping_zones")).toBe(Object.keys(shippingRates).length);
    const listed = await admin("GET", "/v1/tax-rates?country=FR");
    expect(listed.data).toMatchObject([{ country: "FR", taxClass: "standard", rate: 2000 }]);
  });

  it("imports once however many requests race for it, and never again once done", async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM tax_rates"), env.DB.prepare("DELETE FROM tax_default_imports")]);
    const provider = tableTaxProvider;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => provider.calculate(ctx(), { currency: "EUR", pricesIncludeTax: false, destination: { country: "DE" }, lines: [{ key: "a", taxClass: "standard", amount: 1000 }] })),
    );
    expect(results.every((r) => r.lines[0]!.tax === 190)).toBe(true);
    expect(await count("SELECT count(*) AS n FROM tax_rates")).toBe(Object.keys(JSON.parse(env.TAX_RATES)).length);
    expect(await count("SELECT count(*) AS n FROM tax_default_imports")).toBe(1);

    // An admin who deletes every rate does not get the defaults back.
    for (const rate of (await admin("GET", "/v1/tax-rates?limit=100")).data) await admin("DELETE", `/v1/tax-rates/${rate.id}`);
    const after = await provider.calculate(ctx(), { currency: "EUR", pricesIncludeTax: false, destination: { country: "DE" }, lines: [{ key: "a", taxClass: "standard", amount: 1000 }] });
    expect(after.lines[0]!.tax).toBe(0);
    expect(await count("SELECT count(*) AS n FROM tax_rates")).toBe(0);
    const quotes = await quoteShipping(ctx(), { market: { id: "mkt_default", currency: "EUR" }, country: "DE", weightGrams: 0, subtotal: 1000 });
    expect(quotes.map((q) => q.amount.amount)).toEqual([490]);
  });
});

describe("tax admin", () => {
  it("manages classes and rates over REST; the most specific rate applies to a cart", async () => {
    const klass = await admin("POST", "/v1/tax-classes", { handle: unique("books").toLowerCase().replace(/[^a-z0-9]+/g, "-"), name: "Books" });
    expect(klass.builtIn).toBe(false);
    expect((await call("GET", "/v1/tax-classes")).body.data.map((c: any) => c.handle)).toEqual(expect.arrayContaining(["standard", "reduced", "zero", klass.handle]));
    const rate = await admin("POST", "/v1/tax-rates", { country: "CA", taxClass: klass.handle, rate: 500, name: "GST" });
    const provincial = await admin("POST", "/v1/tax-rates", { country: "CA", region: "qc", taxClass: klass.handle, rate: 1498, name: "GST+QST" });
    expect(provincial.region).toBe("QC");
    expect((await call("POST", "/v1/tax-rates", { admin: true, body: { country: "CA", taxClass: klass.handle, rate: 1 } })).status).toBe(409);
    expect((await call("DELETE", `/v1/tax-classes/${klass.handle}`, { admin: true })).status).toBe(409);
    expect((await call("DELETE", "/v1/tax-classes/standard", { admin: true })).status).toBe(409);

    const priced = await tableTaxProvider.calculate(ctx(), {
      currency: "CAD",
      pricesIncludeTax: false,
      destination: { country: "CA", region: "QC", postalCode: "H2X 1Y4" },
      lines: [{ key: "b", taxClass: klass.handle, amount: 2000 }],
    });
    expect(priced.lines[0]).toEqual({ key: "b", tax: 300, rate: 1498, name: "GST+QST" });
    await admin("PATCH", `/v1/tax-rates/${provincial.id}`, { rate: 1000 });
    expect((await admin("GET", `/v1/tax-rates/${provincial.id}`)).rate).toBe(1000);
    await admin("DELETE", `/v1/tax-rates/${provincial.id}`);
    await admin("DELETE", `/v1/tax-rates/${rate.id}`);
    await admin("DELETE", `/v1/tax-classes/${klass.handle}`);
  });

  it("refuses bad input with pointers, writes nothing, and needs pricing:write (both transports)", async () => {
    const before = await count("SELECT count(*) AS n FROM tax_rates");
    const cases: [Record<string, unknown>, string][] = [
      [{ country: "Germany", rate: 1900 }, "/country"],
      [{ country: "*", region: "CA", rate: 1 }, "/country"],
      [{ country: "DE", rate: 10_001 }, "/rate"],
      [{ country: "DE", rate: 19.5 }, "/rate"],
      [{ country: "DE", rate: 1900, taxClass: "luxury" }, "/taxClass"],
      [{ country: "DE", rate: 1900, postalPrefix: "10/1" }, "/postalPrefix"],
    ];
    for (const [body, pointer] of cases) {
      const res = await call("POST", "/v1/tax-rates", { admin: true, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: any) => e.pointer)).toContain(pointer);
    }
    expect(await count("SELECT count(*) AS n FROM tax_rates")).toBe(before);
    expect((await call("POST", "/v1/tax-rates", { body: { country: "DE", rate: 1 } })).status).toBe(401);
    const g = await gql(`mutation { createTaxRate(input: { country: "DE", rate: 1 }) { id } }`);
    expect(g.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
    const made = await gql(`mutation { createTaxRate(input: { country: "LU", rate: 1700, name: "TVA" }) { id country rate name taxClass } }`, {}, { admin: true });
    expect(made.data.createTaxRate).toMatchObject({ country: "LU", rate: 1700, name: "TVA", taxClass: "standard" });
    const listed = await gql(`{ taxRates(country: "LU") { edges { node { rate } } } taxClasses { handle builtIn } }`, {}, { admin: true });
    expect(listed.data.taxRates.edges).toEqual([{ node: { rate: 1700 } }]);
  });
});

describe("shipping admin", () => {
  it("manages zones and methods; a cart lists what applies and prices by weight, subtotal and threshold", async () => {
    const zone = await admin("POST", "/v1/shipping-zones", { name: "Benelux", countries: ["BE", "LU"] });
    const byWeight = await admin("POST", "/v1/shipping-methods", { zoneId: zone.id, currency: "EUR", name: "Post", kind: "weight", bands: [{ upTo: 2000, amount: 600 }, { upTo: 10000, amount: 1100 }], freeOver: 5000 });
    const bySubtotal = await admin("POST", "/v1/shipping-methods", { zoneId: zone.id, currency: "EUR", name: "Courier", kind: "subtotal", bands: [{ upTo: 2999, amount: 900 }, { upTo: null, amount: 450 }], position: 1 });
    await admin("POST", "/v1/shipping-methods", { zoneId: zone.id, currency: "USD", name: "Dollars only", kind: "flat", amount: 1 });
    const heavy = (await admin("POST", "/v1/products", { title: "Anvil", status: "active", variants: [{ sku: unique("ANVIL").toUpperCase(), price: { amount: 2000, currency: "EUR" }, weightGrams: 4000 }] })).variants[0];
    await admin("PUT", `/v1/inventory/${encodeURIComponent(heavy.sku)}`, { onHand: 10 });
    const quote = async (quantity: number) => (await guestCart([{ variantId: heavy.id, quantity }], "BE")).cart;
    // 1 anvil: 4 kg -> Post 11.00; subtotal 20.00 -> Courier 9.00 (cheapest first).
    expect((await quote(1)).shippingMethods.map((m: any) => [m.name, m.amount.amount, m.free])).toEqual([["Courier", 900, false], ["Post", 1100, false]]);
    // 3 anvils: 12 kg is past Post's last band; subtotal 60.00 -> Courier 4.50.
    expect((await quote(3)).shippingMethods.map((m: any) => m.name)).toEqual(["Courier"]);
    await admin("PATCH", `/v1/shipping-methods/${byWeight.id}`, { bands: [{ upTo: 2000, amount: 600 }, { upTo: null, amount: 1100 }] });
    // Now Post takes 12 kg, and is free over 50.00.
    expect((await quote(3)).shippingMethods.map((m: any) => [m.name, m.amount.amount, m.free])).toEqual([["Post", 0, true], ["Courier", 450, false]]);
    await admin("PATCH", `/v1/shipping-methods/${bySubtotal.id}`, { active: false });
    expect((await quote(1)).shippingMethods.map((m: any) => m.name)).toEqual(["Post"]);

    const listed = await admin("GET", `/v1/shipping-methods?zoneId=${zone.id}`);
    expect(listed.data).toHaveLength(3);
    await admin("DELETE", `/v1/shipping-zones/${zone.id}`);
    expect((await call("GET", `/v1/shipping-methods/${byWeight.id}`, { admin: true })).status).toBe(404);
  });

  it("refuses methods that do not hold together, and writes nothing (both transports)", async () => {
    const zone = await admin("POST", "/v1/shipping-zones", { name: "Nordics", countries: ["SE", "NO"] });
    const gbp = await admin("POST", "/v1/markets", { handle: unique("gbp").toLowerCase().replace(/[^a-z0-9]+/g, "-"), name: "GBP", currency: "GBP", pricesIncludeTax: true });
    const before = await count("SELECT count(*) AS n FROM shipping_methods");
    const base = { zoneId: zone.id, currency: "EUR", name: "X" };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, kind: "flat" }, "/amount"],
      [{ ...base, kind: "flat", amount: 100, bands: [{ upTo: 1, amount: 1 }] }, "/bands"],
      [{ ...base, kind: "weight" }, "/bands"],
      [{ ...base, kind: "weight", bands: [{ upTo: 1000, amount: 1 }, { upTo: 500, amount: 2 }] }, "/bands/1/upTo"],
      [{ ...base, kind: "weight", bands: [{ upTo: null, amount: 1 }, { upTo: 500, amount: 2 }] }, "/bands/0/upTo"],
      [{ ...base, kind: "flat", amount: 100, marketId: gbp.id }, "/currency"],
      [{ ...base, zoneId: "shz_nope", kind: "flat", amount: 100 }, "/zoneId"],
      [{ ...base, kind: "flat", amount: 100, taxClass: "luxury" }, "/taxClass"],
      [{ ...base, kind: "flat", amount: -1 }, "/amount"],
      [{ ...base, kind: "teleport", amount: 1 }, "/kind"],
    ];
    for (const [body, pointer] of cases) {
      const res = await call("POST", "/v1/shipping-methods", { admin: true, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: any) => e.pointer)).toContain(pointer);
    }
    const zoneBad = await call("POST", "/v1/shipping-zones", { admin: true, body: { name: "Dup", countries: ["SE", "SE"] } });
    expect(zoneBad.status).toBe(400);
    expect(await count("SELECT count(*) AS n FROM shipping_methods")).toBe(before);

    const g = await gql(
      `mutation($z: ID!) { createShippingMethod(input: { zoneId: $z, currency: "EUR", name: "Bring", kind: WEIGHT, bands: [{ upTo: 1000, amount: 500 }, { amount: 900 }] }) { kind bands { upTo amount } } }`,
      { z: zone.id },
      { admin: true },
    );
    expect(g.data.createShippingMethod).toEqual({ kind: "WEIGHT", bands: [{ upTo: 1000, amount: 500 }, { upTo: null, amount: 900 }] });
    const bad = await gql(`mutation($z: ID!) { createShippingMethod(input: { zoneId: $z, currency: "EUR", name: "Bad", kind: FLAT }) { id } }`, { z: zone.id }, { admin: true });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ pointer: "/amount" }] });
    expect((await call("GET", "/v1/shipping-zones")).status).toBe(401);
  });
});
