// Checkout load benchmark: N concurrent clients each create a cart with one line and check it out,
// first all on ONE hot SKU, then the same load spread over 100 SKUs. Prints orders/s, p50/p99
// checkout latency and how many units were oversold (must be 0).
//
// Start the server first (see docs/orders.md):
//   npx wrangler d1 migrations apply DB --local -c bench/wrangler.toml --persist-to .wrangler/bench
//   npx wrangler dev -c bench/wrangler.toml --port 8806 --ip 127.0.0.1 --persist-to .wrangler/bench
// then: npm run bench:checkout -- --clients 50 --attempts 600 --stock 300
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8806" },
    clients: { type: "string", default: "50" },
    attempts: { type: "string", default: "600" },
    stock: { type: "string", default: "300" },
    key: { type: "string", default: "esk_admin_bench_0000000000000000000000000000" },
  },
});
const BASE = args.url;
const CLIENTS = Number(args.clients);
const ATTEMPTS = Number(args.attempts);
const STOCK = Number(args.stock);
const ADMIN = { authorization: `Bearer ${args.key}`, "content-type": "application/json" };
const address = { name: "Bench", line1: "1 Load St", city: "Berlin", postalCode: "10115", country: "DE" };

async function request(method, path, { body, headers = {} } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...(body !== undefined && { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function createSkus(count) {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const variant = (i) => ({ sku: `BENCH-${tag}-${i}`.toUpperCase(), title: `V${i}`, price: { amount: 1000, currency: "EUR" } });
  // One variant per call: the catalog writes a product's variants in one INSERT, which D1's
  // 100-bound-parameter limit caps at a few variants.
  const res = await request("POST", "/v1/products", { headers: ADMIN, body: { title: `Bench ${tag}`, slug: `bench-${tag}`, status: "active", variants: [variant(0)] } });
  if (res.status !== 201) throw new Error(`create product: ${res.status} ${JSON.stringify(res.body)}`);
  const variants = [...res.body.variants];
  for (let i = 1; i < count; i++) {
    const added = await request("POST", `/v1/products/${res.body.id}/variants`, { headers: ADMIN, body: variant(i) });
    if (added.status !== 201) throw new Error(`create variant: ${added.status} ${JSON.stringify(added.body)}`);
    variants.push(added.body);
  }
  return variants;
}

const setStock = (sku, onHand) => request("POST", "/bench/stock", { headers: ADMIN, body: { sku, onHand } });
const levels = async (skus) => (await request("GET", `/bench/stock?${skus.map((s) => `sku=${encodeURIComponent(s)}`).join("&")}`, { headers: ADMIN })).body;

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

async function scenario(name, variants) {
  const perSku = Math.floor(STOCK / variants.length);
  await Promise.all(variants.map((v) => setStock(v.sku, perSku)));
  const latencies = [];
  const outcome = { placed: 0, outOfStock: 0, other: 0 };
  const sold = new Map();
  let next = 0;
  const started = performance.now();
  async function client() {
    while (next < ATTEMPTS) {
      const variant = variants[next++ % variants.length];
      const cart = await request("POST", "/v1/carts", { body: { email: "bench@example.com", shippingAddress: address, lines: [{ variantId: variant.id, quantity: 1 }] } });
      if (cart.status === 409) {
        outcome.outOfStock++;
        continue;
      }
      if (cart.status !== 201) {
        outcome.other++;
        continue;
      }
      const t0 = performance.now();
      const res = await request("POST", `/v1/carts/${cart.body.cart.id}/checkout`, {
        body: {},
        headers: { "x-cart-token": cart.body.cartToken, "idempotency-key": randomUUID() },
      });
      latencies.push(performance.now() - t0);
      if (res.status === 201) {
        outcome.placed++;
        sold.set(variant.sku, (sold.get(variant.sku) ?? 0) + 1);
      } else if (res.status === 409) outcome.outOfStock++;
      else {
        outcome.other++;
        if (outcome.other < 5) console.error(res.status, JSON.stringify(res.body));
      }
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  // Oversold: units sold beyond the stock a SKU had, or stock that went negative.
  const after = await levels(variants.map((v) => v.sku));
  let oversold = 0;
  for (const level of after) {
    const units = sold.get(level.sku) ?? 0;
    oversold += Math.max(0, units - perSku) + Math.max(0, -level.onHand);
    if (level.onHand !== perSku - units) console.error(`ledger mismatch on ${level.sku}: onHand ${level.onHand}, stock ${perSku}, sold ${units}`);
  }
  return {
    scenario: name,
    skus: variants.length,
    stock: perSku * variants.length,
    attempts: ATTEMPTS,
    placed: outcome.placed,
    outOfStock: outcome.outOfStock,
    errors: outcome.other,
    "orders/s": Number((outcome.placed / seconds).toFixed(1)),
    "checkout p50 ms": Number(percentile(latencies, 50).toFixed(1)),
    "checkout p99 ms": Number(percentile(latencies, 99).toFixed(1)),
    oversold,
  };
}

const health = await fetch(`${BASE}/healthz`).catch(() => null);
if (!health?.ok) {
  console.error(`No server at ${BASE}. Start it as described at the top of bench/checkout.mjs.`);
  process.exit(1);
}
console.log(`clients=${CLIENTS} attempts=${ATTEMPTS} total stock=${STOCK}`);
const hot = await scenario("hot SKU", (await createSkus(1)).slice(0, 1));
const spread = await scenario("100 SKUs", await createSkus(100));
console.table([hot, spread]);
if (hot.oversold + spread.oversold > 0) process.exit(2);
