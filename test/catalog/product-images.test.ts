import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_KEY, BASE, call, gql, unique } from "../support/helpers";
import { png, pngSize } from "../support/png";
import { asStaff, signedInStaff } from "../support/staff-helpers";

async function product(): Promise<{ id: string; slug: string }> {
  const res = await call("POST", "/v1/products", { admin: true, body: { title: unique("Imaged"), status: "active", images: ["https://cdn.example.com/linked.jpg"], variants: [{ sku: unique("IMG").toUpperCase(), price: { amount: 1000, currency: "EUR" } }] } });
  return res.body;
}

function upload(productId: string, body: ArrayBuffer | string, options: { type?: string; alt?: string; headers?: Record<string, string> } = {}) {
  const query = options.alt ? `?alt=${encodeURIComponent(options.alt)}` : "";
  return exports.default.fetch(
    new Request(`${BASE}/v1/products/${productId}/images${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": options.type ?? "image/png", ...options.headers },
      body,
    }),
  );
}

const get = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(new Request(`${BASE}${path}`, { headers }));

describe("product images", () => {
  it("uploads to R2, answers the image with its real size, and lists it first in the product over REST and GraphQL", async () => {
    const p = await product();
    const res = await upload(p.id, await png(800, 600), { alt: "A linen apron" });
    expect(res.status).toBe(201);
    const { image } = (await res.json()) as { image: Record<string, unknown> };
    expect(image).toMatchObject({ alt: "A linen apron", width: 800, height: 600, contentType: "image/png", position: 0 });
    expect(image.id).toMatch(/^img_/);
    expect(image.url).toBe(`/images/products/${p.id}/${image.id}.png`);
    expect(await env.IMAGES_BUCKET.head(String(image.url).slice("/images/".length))).not.toBeNull();

    const rest = await call("GET", `/v1/products/${p.slug}`);
    expect(rest.body.images).toEqual([
      { id: image.id, url: image.url, alt: "A linen apron", width: 800, height: 600, contentType: "image/png", position: 0 },
      { id: null, url: "https://cdn.example.com/linked.jpg", alt: null, width: null, height: null, contentType: null, position: 1 },
    ]);
    const graphql = await gql(`{ product(slug: "${p.slug}") { images { id url alt width height } } }`);
    expect(graphql.data.product.images[0]).toEqual({ id: image.id, url: image.url, alt: "A linen apron", width: 800, height: 600 });
    const listing = await gql("{ products(first: 5) { edges { node { id images { url } } } } }");
    expect(listing.data.products.edges.find((e: { node: { id: string } }) => e.node.id === p.id).node.images[0].url).toBe(image.url);
  });

  it("serves the original and sized variants with immutable caching and ETags (304), never upscaled", async () => {
    const p = await product();
    const { image } = (await (await upload(p.id, await png(800, 400))).json()) as { image: { url: string } };
    const original = await get(image.url);
    expect(original.status).toBe(200);
    expect(original.headers.get("content-type")).toBe("image/png");
    expect(original.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(original.headers.get("x-content-type-options")).toBe("nosniff");
    const etag = original.headers.get("etag")!;
    expect(etag).toMatch(/^"/);
    expect(pngSize(await original.arrayBuffer())).toEqual({ width: 800, height: 400 });
    expect((await get(image.url, { "if-none-match": etag })).status).toBe(304);

    const small = await get(`${image.url}?w=320`);
    expect(small.status).toBe(200);
    expect(small.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(pngSize(await small.arrayBuffer())).toEqual({ width: 320, height: 160 });
    // Made once, then served from R2.
    expect(await env.IMAGES_BUCKET.head(`variants/320/${image.url.slice("/images/".length)}`)).not.toBeNull();
    const again = await get(`${image.url}?w=320`);
    expect(pngSize(await again.arrayBuffer())).toEqual({ width: 320, height: 160 });
    expect((await get(`${image.url}?w=320`, { "if-none-match": again.headers.get("etag")! })).status).toBe(304);

    const large = await get(`${image.url}?w=1280`);
    expect(pngSize(await large.arrayBuffer())).toEqual({ width: 800, height: 400 });
    const odd = await get(`${image.url}?w=333`);
    expect(odd.status).toBe(400);
    expect((await get("/images/products/prod_x/img_nope.png")).status).toBe(404);
    expect((await get("/images/../../etc/passwd")).status).toBe(404);
  });

  it("refuses bad uploads and writes nothing: wrong type, bytes that are not the declared image, empty, unknown product", async () => {
    const p = await product();
    const gif = await upload(p.id, "GIF89a", { type: "image/gif" });
    expect(gif.status).toBe(415);
    const lying = await upload(p.id, "<svg xmlns='http://www.w3.org/2000/svg'/>", { type: "image/png" });
    expect(lying.status).toBe(400);
    expect(((await lying.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe("/body");
    expect((await upload(p.id, new ArrayBuffer(0))).status).toBe(400);
    expect((await upload("prod_nope", await png(10, 10))).status).toBe(404);
    const json = await call("POST", `/v1/products/${p.id}/images`, { admin: true, body: { url: "x" } });
    expect(json.status).toBe(415);
    const listed = await env.IMAGES_BUCKET.list({ prefix: `products/${p.id}/` });
    expect(listed.objects).toHaveLength(0);
    expect((await call("GET", `/v1/products/${p.id}`)).body.images).toHaveLength(1);
  });

  it("needs catalog:write: anonymous 401, a read-only member 403", async () => {
    const p = await product();
    const anonymous = await exports.default.fetch(new Request(`${BASE}/v1/products/${p.id}/images`, { method: "POST", headers: { "content-type": "image/png" }, body: await png(10, 10) }));
    expect(anonymous.status).toBe(401);
    const reader = await signedInStaff("read_only");
    const refused = await exports.default.fetch(
      new Request(`${BASE}/v1/products/${p.id}/images`, { method: "POST", headers: { "content-type": "image/png", cookie: reader.cookie, "x-csrf-token": reader.csrfToken }, body: await png(10, 10) }),
    );
    expect(refused.status).toBe(403);
    const catalogStaff = await signedInStaff("catalog");
    const noCsrf = await exports.default.fetch(new Request(`${BASE}/v1/products/${p.id}/images`, { method: "POST", headers: { "content-type": "image/png", cookie: catalogStaff.cookie }, body: await png(10, 10) }));
    expect(noCsrf.status).toBe(403);
  });

  it("concurrent uploads all land, in some order, up to the cap of 20 images", async () => {
    const p = await product();
    const bytes = await png(16, 16);
    const answers = await Promise.all(Array.from({ length: 22 }, () => upload(p.id, bytes)));
    const statuses = answers.map((r) => r.status);
    // One linked image already: 19 uploads fit.
    expect(statuses.filter((s) => s === 201)).toHaveLength(19);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
    const images = (await call("GET", `/v1/products/${p.id}`, { admin: true })).body.images as { id: string | null; position: number }[];
    expect(images).toHaveLength(20);
    expect(new Set(images.map((i) => i.id)).size).toBe(20);
    expect(images.map((i) => i.position)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const listed = await env.IMAGES_BUCKET.list({ prefix: `products/${p.id}/` });
    expect(listed.objects).toHaveLength(19);
  });

  it("deletes an image and its variants (REST and GraphQL); deleting the product removes its objects", async () => {
    const p = await product();
    const first = ((await (await upload(p.id, await png(700, 700))).json()) as { image: { id: string; url: string } }).image;
    const second = ((await (await upload(p.id, await png(30, 30))).json()) as { image: { id: string; url: string } }).image;
    await get(`${first.url}?w=160`);
    const owner = await signedInStaff("owner");
    const removed = await asStaff(owner, "DELETE", `/v1/products/${p.id}/images/${first.id}`);
    expect(removed.status).toBe(204);
    expect((await asStaff(owner, "DELETE", `/v1/products/${p.id}/images/${first.id}`)).status).toBe(404);
    const images = (await call("GET", `/v1/products/${p.id}`)).body.images;
    expect(images.map((i: { id: string | null }) => i.id)).toEqual([second.id, null]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await env.IMAGES_BUCKET.head(first.url.slice("/images/".length))).toBeNull();
    expect(await env.IMAGES_BUCKET.head(`variants/160/${first.url.slice("/images/".length)}`)).toBeNull();
    const viaGraphql = await gql("mutation($p: ID!, $i: ID!) { deleteProductImage(productId: $p, imageId: $i) { deletedId } }", { p: p.id, i: second.id }, { admin: true });
    expect(viaGraphql.data.deleteProductImage.deletedId).toBe(second.id);

    const third = ((await (await upload(p.id, await png(20, 20))).json()) as { image: { url: string } }).image;
    expect((await call("DELETE", `/v1/products/${p.id}`, { admin: true })).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await env.IMAGES_BUCKET.head(third.url.slice("/images/".length))).toBeNull();
  });

  it("uploads through GraphQL too (multipart request), with the same checks", async () => {
    const p = await product();
    const multipart = async (file: Blob, headers: Record<string, string> = { "x-graphql-csrf": "1" }) => {
      const form = new FormData();
      form.set("operations", JSON.stringify({ query: "mutation($p: ID!, $f: File!) { uploadProductImage(productId: $p, file: $f, alt: \"Side\") { id url width height alt position } }", variables: { p: p.id, f: null } }));
      form.set("map", JSON.stringify({ 0: ["variables.f"] }));
      form.set("0", file, "side.png");
      const res = await exports.default.fetch(new Request(`${BASE}/graphql`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers }, body: form }));
      return (await res.json()) as { data?: { uploadProductImage: Record<string, unknown> }; errors?: { extensions: { code: string } }[] };
    };
    const ok = await multipart(new Blob([await png(400, 200)], { type: "image/png" }));
    expect(ok.data!.uploadProductImage).toMatchObject({ width: 400, height: 200, alt: "Side", position: 0 });
    const lying = await multipart(new Blob(["not a png"], { type: "image/png" }));
    expect(lying.errors![0]!.extensions).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ pointer: "/body", detail: "Not a PNG, JPEG or WebP image." }] });
    // Without the CSRF-prevention header a multipart request is refused before it runs.
    const noHeader = await multipart(new Blob([await png(10, 10)], { type: "image/png" }), {});
    expect(noHeader.data?.uploadProductImage).toBeUndefined();
    expect((await call("GET", `/v1/products/${p.id}`)).body.images.filter((i: { id: string | null }) => i.id)).toHaveLength(1);
  });
});
