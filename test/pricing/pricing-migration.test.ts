import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, unique } from "../support/helpers";
import { admin } from "../support/pricing-fixtures";

/**
 * The data migration from one price per variant to markets (the hand-written backfill migration):
 * today's price becomes the base price in its currency, the default market takes the shop's main
 * currency, and carts and orders from before keep their prices and totals.
 */

const backfill = () => {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.endsWith("markets_default_and_price_backfill.sql"));
  if (!migration) throw new Error("the backfill migration is missing");
  return migration.queries;
};

async function runBackfill() {
  for (const query of backfill()) await env.DB.prepare(query).run();
}

describe("the markets data migration", () => {
  it("turns each variant's single price into its base price, and makes the main currency the default market's", async () => {
    // A shop priced in USD (two variants) and one stray EUR variant, as it stood before markets.
    const variants = [];
    for (const [amount, currency, compareAt] of [[2500, "USD", 3000], [1500, "USD", null], [900, "EUR", null]] as const) {
      const product = await admin("POST", "/v1/products", {
        title: unique("Legacy"),
        status: "active",
        variants: [{ sku: unique("LEG").toUpperCase(), price: { amount, currency }, ...(compareAt && { compareAtPrice: { amount: compareAt, currency } }) }],
      });
      variants.push(product.variants[0]);
    }
    await env.DB.batch([env.DB.prepare("DELETE FROM variant_prices"), env.DB.prepare("DELETE FROM markets")]);

    await runBackfill();
    const market = await env.DB.prepare("SELECT id, handle, currency, prices_include_tax, is_default FROM markets").all();
    expect(market.results).toEqual([{ id: "mkt_default", handle: "default", currency: "USD", prices_include_tax: 0, is_default: 1 }]);
    const prices = await env.DB.prepare("SELECT variant_id, currency, amount, compare_at_amount FROM variant_prices ORDER BY amount DESC").all();
    expect(prices.results).toEqual([
      { variant_id: variants[0].id, currency: "USD", amount: 2500, compare_at_amount: 3000 },
      { variant_id: variants[1].id, currency: "USD", amount: 1500, compare_at_amount: null },
      { variant_id: variants[2].id, currency: "EUR", amount: 900, compare_at_amount: null },
    ]);
    const classes = await env.DB.prepare("SELECT handle FROM tax_classes ORDER BY handle").all();
    expect(classes.results.map((r) => r.handle)).toEqual(["reduced", "standard", "zero"]);

    // Running it again changes nothing.
    await runBackfill();
    expect((await env.DB.prepare("SELECT count(*) AS n FROM variant_prices").first<{ n: number }>())!.n).toBe(3);

    // A cart written before markets (no market, no shipping method) keeps its price.
    const cartId = `cart_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`;
    const token = "ctok_legacy_" + crypto.randomUUID();
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const at = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO carts (id, token_hash, status, currency, created_at, updated_at) VALUES (?, ?, 'open', 'USD', ?, ?)").bind(cartId, hash, at, at),
      env.DB.prepare("INSERT INTO cart_lines (id, cart_id, variant_id, product_id, sku, title, unit_price, currency, quantity, created_at) VALUES (?, ?, ?, ?, ?, 'Legacy', 2500, 'USD', 2, ?)").bind(
        `cli_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`,
        cartId,
        variants[0].id,
        variants[0].productId,
        variants[0].sku,
        at,
      ),
    ]);
    const cart = await call("GET", `/v1/carts/${cartId}`, { headers: { "x-cart-token": token } });
    expect(cart.status, cart.text).toBe(200);
    expect(cart.body.market.handle).toBe("default");
    expect(cart.body.lines[0]).toMatchObject({ unitPrice: { amount: 2500, currency: "USD" }, compareAtPrice: { amount: 3000, currency: "USD" }, priceSource: { kind: "base" } });
    expect(cart.body.totals.subtotal).toEqual({ amount: 5000, currency: "USD" });
  });

  it("orders placed before gift cards owe their total; new orders are not touched", async () => {
    const id = `ord_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`;
    const at = new Date().toISOString();
    await env.DB.prepare(
      `INSERT INTO orders (id, number, cart_id, email, status, currency, subtotal, shipping, tax, total, shipping_address, order_token_hash, payment_provider, placed_at, updated_at)
       VALUES (?, ?, ?, 'old@example.com', 'placed', 'EUR', 1000, 490, 283, 1773, '{}', 'x', 'manual', ?, ?)`,
    )
      .bind(id, `ES-${id.slice(-8).toUpperCase()}`, `cart_for_${id}`, at, at)
      .run();
    await runBackfill();
    const row = await env.DB.prepare("SELECT amount_due, discount, gift_cards, pricing FROM orders WHERE id = ?").bind(id).first();
    expect(row).toEqual({ amount_due: 1773, discount: 0, gift_cards: 0, pricing: null });
  });
});
