// The one fixture module: builders that create catalog, stock and carts through the public API, and
// seeded synthetic baskets for the recommender's evaluation.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { getStockLevels, setStock } from "../../src/modules/inventory";
import { call, unique } from "./helpers";
import { seededRandom } from "../../eval/shared/random";

/**
 * Every call is another household (a unique street): checkout scores fraud risk, and many shoppers
 * shipping to one address, or one email checking out again and again, is exactly what it flags.
 */
export const address = (country = "DE") => ({ name: "Ada Lovelace", line1: unique("1 Analytical St"), city: "Berlin", postalCode: "10115", country });

/** An active product with one variant per price, each with its own fresh SKU and stock. */
export async function createVariants(prices: number[], options: { currency?: string; stock?: number } = {}) {
  const slug = unique("prod").toLowerCase();
  const res = await call("POST", "/v1/products", {
    admin: true,
    body: {
      title: `Tee ${slug}`,
      slug,
      status: "active",
      variants: prices.map((amount, i) => ({
        sku: unique(`SKU${i}`).toUpperCase(),
        title: `Size ${i}`,
        price: { amount, currency: options.currency ?? "EUR" },
      })),
    },
  });
  expect(res.status).toBe(201);
  const variants = res.body.variants as { id: string; sku: string; price: { amount: number } }[];
  if (options.stock !== undefined) await Promise.all(variants.map((v) => setStock(env, { sku: v.sku, onHand: options.stock! })));
  return variants;
}

export async function createVariant(price = 1500, stock?: number, currency?: string) {
  return (await createVariants([price], { ...(stock !== undefined && { stock }), ...(currency && { currency }) }))[0]!;
}

/** A guest cart (with email and a German address) holding the given lines. */
export async function guestCart(lines: { variantId: string; quantity: number }[] = [], country = "DE") {
  const res = await call("POST", "/v1/carts", { body: { email: `${unique("ada")}@example.com`, shippingAddress: address(country), lines } });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.cart.id as string, token: res.body.cartToken as string, cart: res.body.cart };
}

export async function checkoutCart(cartId: string, token: string, key: string = crypto.randomUUID(), body: Record<string, unknown> = {}) {
  return call("POST", `/v1/carts/${cartId}/checkout`, { body, headers: { "x-cart-token": token, "idempotency-key": key } });
}

export async function level(sku: string) {
  return (await getStockLevels(env, [sku])).get(sku)!;
}

/** Create a category through the admin API and return it. */
export async function createCategory(body: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/categories", { admin: true, body: { name: unique("Category"), ...body } });
  if (res.status !== 201) throw new Error(`category: ${res.status} ${res.text}`);
  return res.body as { id: string; slug: string; path?: string; parentId: string | null; depth: number };
}

/** Create an active product with variants through the admin API and return it. */
export async function createProduct(body: Record<string, unknown> = {}, variants = [{ price: 1999 }]) {
  const title = (body.title as string) ?? unique("Product");
  const res = await call("POST", "/v1/products", {
    admin: true,
    body: {
      title,
      status: "active",
      variants: variants.map((v) => ({ sku: unique("SKU").toUpperCase(), price: { amount: v.price, currency: "EUR" } })),
      ...body,
    },
  });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${res.text}`);
  return res.body as { id: string; slug: string; title: string; status: string; variants: { id: string; sku: string }[]; categoryIds: string[] };
}

/**
 * Seeded market baskets with structure the recommender can find: items belong to "missions"
 * (a barbecue, a baby's first week...) bought together, on top of a Zipf-popular background that
 * makes the most-popular baseline a fair opponent. Small enough for CI.
 */
export function syntheticBaskets(count = 500, seed = 7): string[][] {
  const random = seededRandom(seed);
  const items = Array.from({ length: 60 }, (_, i) => `item-${String(i).padStart(2, "0")}`);
  const missions = Array.from({ length: 8 }, (_, m) => items.slice(m * 5 + 10, m * 5 + 15));
  const zipf = items.map((_, i) => 1 / (i + 1));
  const total = zipf.reduce((a, b) => a + b, 0);
  const background = () => {
    let r = random() * total;
    for (let i = 0; i < items.length; i++) if ((r -= zipf[i]!) <= 0) return items[i]!;
    return items[0]!;
  };
  const baskets: string[][] = [];
  for (let b = 0; b < count; b++) {
    const basket = new Set<string>();
    const mission = missions[Math.floor(random() * missions.length)]!;
    for (const item of mission) if (random() < 0.45) basket.add(item);
    const extras = Math.floor(random() * 4);
    for (let e = 0; e < extras; e++) basket.add(background());
    if (basket.size > 0) baskets.push([...basket]);
  }
  return baskets;
}
