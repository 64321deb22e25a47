import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { BASE, call } from "../support/helpers";

describe("API documents", () => {
  it("serves an OpenAPI 3.1 document generated from the route schemas", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    for (const path of ["/v1/products", "/v1/products/{idOrSlug}", "/v1/categories", "/v1/search", "/v1/products/{idOrSlug}/variants", "/v1/variants/{id}", "/v1/categories/{idOrSlug}"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.paths["/v1/products"])).toEqual(expect.arrayContaining(["get", "post"]));
    expect(doc.components.schemas.Product.properties.priceRange).toBeDefined();
    expect(doc.components.schemas.Money.properties.amount.type).toBe("integer");
    expect(doc.components.securitySchemes.adminApiKey).toMatchObject({ type: "http", scheme: "bearer" });
    const post = doc.paths["/v1/products"].post;
    expect(post.security).toEqual([{ adminApiKey: [] }, { staffSession: [] }]);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "409", "413", "415"]));
    expect(post.responses["400"].content["application/problem+json"]).toBeDefined();
  });

  it("serves an interactive reference at /docs", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.text).toContain("/openapi.json");
  });

  it("serves GraphiQL only in development", async () => {
    const ask = async (environment: string) => {
      const ctx = createExecutionContext();
      const request = new Request(`${BASE}/graphql`, { headers: { accept: "text/html" } }) as Parameters<typeof worker.fetch>[0];
      const res = await worker.fetch(request, { ...env, ENVIRONMENT: environment }, ctx);
      await waitOnExecutionContext(ctx);
      return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text() };
    };
    const dev = await ask("development");
    expect(dev.type).toContain("text/html");
    expect(dev.body.toLowerCase()).toContain("graphiql");
    const prod = await ask("production");
    expect(prod.body.toLowerCase()).not.toContain("graphiql");
  });
});
