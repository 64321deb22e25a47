// Builders for markets, tax, shipping and price lists through the admin API, and the worked example of
// docs/pricing.md (EU, tax-inclusive, vs US, tax-exclusive).
import { expect } from "vitest";
import { call, unique } from "./helpers";

/** An admin call that must answer `status`; returns the body. */
export async function admin(method: string, path: string, body?: Record<string, unknown>, status = method === "POST" ? 201 : method === "DELETE" ? 204 : 200) {
  const res = await call(method, path, { admin: true, ...(body && { body }) });
  expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
  return res.body;
}

export const cartHeaders = (token: string) => ({ "x-cart-token": token });

/** A product with one variant priced in several currencies (the first is `price`, the rest `prices`). */
export async function productWithPrices(input: { title?: string; taxClass?: string; weightGrams?: number; prices: Record<string, number>; categoryIds?: string[] }) {
  const [first, ...rest] = Object.entries(input.prices);
  const slug = unique("p").toLowerCase();
  const product = await admin("POST", "/v1/products", {
    title: input.title ?? `Product ${slug}`,
    slug,
    status: "active",
    ...(input.taxClass && { taxClass: input.taxClass }),
    ...(input.categoryIds && { categoryIds: input.categoryIds }),
    variants: [
      {
        sku: unique("SKU").toUpperCase(),
        price: { currency: first![0], amount: first![1] },
        prices: rest.map(([currency, amount]) => ({ currency, amount })),
        ...(input.weightGrams !== undefined && { weightGrams: input.weightGrams }),
      },
    ],
  });
  return { product, variant: product.variants[0] as { id: string; sku: string } };
}

/**
 * The worked example of docs/pricing.md. Countries are the test's own (set `countries`) so several
 * files can run it; the numbers are the documented ones for DE and US addresses.
 */
export async function workedExample(options: { eu?: string[]; us?: string[]; stock?: number; beansCategoryIds?: string[] } = {}) {
  const eu = options.eu ?? ["DE", "FR", "AT"];
  const us = options.us ?? ["US"];
  const tag = unique("x").toLowerCase().replace(/[^a-z0-9]/g, "");
  // Fallbacks of our own, so the TAX_RATES / SHIPPING_RATES seed defaults never import into this database.
  await call("POST", "/v1/tax-rates", { admin: true, body: { country: "*", rate: 0, name: "None" } });
  const world = await call("POST", "/v1/shipping-zones", { admin: true, body: { name: "Rest of world", countries: ["*"] } });
  expect([201]).toContain(world.status);

  const euMarket = await admin("POST", "/v1/markets", { handle: `eu-${tag}`, name: "Europe", currency: "EUR", pricesIncludeTax: true, countries: eu });
  const usMarket = await admin("POST", "/v1/markets", { handle: `us-${tag}`, name: "United States", currency: "USD", pricesIncludeTax: false, countries: us });

  for (const country of eu.slice(0, 1)) {
    await call("POST", "/v1/tax-rates", { admin: true, body: { country, taxClass: "standard", rate: 1900, name: "MwSt" } });
    await call("POST", "/v1/tax-rates", { admin: true, body: { country, taxClass: "reduced", rate: 700, name: "MwSt ermäßigt" } });
  }
  await call("POST", "/v1/tax-rates", { admin: true, body: { country: us[0], region: "CA", taxClass: "standard", rate: 725, name: "California sales tax" } });

  const euZone = await admin("POST", "/v1/shipping-zones", { name: `EU ${tag}`, countries: eu });
  const usZone = await admin("POST", "/v1/shipping-zones", { name: `US ${tag}`, countries: us });
  const dhl = await admin("POST", "/v1/shipping-methods", {
    zoneId: euZone.id,
    marketId: euMarket.id,
    currency: "EUR",
    name: "DHL Paket",
    kind: "weight",
    bands: [{ upTo: 1000, amount: 490 }, { upTo: 5000, amount: 690 }, { upTo: 20000, amount: 1290 }],
    freeOver: 10000,
  });
  const express = await admin("POST", "/v1/shipping-methods", { zoneId: euZone.id, marketId: euMarket.id, currency: "EUR", name: "Express", kind: "flat", amount: 1490, position: 1 });
  const ups = await admin("POST", "/v1/shipping-methods", {
    zoneId: usZone.id,
    marketId: usMarket.id,
    currency: "USD",
    name: "UPS Ground",
    kind: "weight",
    bands: [{ upTo: 1000, amount: 799 }, { upTo: 5000, amount: 1299 }, { upTo: null, amount: 2499 }],
    taxClass: "zero",
  });

  const beans = await productWithPrices({ title: "Single-origin coffee beans 1 kg", taxClass: "reduced", weightGrams: 1000, prices: { EUR: 1800, USD: 1900 }, ...(options.beansCategoryIds && { categoryIds: options.beansCategoryIds }) });
  const kettle = await productWithPrices({ title: "Pour-over kettle", weightGrams: 1200, prices: { EUR: 4900, USD: 5500 } });

  const hour = 3_600_000;
  const sale = await admin("POST", "/v1/price-lists", {
    name: "Winter sale",
    currency: "EUR",
    market: euMarket.handle,
    startsAt: new Date(Date.now() - hour).toISOString(),
    endsAt: new Date(Date.now() + 24 * hour).toISOString(),
    prices: [{ variantId: kettle.variant.id, amount: 3900 }],
  });
  const bulk = await admin("POST", "/v1/price-lists", { name: "Bulk beans", currency: "USD", market: usMarket.handle, prices: [{ variantId: beans.variant.id, minQuantity: 2, amount: 1700 }] });

  if (options.stock) {
    for (const v of [beans.variant, kettle.variant]) await admin("PUT", `/v1/inventory/${encodeURIComponent(v.sku)}`, { onHand: options.stock });
  }
  return { euMarket, usMarket, dhl, express, ups, beans: beans.variant, kettle: kettle.variant, sale, bulk };
}

export const berlin = (extra: Record<string, unknown> = {}) => ({ name: "Ada Lovelace", line1: unique("Unter den Linden 1"), city: "Berlin", postalCode: "10117", country: "DE", ...extra });
export const sanFrancisco = (extra: Record<string, unknown> = {}) => ({ name: "Grace Hopper", line1: unique("1 Market St"), city: "San Francisco", region: "CA", postalCode: "94105", country: "US", ...extra });
