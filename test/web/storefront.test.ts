// The demo storefront's server rendering, end to end through the Worker's fetch handler: pages,
// security headers, the cart and checkout forms (POST, redirect, cookies), and order status access.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { StorefrontProductDocument } from "../../clients/graphql";
import persisted from "../../clients/graphql/generated/persisted-documents.json";
import worker from "../../src/index";
import { sha256Hex } from "../../src/shared/crypto";
import { address, createVariants } from "../support/fixtures";
import { BASE, call } from "../support/helpers";

interface Page {
  status: number;
  headers: Headers;
  text: string;
  cookies: string[];
}

async function page(path: string, init: { method?: string; form?: Record<string, string>; cookie?: string; origin?: string } = {}): Promise<Page> {
  const headers = new Headers({ accept: "text/html" });
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.form) headers.set("content-type", "application/x-www-form-urlencoded");
  headers.set("origin", init.origin ?? BASE);
  const res = await exports.default.fetch(
    new Request(BASE + path, { method: init.method ?? (init.form ? "POST" : "GET"), headers, body: init.form ? new URLSearchParams(init.form).toString() : undefined, redirect: "manual" }),
  );
  return { status: res.status, headers: res.headers, text: await res.text(), cookies: res.headers.getSetCookie() };
}

/** `name=value` pairs of Set-Cookie headers, as a browser would send them back. */
const cookieJar = (...pages: Page[]) =>
  pages
    .flatMap((p) => p.cookies)
    .map((c) => c.split(";")[0]!)
    .filter((c) => !c.endsWith("="))
    .join("; ");

describe("storefront pages", () => {
  it("renders the home page with new products, a strict CSP and no framing", async () => {
    const [variant] = await createVariants([2490], { stock: 3 });
    const product = (await call("GET", `/v1/search?q=${variant!.sku}`)).body.data[0].product;
    const home = await page("/");
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toContain("text/html");
    const csp = home.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(home.headers.get("x-content-type-options")).toBe("nosniff");
    expect(home.text).toContain(`href="/p/${product.slug}"`);
    expect(home.text).toContain("/static/storefront/storefront.css");
  });

  it("renders a product page with a variant picker, escaped text and formatted money", async () => {
    const variants = await createVariants([1990, 2590], { stock: 4 });
    const { body: product } = await call("GET", `/v1/products/${(await call("GET", `/v1/search?q=${variants[0]!.sku}`)).body.data[0].product.slug}`);
    await call("PATCH", `/v1/products/${product.id}`, { admin: true, body: { description: `<script>alert("x")</script> & more` } });
    const res = await page(`/p/${product.slug}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<h1>${product.title}</h1>`);
    expect(res.text).toContain('name="variantId"');
    expect(res.text).toContain(`value="${variants[1]!.id}"`);
    expect(res.text).toContain("€19.90");
    expect(res.text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more");
    expect(res.text).not.toContain('<script>alert("x")</script>');
  });

  it("answers 404 pages for unknown products and categories", async () => {
    expect((await page("/p/no-such-product")).status).toBe(404);
    expect((await page("/c/no-such-category")).status).toBe(404);
  });

  it("searches and shows highlighted titles", async () => {
    const [variant] = await createVariants([990]);
    const res = await page(`/search?q=${encodeURIComponent(variant!.sku)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("Results for");
    expect(res.text).toContain("€9.90");
  });
});

describe("storefront cart and guest checkout", () => {
  it("adds to a cart, checks out as a guest, and shows the order only to that browser", async () => {
    const [variant] = await createVariants([1500], { stock: 5 });
    const added = await page("/cart/lines", { form: { variantId: variant!.id, quantity: "2" } });
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toMatch(/^\/cart\?flash=/);
    expect(added.cookies.join()).toMatch(/edgeshop_cart=cart_[a-z0-9]+\.[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax/);
    const jar = cookieJar(added);

    const cart = await page("/cart", { cookie: jar });
    expect(cart.status).toBe(200);
    expect(cart.headers.get("cache-control")).toBe("no-store");
    expect(cart.text).toContain("€30.00");
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(cart.text)![1]!;

    const a = address("DE");
    const checkout = { idempotencyKey: key, email: `guest-${crypto.randomUUID()}@example.com`, name: a.name, line1: a.line1, postalCode: a.postalCode, city: a.city, country: a.country };
    const placed = await page("/checkout", { form: checkout, cookie: jar });
    expect(placed.status).toBe(303);
    const location = placed.headers.get("location")!;
    expect(location).toMatch(/^\/orders\/ord_[a-z0-9]+\?flash=/);
    const orderPath = location.split("?")[0]!;
    const orderJar = cookieJar(placed);
    expect(orderJar).toContain("edgeshop_orders=");

    const status = await page(orderPath, { cookie: orderJar });
    expect(status.status).toBe(200);
    expect(status.text).toMatch(/<h1>Order ES-[A-Z0-9]+<\/h1>/);
    expect(status.text).toContain("2 × ");
    // Another browser (no order token) cannot read the order.
    expect((await page(orderPath)).status).toBe(404);
    // A double submit (same form, same idempotency key) replays the same order instead of a second one.
    const again = await page("/checkout", { form: checkout, cookie: jar });
    expect(again.headers.get("location")?.split("?")[0]).toBe(orderPath);
    const orders = (await call("GET", `/v1/orders?limit=100`, { admin: true })).body.data as { email: string }[];
    expect(orders.filter((o) => o.email === checkout.email)).toHaveLength(1);
  });

  it("shows the API's validation errors instead of placing an order", async () => {
    const [variant] = await createVariants([1500], { stock: 5 });
    const jar = cookieJar(await page("/cart/lines", { form: { variantId: variant!.id, quantity: "1" } }));
    const res = await page("/checkout", { form: { idempotencyKey: crypto.randomUUID(), email: "not-an-email", name: "A", line1: "B", postalCode: "1", city: "C", country: "DE" }, cookie: jar });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/cart\?error=.*email/i);
  });

  it("refuses form posts from another origin", async () => {
    const [variant] = await createVariants([1500], { stock: 5 });
    const res = await page("/cart/lines", { form: { variantId: variant!.id, quantity: "1" }, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.cookies).toEqual([]);
  });
});

describe("storefront documents", () => {
  it("sends persisted documents whose hashes match the committed manifest", async () => {
    const hash = (StorefrontProductDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
    const manifest = persisted as Record<string, string>;
    expect(manifest[hash]).toBeDefined();
    expect(`sha256:${await sha256Hex(manifest[hash]!)}`).toBe(hash);
  });
});

describe("storefront in trusted-documents mode", () => {
  it("renders pages when the API accepts only the committed trusted documents", async () => {
    const [variant] = await createVariants([3100], { stock: 2 });
    const slug = (await call("GET", `/v1/search?q=${variant!.sku}`)).body.data[0].product.slug;
    const ctx = createExecutionContext();
    const trusted = { ...env, GRAPHQL_TRUSTED_DOCUMENTS_ONLY: "true" };
    const res = await worker.fetch(new Request(`${BASE}/p/${slug}`, { headers: { accept: "text/html" } }) as Parameters<typeof worker.fetch>[0], trusted, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("€31.00");
  });
});
