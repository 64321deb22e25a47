import { eq } from "drizzle-orm";
import { createDb } from "../../db/client";
import type { Env } from "../../env";
import { log } from "../../shared/log";
import { abandonedCheckouts, holdOwner, holdTtlMs, reopenCheckout } from "../carts";
import { holdStock, releaseStock } from "../inventory";
import { attemptOwner } from "./stock";
import { orders } from "./tables";

/**
 * Cron: checkouts whose Worker died between holding the stock and writing the order. Their holds belong to the
 * checkout attempt (`checkout:<claim>`) and would last CHECKOUT_HOLD_MS (an hour). Once the claim's lease has
 * expired (nobody can still be working on it) and no order exists for the cart, the attempt's units go back to the
 * cart as its ordinary hold (the cart's expiry, as when a checkout fails) in the same inventory transaction, and
 * the cart opens again, so the shopper can retry and everyone else gets the units back when the cart's hold runs
 * out. Safe to repeat and to race with a retrying checkout: only this attempt's holds are touched, and the cart
 * is reopened only while this claim still holds it.
 */
export async function releaseAbandonedCheckouts(env: Env, now = new Date()): Promise<{ released: number }> {
  const db = createDb(env.DB);
  let released = 0;
  for (const { cartId, claim, lines } of await abandonedCheckouts(db, now)) {
    const order = await db.select({ id: orders.id }).from(orders).where(eq(orders.cartId, cartId)).get();
    if (order) {
      // Cannot happen (the order batch completes the cart), but an order's holds are never given back here.
      log.error("cart still checking out although its order exists", { cart_id: cartId, order_id: order.id });
      continue;
    }
    const quantities = new Map<string, number>();
    for (const l of lines) quantities.set(l.sku, (quantities.get(l.sku) ?? 0) + l.quantity);
    const owner = attemptOwner(claim);
    await Promise.all(
      [...quantities].map(async ([sku, quantity]) => {
        const back = await holdStock(env, { sku, owner: holdOwner(cartId), quantity, ttlMs: holdTtlMs(env), absorb: [owner] });
        // The attempt held nothing of it and the units are gone meanwhile: there is nothing to give back.
        if (!back.ok) await releaseStock(env, { sku, owner });
      }),
    );
    if (await reopenCheckout(db, cartId, claim)) released++;
  }
  if (released > 0) log.warn("abandoned checkouts: holds given back to their carts, carts reopened", { released });
  return { released };
}
