// The Worker's HTML shells for people: /admin (SPA), /docs (Scalar) and GraphiQL, served from the
// Workers static assets built by `npm run build:web`, each with its CSP; nothing loads from a CDN.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { BASE } from "../support/helpers";

const get = async (path: string, accept = "text/html") => {
  const res = await exports.default.fetch(new Request(BASE + path, { headers: { accept } }));
  return { status: res.status, headers: res.headers, text: await res.text() };
};
/** Call the Worker's own fetch with another environment (e.g. ENVIRONMENT=development). */
async function fetchWith(path: string, environment: string) {
  const ctx = createExecutionContext();
  const request = new Request(BASE + path, { headers: { accept: "text/html" } }) as Parameters<typeof worker.fetch>[0];
  const res = await worker.fetch(request, { ...env, ENVIRONMENT: environment }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const CDN = /unpkg\.com|jsdelivr|cdnjs|googleapis/;

describe("admin shell", () => {
  it("serves the SPA shell at /admin and any path below it, with a strict CSP", async () => {
    for (const path of ["/admin", "/admin/orders/ord_123", "/admin/products/new"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.text).toMatch(/<script type="module" crossorigin src="\/static\/admin\/assets\/index-[\w-]+\.js"><\/script>/);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("connect-src 'self'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.text).not.toMatch(CDN);
    }
  });

  it("tells the SPA the environment: the API-key sign-in is for development only", async () => {
    expect((await get("/admin")).text).toContain('<meta name="edgeshop-environment" content="production">');
    const res = await fetchWith("/admin", "development");
    expect(await res.text()).toContain('<meta name="edgeshop-environment" content="development">');
  });

  it("serves the built admin bundle from the static assets", async () => {
    const shell = (await get("/admin")).text;
    const script = /src="(\/static\/admin\/assets\/[^"]+\.js)"/.exec(shell)![1]!;
    const asset = await env.ASSETS!.fetch(new Request(BASE + script));
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect((await asset.text()).length).toBeGreaterThan(1000);
  });
});

describe("/docs and GraphiQL from pinned assets", () => {
  it("/docs loads Scalar from this Worker's assets at a pinned version", async () => {
    const res = await get("/docs");
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/src="\/static\/vendor\/scalar-api-reference@\d+\.\d+\.\d+\/standalone\.js"/);
    expect(res.text).toContain('data-openapi-url="/openapi.json"');
    expect(res.text).not.toMatch(CDN);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const bundle = /src="(\/static\/vendor\/scalar[^"]+)"/.exec(res.text)![1]!;
    expect((await env.ASSETS!.fetch(new Request(BASE + bundle))).status).toBe(200);
  });

  it("GraphiQL in development comes from the pinned @graphql-yoga/graphiql bundle", async () => {
    const res = await fetchWith("/graphql", "development");
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/data-vendor="\/static\/vendor\/graphql-yoga-graphiql@\d+\.\d+\.\d+"/);
    expect(text).not.toMatch(CDN);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("GraphiQL is not served outside development, and API calls to /graphql are untouched", async () => {
    const page = await get("/graphql");
    expect(page.text.toLowerCase()).not.toContain("graphiql");
    const res = await exports.default.fetch(
      new Request(`${BASE}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ categories { id } }" }) }),
    );
    expect(res.status).toBe(200);
    expect((await res.json<{ data: unknown }>()).data).toBeDefined();
  });
});

describe("static asset headers", () => {
  it("hashed admin files are immutable, storefront files revalidate, nothing is sniffed", async () => {
    const shell = (await get("/admin")).text;
    const script = /src="(\/static\/admin\/assets\/[^"]+\.js)"/.exec(shell)![1]!;
    const hashed = await env.ASSETS!.fetch(new Request(BASE + script));
    const css = await env.ASSETS!.fetch(new Request(`${BASE}/static/storefront/storefront.css`));
    expect(css.status).toBe(200);
    // web/dist/_headers, applied by the assets server (the same one that answers /static/* directly).
    expect(hashed.headers.get("cache-control")).toContain("immutable");
    expect(hashed.headers.get("x-content-type-options")).toBe("nosniff");
    expect(css.headers.get("cache-control")).toContain("must-revalidate");
    expect(css.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
