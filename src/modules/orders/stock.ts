import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { Env } from "../../env";
import { ServiceError } from "../../shared/errors";
import { holdOwner } from "../carts";
import { commitHolds, holdStock, releaseStock, returnSale } from "../inventory";
import { orderLines, orders } from "./tables";
import { log } from "../../shared/log";

/**
 * Stock settlement of orders. The order batch (D1) and the per-SKU inventory objects cannot share
 * a transaction, so an order is written first and its stock settled after:
 * - every order's holds become sales once (`commitHolds`, idempotent per SKU and order), then
 *   `stock_committed_at` is stamped;
 * - a cancelled order's sales go back once (`returnSale`, idempotent per SKU and order), then
 *   `stock_returned_at` is stamped.
 * Requests settle inline; whatever failed there is retried by the every-minute cron
 * (`reconcileOrderStock`). Both steps are safe to repeat and to run concurrently.
 */

/** The inventory calls settlement makes. A seam: tests pass a failing one to prove the cron recovers. */
export interface StockPort {
  commitHolds: typeof commitHolds;
  holdStock: typeof holdStock;
  releaseStock: typeof releaseStock;
  returnSale: typeof returnSale;
}
export const inventoryStock: StockPort = { commitHolds, holdStock, releaseStock, returnSale };

/** The inventory owner of one checkout attempt's holds (the attempt is the cart's checkout claim). */
export const attemptOwner = (claim: string) => `checkout:${claim}`;

/** Who holds an order's stock: its checkout attempt; orders from before attempts owned holds used the cart. */
const ownerOf = (order: Pick<SettlementRow, "cartId" | "holdOwner">) => order.holdOwner ?? holdOwner(order.cartId);

/**
 * How long checkout holds stock for its order. Long enough for the cron to retry a failed commit
 * many times before the hold could expire (it also re-holds a lost hold, see below). A checkout that
 * dies before writing its order does not keep them that long: its attempt owns them, and the cron gives them
 * back to the cart once the attempt's lease has expired (abandoned.ts).
 */
export const CHECKOUT_HOLD_MS = 60 * 60_000;

/** Orders younger than this are still being settled by their own request. */
const RECONCILE_GRACE_MS = 60_000;
const RECONCILE_BATCH = 50;

type SettlementRow = Pick<typeof orders.$inferSelect, "id" | "cartId" | "holdOwner" | "status" | "stockCommittedAt" | "stockReturnedAt">;

async function quantitiesOf(db: Database, orderId: string): Promise<Map<string, number>> {
  const rows = await db.select({ sku: orderLines.sku, quantity: orderLines.quantity }).from(orderLines).where(eq(orderLines.orderId, orderId));
  const bySku = new Map<string, number>();
  for (const r of rows) bySku.set(r.sku, (bySku.get(r.sku) ?? 0) + r.quantity);
  return bySku;
}

/**
 * Commit the order's holds. A SKU with neither a sale for this order nor a hold (the hold expired
 * while commits kept failing) is held again for exactly the order's quantity and committed; if the
 * units are gone meanwhile, the order is oversold and says so loudly (it stays unsettled and the
 * cron keeps trying, e.g. after a restock).
 */
async function commitOrder(env: Env, stock: StockPort, order: SettlementRow, quantities: Map<string, number>): Promise<void> {
  const owner = ownerOf(order);
  const skus = [...quantities.keys()];
  try {
    // Exactly what the order bought: a cart edit racing the checkout may have changed the hold.
    await stock.commitHolds(env, { owner, orderId: order.id, skus, quantities: Object.fromEntries(quantities) });
    return;
  } catch (error) {
    const missing = error instanceof ServiceError && error.code === "CONFLICT" ? ((error.extra?.skus as string[] | undefined) ?? []) : [];
    if (missing.length === 0) throw error;
    for (const sku of missing) {
      const held = await stock.holdStock(env, { sku, owner, quantity: quantities.get(sku)!, ttlMs: CHECKOUT_HOLD_MS });
      if (!held.ok) {
        log.error("order stock lost: its hold expired and the units are gone", { orderId: order.id, sku, available: held.available });
        throw new ServiceError("INSUFFICIENT_STOCK", `Order '${order.id}' cannot commit '${sku}': its hold expired and only ${held.available} are available.`);
      }
    }
    await stock.commitHolds(env, { owner, orderId: order.id, skus: missing, quantities: Object.fromEntries(quantities) });
  }
}

