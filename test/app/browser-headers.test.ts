import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app/http";
import { allowedOrigins, CORS_EXPOSED_HEADERS } from "../../src/http/cors";
import { call } from "../support/helpers";
import { createStaffMember } from "../support/staff-helpers";

const LISTED = "http://127.0.0.1:8788";
const UNLISTED = "https://evil.example";

function preflight(path: string, origin: string, headers = "content-type, x-csrf-token") {
  return call("OPTIONS", path, { headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers } });
}

describe("CORS", () => {
  it("answers a listed origin's preflight for REST and GraphQL with that origin, credentials and the allowed headers", async () => {
    for (const path of ["/v1/products", "/v1/staff/sign-in", "/graphql"]) {
      const res = await preflight(path, LISTED);
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(LISTED);
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
      expect(res.headers.get("access-control-allow-methods")).toMatch(/POST/);
      expect(res.headers.get("access-control-allow-headers")).toMatch(/x-csrf-token/);
      expect(res.headers.get("access-control-allow-headers")).toMatch(/idempotency-key/);
      expect(res.headers.get("access-control-max-age")).toBe("600");
      expect(res.headers.get("vary")).toMatch(/Origin/);
    }
  });

  it("gives an unlisted origin no CORS headers at all: not reflected, no credentials", async () => {
    const pre = await preflight("/v1/products", UNLISTED);
    expect(pre.status).toBe(204);
    for (const name of ["access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods", "access-control-allow-headers"]) {
      expect(pre.headers.get(name)).toBeNull();
    }
    const get = await call("GET", "/v1/products?limit=1", { headers: { origin: UNLISTED } });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
    expect(get.headers.get("access-control-allow-credentials")).toBeNull();
    expect(get.headers.get("access-control-expose-headers")).toBeNull();
    // Yoga's own CORS (which reflects any origin) is off.
    const graphql = await call("POST", "/graphql", { headers: { origin: UNLISTED }, body: { query: "{ categories { id } }" } });
    expect(graphql.status).toBe(200);
    expect(graphql.headers.get("access-control-allow-origin")).toBeNull();
    expect(graphql.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("on a listed origin's request: the origin, credentials and the headers clients need, exposed", async () => {
    const res = await call("GET", "/v1/products?limit=1", { headers: { origin: LISTED } });
    expect(res.headers.get("access-control-allow-origin")).toBe(LISTED);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    const exposed = res.headers.get("access-control-expose-headers")!.split(", ").map((h) => h.toLowerCase());
    for (const name of ["ratelimit", "ratelimit-policy", "etag", "x-d1-bookmark", "x-request-id", "idempotent-replayed", "retry-after", "location"]) expect(exposed).toContain(name);
    expect(res.headers.get("vary")).toMatch(/Origin/);
    const graphql = await call("POST", "/graphql", { headers: { origin: LISTED }, body: { query: "{ categories { id } }" } });
    expect(graphql.headers.get("access-control-allow-origin")).toBe(LISTED);
    // Problems carry the headers too, so the page can read the error.
    const problem = await call("GET", "/v1/orders", { headers: { origin: LISTED } });
    expect(problem.status).toBe(401);
    expect(problem.headers.get("access-control-allow-origin")).toBe(LISTED);
  });

  it("a listed origin matches exactly: another port, scheme or a suffix is unlisted", async () => {
    for (const origin of ["http://127.0.0.1:8789", "https://127.0.0.1:8788", "http://127.0.0.1:8788.evil.example", "null"]) {
      const res = await preflight("/v1/products", origin);
      expect(res.headers.get("access-control-allow-origin"), origin).toBeNull();
    }
  });

  it("reads CORS_ALLOWED_ORIGINS as exact origins and ignores anything else", () => {
    const origins = allowedOrigins(" https://shop.example , http://localhost:5173,*,https://x.example/path,not a url,https://trailing.example/ ");
    expect([...origins].sort()).toEqual(["http://localhost:5173", "https://shop.example", "https://trailing.example"]);
    expect(allowedOrigins(undefined).size).toBe(0);
    expect(CORS_EXPOSED_HEADERS).toContain("RateLimit");
  });
});

describe("security headers", () => {
  it("X-Content-Type-Options: nosniff on every kind of response", async () => {
    const responses = await Promise.all([
      call("GET", "/healthz"),
      call("GET", "/v1/products?limit=1"),
      call("GET", "/v1/nothing-here"),
      call("GET", "/openapi.json"),
      call("GET", "/docs"),
      call("POST", "/graphql", { body: { query: "{ categories { id } }" } }),
      call("OPTIONS", "/v1/products", { headers: { origin: LISTED, "access-control-request-method": "GET" } }),
    ]);
    for (const res of responses) expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("Cache-Control: no-store on answers with tokens or personal data; public catalog reads keep theirs", async () => {
    const email = `headers-${Date.now()}@example.com`;
    const signUp = await call("POST", "/v1/customers", { body: { email, password: "correct horse battery" } });
    const me = await call("GET", "/v1/me", { token: signUp.body.token });
    const signIn = await call("POST", "/v1/customers/sign-in", { body: { email, password: "correct horse battery" } });
    const member = await createStaffMember("support");
    const staffSignIn = await call("POST", "/v1/staff/sign-in", { body: { email: member.email, password: member.password } });
    const cart = await call("POST", "/v1/carts", { body: {} });
    const keys = await call("GET", "/v1/api-keys", { admin: true });
    const gqlMe = await call("POST", "/graphql", { token: signUp.body.token, body: { query: "{ me { email } }" } });
    for (const res of [signUp, me, signIn, staffSignIn, cart, keys, gqlMe]) expect(res.headers.get("cache-control")).toBe("no-store");
    const products = await call("GET", "/v1/products?limit=1");
    expect(products.headers.get("cache-control")).toMatch(/^public/);
  });

  it("a CSP with frame-ancestors on HTML pages, and none on JSON", async () => {
    const docs = await call("GET", "/docs");
    expect(docs.headers.get("content-type")).toMatch(/text\/html/);
    expect(docs.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect((await call("GET", "/healthz")).headers.get("content-security-policy")).toBeNull();
  });

  it("HSTS outside development only", async () => {
    const production = await call("GET", "/healthz");
    expect(production.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    const ctx = createExecutionContext();
    const development = await app.fetch(new Request("http://edgeshop.test/healthz"), { ...env, ENVIRONMENT: "development" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(development.headers.get("strict-transport-security")).toBeNull();
    expect(development.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("OpenAPI operationIds", () => {
  it("every operation has a stable, unique camelCase operationId", async () => {
    const doc = (await call("GET", "/openapi.json")).body as { paths: Record<string, Record<string, { operationId?: string }>> };
    const ids = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ where: `${method} ${path}`, id: op.operationId })));
    expect(ids.filter((o) => !o.id || !/^[a-z][A-Za-z]+$/.test(o.id))).toEqual([]);
    expect(new Set(ids.map((o) => o.id)).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([{ where: "post /v1/staff/sign-in", id: "signInStaff" }, { where: "get /v1/api-keys", id: "listApiKeys" }, { where: "post /v1/products", id: "createProduct" }]));
  });
});
