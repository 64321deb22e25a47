import { env } from "cloudflare:test";
import { expect } from "vitest";
import { getStockLevels, setStock } from "../src/modules/inventory";
import { call, unique } from "./helpers";

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
