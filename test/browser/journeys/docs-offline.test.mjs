// /docs (Scalar) and GraphiQL render from this Worker's pinned static assets with every other host
// unreachable: the journey blocks and records any request that leaves 127.0.0.1.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, launch, shots, watch } from "../support.mjs";

let browser, page, problems;
const offsite = [];

before(async () => {
  browser = await launch();
  await browser.context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1" || url.protocol === "data:" || url.protocol === "blob:") return route.continue();
    offsite.push(route.request().url());
    return route.abort("internetdisconnected");
  });
  page = await browser.context.newPage();
  problems = watch(page);
});
after(() => browser?.close());

test("/docs renders the API reference with no network", async () => {
  const res = await page.goto(`${BASE}/docs`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()["content-security-policy"] ?? "", /frame-ancestors 'none'/);
  await page.getByRole("heading", { name: "Edgeshop API" }).first().waitFor();
  // Operations from the OpenAPI document are listed and rendered.
  await page.getByText("List products").first().waitFor();
  await page.getByText("Headless commerce on one Cloudflare Worker").first().waitFor();
  // The reference is thousands of pixels tall: the first screen tells enough.
  await shots(page, "docs-01-api-reference", { fullPage: false });
  assert.deepEqual(offsite, []);
});

test("GraphiQL renders and runs a query with no network", async () => {
  const res = await page.goto(`${BASE}/graphql`);
  assert.equal(res.status(), 200);
  await page.locator(".graphiql-container").first().waitFor();
  await page.getByRole("button", { name: /Execute query/i }).click();
  await page.locator(".graphiql-response").getByText("priceRange").first().waitFor();
  await shots(page, "docs-02-graphiql", { fullPage: false });
  assert.deepEqual(offsite, []);
});

test("no script errors or CSP violations beyond Scalar's own hosts, which the CSP refuses", () => {
  // Scalar's bundled stylesheet names its fonts on fonts.scalar.com, and its agent panel asks
  // Scalar's API registry (through proxy.scalar.com) for suggestions. The CSP refuses both before a
  // request is made (the route above saw none): the page uses system fonts and works offline.
  assert.deepEqual(
    problems.filter((p) => !/(Loading the font 'https:\/\/fonts\.scalar\.com\/|https:\/\/proxy\.scalar\.com\/\?scalar_url=https%3A%2F%2Fapi\.scalar\.com%2Fvector%2Fregistry)/.test(p)),
    [],
  );
});