/** A cancelled order: whatever it still holds is released and whatever it bought goes back, once. */
async function returnOrder(env: Env, stock: StockPort, order: SettlementRow, quantities: Map<string, number>): Promise<void> {
  const owner = ownerOf(order);
  await Promise.all(
    [...quantities.keys()].map(async (sku) => {
      await stock.releaseStock(env, { sku, owner });
      await stock.returnSale(env, { sku, orderId: order.id });
    }),
  );
}

/** Settle one order's stock as far as its status requires. Throws when a step fails (nothing is stamped for it). */
export async function settleOrderStock(env: Env, db: Database, orderId: string, stock: StockPort = inventoryStock): Promise<void> {
  const read = () =>
    db
      .select({ id: orders.id, cartId: orders.cartId, holdOwner: orders.holdOwner, status: orders.status, stockCommittedAt: orders.stockCommittedAt, stockReturnedAt: orders.stockReturnedAt })
      .from(orders)
      .where(eq(orders.id, orderId))
      .get();
  let order = await read();
  if (!order) return;
  const quantities = await quantitiesOf(db, orderId);
  if (!order.stockCommittedAt && order.status !== "cancelled") {
    await commitOrder(env, stock, order, quantities);
    await db.update(orders).set({ stockCommittedAt: new Date().toISOString() }).where(and(eq(orders.id, orderId), isNull(orders.stockCommittedAt)));
    // A cancel that ran while we committed may have returned nothing yet: read the status again.
    order = (await read())!;
  }
  if (order.status === "cancelled" && !order.stockReturnedAt) {
    await returnOrder(env, stock, order, quantities);
    const at = new Date().toISOString();
    // "Committed" for a cancelled order means settled: nothing of it is held or sold any more.
    await db
      .update(orders)
      .set({ stockReturnedAt: at, stockCommittedAt: sql`coalesce(${orders.stockCommittedAt}, ${at})` })
      .where(and(eq(orders.id, orderId), isNull(orders.stockReturnedAt)));
  }
}

/** Settle inline, with a few quick retries; a failure is logged and left to the cron. */
export async function settleOrTellTheCron(env: Env, db: Database, orderId: string, stock: StockPort = inventoryStock): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await settleOrderStock(env, db, orderId, stock);
      return true;
    } catch (error) {
      if (attempt >= 3) {
        log.warn("order stock not settled; the cron will retry", { orderId, error: String(error) });
        return false;
      }
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }
}

/**
 * Cron: settle orders whose request could not (oldest first, a bounded batch per run). Orders
 * younger than a minute are left to their own request.
 */
export async function reconcileOrderStock(env: Env, db: Database, now = new Date(), stock: StockPort = inventoryStock): Promise<{ settled: number; failed: number }> {
  const before = new Date(now.getTime() - RECONCILE_GRACE_MS).toISOString();
  const pending = await db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        // The partial index's predicate, verbatim, so SQLite uses orders_stock_unsettled_idx.
        sql`(${orders.stockCommittedAt} IS NULL OR (${orders.status} = 'cancelled' AND ${orders.stockReturnedAt} IS NULL))`,
        lt(orders.updatedAt, before),
      ),
    )
    .orderBy(asc(orders.updatedAt))
    .limit(RECONCILE_BATCH);
  let settled = 0;
  let failed = 0;
  for (const { id } of pending) {
    try {
      await settleOrderStock(env, db, id, stock);
      settled++;
    } catch (error) {
      failed++;
      log.warn("order stock reconciliation failed; retrying next run", { orderId: id, error: String(error) });
    }
  }
  return { settled, failed };
}

