import { codes } from "currency-codes";
import { describe, expect, it } from "vitest";
import { CURRENCY_CODES } from "../../src/shared/currencies";
import { call, unique } from "../support/helpers";

describe("bad input", () => {
  it("accepts only ISO 4217 currencies in circulation", async () => {
    const product = (currency: string) => ({
      title: "Currency check",
      slug: unique("currency"),
      variants: [{ sku: unique("CUR").toUpperCase(), price: { amount: 100, currency } }],
    });
    for (const currency of ["ZZZ", "XXX", "XTS", "XAU", "EURO", "eur"]) {
      const res = await call("POST", "/v1/products", { admin: true, body: product(currency) });
      expect(res.status, currency).toBe(400);
      expect(res.body.errors, currency).toEqual([expect.objectContaining({ pointer: "/variants/0/price/currency" })]);
    }
    for (const currency of ["EUR", "JPY", "CHF", "XOF"]) {
      expect((await call("POST", "/v1/products", { admin: true, body: product(currency) })).status, currency).toBe(201);
    }
    // Over GraphQL the same schema refuses it.
    const gql = await call("POST", "/graphql", {
      admin: true,
      body: { query: `mutation { createProduct(input: { title: "Z", variants: [{ sku: "${unique("GZ").toUpperCase()}", price: { amount: 1, currency: "ZZZ" } }] }) { id } }` },
    });
    expect(gql.body.errors[0].extensions.code).toBe("VALIDATION_FAILED");
  });

  it("keeps the currency list equal to ISO 4217 List One less metals, bond units and test codes", () => {
    const notMoney = new Set(["XAG", "XAU", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA", "XTS", "XXX"]);
    const expected = [...codes().filter((c) => !notMoney.has(c)), "XCG"].sort();
    expect([...CURRENCY_CODES].sort()).toEqual(expected);
  });

  it("reads query integers as plain decimal digits only", async () => {
    for (const limit of ["1e1", "0x10", "%205", "5.0", "", "+5", "0b11", "Infinity"]) {
      const res = await call("GET", `/v1/products?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.body.errors, limit).toEqual([expect.objectContaining({ pointer: "/limit" })]);
    }
    expect((await call("GET", "/v1/products?limit=10")).status).toBe(200);
    expect((await call("GET", "/v1/products?minPrice=0x10")).body.errors[0].pointer).toBe("/minPrice");
    expect((await call("GET", "/v1/products?minPrice=1500&maxPrice=2000")).status).toBe(200);
    expect((await call("GET", "/v1/search?q=tee&limit=1e1")).status).toBe(400);
    expect((await call("GET", "/v1/products/anything/recommendations?limit=0x4")).status).toBe(400);
    expect((await call("GET", "/v1/events?limit=%205", { admin: true })).status).toBe(400);
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const archive = await call("GET", "/v1/products/some-product/archive");
    expect(archive.status).toBe(405);
    expect(archive.headers.get("allow")).toBe("POST");
    expect(archive.body.type).toBe("https://edgeshop.dev/problems/method-not-allowed");
    const product = await call("PUT", "/v1/products/some-product", { admin: true, body: {} });
    expect(product.status).toBe(405);
    expect(product.headers.get("allow")).toBe("DELETE, GET, HEAD, PATCH");
    expect((await call("DELETE", "/graphql")).headers.get("allow")).toBe("GET, HEAD, POST");
    // An unknown path stays a 404.
    expect((await call("GET", "/v1/no-such-thing")).status).toBe(404);
  });

  it("puts instance and the request id into every problem body", async () => {
    const cases = [
      await call("GET", "/v1/no-such-thing"),
      await call("PATCH", "/v1/products", { admin: true, body: {} }),
      await call("POST", "/v1/products", { admin: true, body: "x", headers: { "content-type": "text/plain" } }),
      await call("POST", "/v1/products", { admin: true, body: "x".repeat(300_000) }),
      await call("POST", "/v1/products", { admin: true, body: "{" }),
      await call("POST", "/v1/products", { admin: true, body: {} }),
      await call("GET", "/v1/customers"),
    ];
    expect(cases.map((c) => c.status)).toEqual([404, 405, 415, 413, 400, 400, 401]);
    for (const res of cases) {
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body.instance).toMatch(/^\/v1\//);
      expect(res.body.request_id).toBe(res.headers.get("x-request-id"));
    }
  });
});
