// `npm run seed`: load the demo catalog (and starting stock) through the admin API of a local Worker.
// Idempotent: categories and products are looked up by slug first and only created when missing;
// stock is only set for SKUs that were never stocked. Set SEED_URL to seed an already running server.
import { demoCategories, demoProducts } from "./catalog-data.mjs";
import { demoMarkets, demoPromotions, demoSales, demoShipping, demoTaxRates, SALE_CATEGORY } from "./pricing-data.mjs";
// Imported lazily by the CLI below so that tests can import seed() inside workerd.
const local = () => import("./local.mjs");

/** The owner `npm run dev` creates so the admin can be signed in to at once (development only). */
export const DEV_OWNER = { email: "owner@edgeshop.dev", password: "edgeshop-dev-owner", name: "Dev Owner" };

/**
 * `devOwner` (default: only when seeding a Worker on this machine) also creates DEV_OWNER, so a
 * deployment seeded with SEED_URL never gets an account with a published password.
 * `progress({ done, total })` is called as products are checked or created (npm run dev draws one line from it).
 */
export async function seed(
  baseUrl,
  adminKey,
  { log = console.log, fetcher = fetch, progress = () => {}, devOwner = ["127.0.0.1", "localhost", "[::1]"].includes(new URL(baseUrl).hostname) } = {},
) {
  const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
  // A well-behaved client: on 429 wait for Retry-After and try again (admin keys are rate limited too).
  const api = async (method, path, body) => {
    for (;;) {
      const res = await fetcher(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      if (res.status === 429) {
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? 1)));
        continue;
      }
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }
  };

  if (devOwner) {
    const res = await api("POST", "/v1/staff", { ...DEV_OWNER, role: "owner" });
    if (res.status !== 201 && res.status !== 409) throw new Error(`dev owner: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.status === 201) log(`seed: staff owner ${DEV_OWNER.email} created`);
  }

  const categoryIds = new Map();
  let createdCategories = 0;
  for (const c of demoCategories()) {
    let res = await api("GET", `/v1/categories/${c.slug}`);
    if (res.status === 404) {
      res = await api("POST", "/v1/categories", { name: c.name, slug: c.slug, position: c.position, parentId: c.parent ? categoryIds.get(c.parent) : null });
      if (res.status !== 201) throw new Error(`category ${c.slug}: ${res.status} ${JSON.stringify(res.body)}`);
      createdCategories++;
    }
    categoryIds.set(c.slug, res.body.id);
  }

  const products = demoProducts();
  let createdProducts = 0;
  const created = new Set();
  /** Variant ids by SKU, and the SKUs of products seeded before markets existed (no GBP or USD prices yet). */
  const variantIds = new Map();
  const unpriced = [];
  const queue = [...products];
  let checked = 0;
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const existing = await api("GET", `/v1/products/${p.slug}`);
      progress({ done: ++checked, total: products.length });
      if (existing.status === 200) {
        for (const v of existing.body.variants) {
          variantIds.set(v.sku, v.id);
          if (v.prices.length < 3) unpriced.push(v.sku);
        }
        continue;
      }
      const res = await api("POST", "/v1/products", {
        title: p.title,
        slug: p.slug,
        status: p.status,
        description: p.description,
        images: p.images,
        attributes: p.attributes,
        categoryIds: [categoryIds.get(p.categorySlug)],
        variants: p.variants.map(({ stock: _stock, ...v }) => v),
      });
      if (res.status !== 201) throw new Error(`product ${p.slug}: ${res.status} ${JSON.stringify(res.body)}`);
      for (const v of res.body.variants) variantIds.set(v.sku, v.id);
      created.add(p.slug);
      createdProducts++;
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));

  // Starting stock, only for SKUs that were never stocked (ledger version 0), so a second run, or a
  // run after orders have sold stock down, changes nothing. `expected: 0` guards the write as well.
  // Out-of-stock demo SKUs (stock 0) need no write: a SKU never stocked has nothing available.
  // SKUs of products created by this run are new; only the others need a look at their level.
  const stockable = (list) => list.flatMap((p) => p.variants).filter((v) => v.stock > 0);
  const variants = stockable(products);
  const unstocked = stockable(products.filter((p) => created.has(p.slug)));
  const pending = stockable(products.filter((p) => !created.has(p.slug)));
  const probe = async () => {
    for (let v = pending.shift(); v; v = pending.shift()) {
      const level = await api("GET", `/v1/inventory/${encodeURIComponent(v.sku)}`);
      if (level.status !== 200) throw new Error(`stock ${v.sku}: ${level.status} ${JSON.stringify(level.body)}`);
      if (level.body.version === 0) unstocked.push(v);
    }
  };
  await Promise.all(Array.from({ length: 8 }, probe));
  let stockedSkus = 0;
  for (let i = 0; i < unstocked.length; i += 100) {
    const chunk = unstocked.slice(i, i + 100);
    const res = await api("PUT", "/v1/inventory", { reason: "restock", note: "demo seed", levels: chunk.map((v) => ({ sku: v.sku, onHand: v.stock, expected: 0 })) });
    if (res.status !== 200) throw new Error(`stock: ${res.status} ${JSON.stringify(res.body)}`);
    stockedSkus += res.body.data.filter((r) => r.status === "updated").length;
  }
  const pricing = await seedPricing(api, products, variantIds, unpriced);
  const createdPromotions = await seedPromotions(api, categoryIds);
  log(`seed: ${createdCategories} categories, ${createdProducts} products and stock for ${stockedSkus} SKUs created (${demoCategories().length}, ${products.length} and ${variants.length} stocked SKUs in the demo catalog)`);
  log(`seed: ${pricing.createdMarkets} markets, ${pricing.createdTaxRates} tax rates, ${pricing.createdShippingMethods} shipping methods, ${pricing.createdPriceLists} price lists created; ${pricing.pricedVariants} variants given GBP and USD prices`);
  log(`seed: ${createdPromotions} discount codes created (${demoPromotions.map((p) => p.codes.join(", ")).join(", ")})`);
  return { createdCategories, createdProducts, stockedSkus, pricing, createdPromotions };
}

/** The tour's discount code (docs/pricing.md), looked up by code first so a second run creates nothing. */
async function seedPromotions(api, categoryIds) {
  let created = 0;
  for (const { category, percent, ...promotion } of demoPromotions) {
    const existing = await api("GET", `/v1/promotions?code=${encodeURIComponent(promotion.codes[0])}`);
    if (existing.status !== 200) throw new Error(`promotions: ${existing.status} ${JSON.stringify(existing.body)}`);
    if (existing.body.data.length > 0) continue;
    const rule = { type: "lines", match: { categoryIds: [categoryIds.get(category)] }, value: { type: "percentage", percent } };
    const res = await api("POST", "/v1/promotions", { ...promotion, rule });
    if (res.status !== 201) throw new Error(`promotion ${promotion.title}: ${res.status} ${JSON.stringify(res.body)}`);
    created++;
  }
  return created;
}

/**
 * Markets EU (the default), UK and US with their tax rates, shipping zones and methods, and a sale in
 * two markets (docs/pricing.md). Idempotent like the catalog: everything is looked up by handle or
 * name first; tax rates already there answer 409 and are left alone.
 */
async function seedPricing(api, products, variantIds, unpriced) {
  const must = (res, what, ...ok) => {
    if (![200, 201, 204, ...ok].includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  let createdMarkets = 0;
  for (const market of demoMarkets) {
    if ((await api("GET", `/v1/markets/${market.handle}`)).status === 200) continue;
    // The migration's default market becomes the EU market; the others are new.
    const legacy = market.isDefault ? await api("GET", "/v1/markets/default") : { status: 404 };
    if (legacy.status === 200) must(await api("PATCH", "/v1/markets/default", { ...market, isDefault: true }), `market ${market.handle}`);
    else must(await api("POST", "/v1/markets", market), `market ${market.handle}`);
    createdMarkets++;
  }
  const markets = new Map((await api("GET", "/v1/markets")).body.data.map((m) => [m.handle, m]));

  let createdTaxRates = 0;
  for (const rate of demoTaxRates) {
    const res = await api("POST", "/v1/tax-rates", rate);
    must(res, `tax rate ${rate.country}`, 409);
    if (res.status === 201) createdTaxRates++;
  }

  let createdShippingMethods = 0;
  const zones = new Map(must(await api("GET", "/v1/shipping-zones"), "shipping zones").data.map((z) => [z.name, z]));
  for (const { zone, methods } of demoShipping) {
    const id = zones.get(zone.name)?.id ?? must(await api("POST", "/v1/shipping-zones", zone), `zone ${zone.name}`).id;
    const existing = new Set(must(await api("GET", `/v1/shipping-methods?zoneId=${id}&limit=100`), "methods").data.map((m) => m.name));
    for (const { market, ...method } of methods) {
      if (existing.has(method.name)) continue;
      must(await api("POST", "/v1/shipping-methods", { ...method, zoneId: id, marketId: markets.get(market).id }), `method ${method.name}`);
      createdShippingMethods++;
    }
  }

  // Products seeded before markets: their GBP and USD prices, 100 per call.
  const bySku = new Map(products.flatMap((p) => p.variants).map((v) => [v.sku, v]));
  const missing = unpriced.flatMap((sku) => (bySku.get(sku)?.prices ?? []).map((p) => ({ variantId: variantIds.get(sku), ...p })));
  for (let i = 0; i < missing.length; i += 100) must(await api("PUT", "/v1/prices", { prices: missing.slice(i, i + 100) }), "prices");

  let createdPriceLists = 0;
  const lists = new Set(must(await api("GET", "/v1/price-lists?limit=100"), "price lists").data.map((l) => l.name));
  const onSale = products.filter((p) => p.categorySlug === SALE_CATEGORY && p.status === "active").flatMap((p) => p.variants);
  for (const sale of demoSales) {
    if (lists.has(sale.name)) continue;
    const priceOf = (v) => (sale.currency === "EUR" ? v.price.amount : v.prices.find((p) => p.currency === sale.currency).amount);
    const prices = onSale.map((v) => ({ variantId: variantIds.get(v.sku), amount: Math.round((priceOf(v) * (100 - sale.percentOff)) / 100) }));
    must(await api("POST", "/v1/price-lists", { name: sale.name, currency: sale.currency, market: sale.market, prices: prices.slice(0, 100) }), `price list ${sale.name}`);
    createdPriceLists++;
  }
  return { createdMarkets, createdTaxRates, createdShippingMethods, createdPriceLists, pricedVariants: unpriced.length };
}

if (typeof process !== "undefined" && import.meta.url === `file://${process.argv?.[1]}`) {
  const { applyMigrationsLocally, ensureDevVars, startWorker } = await local();
  const vars = ensureDevVars();
  const adminKey = process.env.ADMIN_API_KEY ?? vars.ADMIN_API_KEY;
  if (process.env.SEED_URL) {
    await seed(process.env.SEED_URL, adminKey);
  } else {
    applyMigrationsLocally();
    const server = await startWorker({ port: Number(process.env.SEED_PORT ?? 8799) });
    try {
      await seed(server.url, adminKey);
    } finally {
      await server.stop();
    }
  }
}
