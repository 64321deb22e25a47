import { inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { CoPurchaseCounts, topNeighbours, type Neighbour } from "./model/co-purchase";
import { recommendationModel } from "./model/config";
import { easeNeighbourLists } from "./model/ease";
import { servedLists } from "./model/lists";
import { similarity } from "./model/similarity";
import { recNeighbours } from "./tables";

/** Larger baskets are cut to this many distinct products: pairs grow with its square. */
export const MAX_PRODUCTS_PER_ORDER = 50;
/** Per product, only the pairs bought together most often are re-scored when its list is refreshed. */
const PAIRS_SCORED_PER_PRODUCT = 500;

export interface PurchaseInput {
  orderId: string;
  customerId: string | null;
  productIds: readonly string[];
}

/**
 * Learn from one order: count the order, each product and each pair, remember what the customer
 * bought, then refresh the neighbour lists of the products in it. Idempotent per order id, also
 * under concurrent redelivery: all counting runs in one D1 batch (a transaction) whose statements
 * only take effect if this attempt's ledger row is the one that landed.
 */
export async function recordPurchase(db: Database, input: PurchaseInput): Promise<{ recorded: boolean }> {
  const productIds = [...new Set(input.productIds)].slice(0, MAX_PRODUCTS_PER_ORDER);
  if (productIds.length === 0) return { recorded: false };
  const at = new Date().toISOString();
  const attempt = crypto.randomUUID();
  const ids = JSON.stringify(productIds);
  // Raw D1 for this batch: drizzle's batch cannot carry INSERT … SELECT … ON CONFLICT upserts with json_each.
  const d1 = (db as Database & { $client: D1Database }).$client;
  const ours = "EXISTS (SELECT 1 FROM rec_orders WHERE order_id = ?1 AND attempt = ?2)";
  const statement = (query: string, ...params: unknown[]) => d1.prepare(query).bind(input.orderId, attempt, ...params);

  const [ledger] = await d1.batch([
    statement(`INSERT INTO rec_orders (order_id, customer_id, attempt, recorded_at) VALUES (?1, ?3, ?2, ?4)
      ON CONFLICT (order_id) DO NOTHING`, input.customerId, at),
    statement(`INSERT INTO rec_totals (key, value) SELECT 'orders', 1 WHERE ${ours}
      ON CONFLICT (key) DO UPDATE SET value = value + 1`),
    statement(`INSERT INTO rec_item_stats (product_id, orders, updated_at) SELECT value, 1, ?4 FROM json_each(?3) WHERE ${ours}
      ON CONFLICT (product_id) DO UPDATE SET orders = orders + 1, updated_at = excluded.updated_at`, ids, at),
    statement(`INSERT INTO rec_pair_counts (product_id, other_id, orders)
      SELECT a.value, b.value, 1 FROM json_each(?3) a, json_each(?3) b WHERE a.value <> b.value AND ${ours}
      ON CONFLICT (product_id, other_id) DO UPDATE SET orders = orders + 1`, ids),
    ...(input.customerId
      ? [
          statement(`INSERT INTO rec_customer_products (customer_id, product_id, orders, last_ordered_at)
            SELECT ?3, value, 1, ?5 FROM json_each(?4) WHERE ${ours}
            ON CONFLICT (customer_id, product_id) DO UPDATE SET orders = orders + 1, last_ordered_at = excluded.last_ordered_at`, input.customerId, ids, at),
        ]
      : []),
  ]);
  if (!ledger || ledger.meta.changes === 0) return { recorded: false };
  await refreshNeighbours(db, productIds);
  return { recorded: true };
}

/** The current total order count (the N of the similarity measures). */
async function totalOrders(db: Database): Promise<number> {
  const row = await db.get<{ value: number } | undefined>(sql`SELECT value FROM rec_totals WHERE key = 'orders'`);
  return row?.value ?? 0;
}

/** rec_neighbours.model_version of the two kinds of list the served model writes. */
export const listVersions = { ease: `${recommendationModel.version}/ease`, knn: `${recommendationModel.version}/knn` } as const;

/**
 * Recompute the kNN neighbour lists of `productIds` from the counts (after each order). Products
 * whose list the nightly rebuild computed with EASE keep it until the next rebuild: EASE is a
 * matrix over all top products and is not updated one order at a time. Counts of other products
 * drift a little between their own refreshes; `rebuildNeighbours` (cron) squares that.
 */
export async function refreshNeighbours(db: Database, productIds: readonly string[]): Promise<void> {
  if (productIds.length === 0) return;
  const easeServed = new Set(
    (
      await db.all<{ product_id: string }>(
        sql`SELECT DISTINCT product_id FROM rec_neighbours WHERE model_version = ${listVersions.ease} AND product_id IN (SELECT value FROM json_each(${JSON.stringify(productIds)}))`,
      )
    ).map((r) => r.product_id),
  );
  await writeNeighbours(db, await knnLists(db, productIds.filter((id) => !easeServed.has(id))), listVersions.knn);
}

/** kNN lists of `productIds` under the served measure, from the counts. */
async function knnLists(db: Database, productIds: readonly string[]): Promise<Map<string, Neighbour[]>> {
  if (productIds.length === 0) return new Map();
  const [orders, rows] = await Promise.all([
    totalOrders(db),
    db.all<{ product_id: string; other_id: string; together: number; anchor: number; candidate: number }>(sql`
      SELECT product_id, other_id, together, anchor, candidate FROM (
        SELECT p.product_id, p.other_id, p.orders AS together, a.orders AS anchor, c.orders AS candidate,
          row_number() OVER (PARTITION BY p.product_id ORDER BY p.orders DESC, p.other_id) AS position
        FROM rec_pair_counts p
        JOIN rec_item_stats a ON a.product_id = p.product_id
        JOIN rec_item_stats c ON c.product_id = p.other_id
        WHERE p.product_id IN (SELECT value FROM json_each(${JSON.stringify(productIds)}))
      ) WHERE position <= ${PAIRS_SCORED_PER_PRODUCT}`),
  ]);
  const lists = new Map<string, Neighbour[]>(productIds.map((id) => [id, []]));
  for (const r of rows) {
    const score = similarity(recommendationModel.measure, { together: r.together, anchor: r.anchor, candidate: r.candidate, orders });
    if (score > 0) lists.get(r.product_id)?.push({ itemId: r.other_id, score, together: r.together });
  }
  return lists;
}

async function writeNeighbours(db: Database, lists: Map<string, Neighbour[]>, modelVersion: string): Promise<void> {
  if (lists.size === 0) return;
  const at = new Date().toISOString();
  const rows = [...lists].flatMap(([productId, list]) =>
    topNeighbours(list, recommendationModel.ranking.neighbourLimit).map((n) => ({
      productId,
      neighbourId: n.itemId,
      score: n.score,
      together: n.together,
      modelVersion,
      updatedAt: at,
    })),
  );
  // Delete and insert in one batch: a reader sees the old list or the new one, never half of each.
  // D1 caps bound parameters per statement, so inserts go in chunks.
  const inserts = [];
  for (let i = 0; i < rows.length; i += 10) inserts.push(db.insert(recNeighbours).values(rows.slice(i, i + 10)));
  await db.batch([db.delete(recNeighbours).where(inArray(recNeighbours.productId, [...lists.keys()])), ...inserts]);
}

/**
 * Recompute every product's neighbour list (nightly, and once after a model version change):
 * EASE over the `ease.maxItems` most-bought products (their Gram matrix read from the pair
 * counts, inverted here, a second or two of CPU for 1,000 products), kNN lists for the rest.
 * Returns how many products got a list.
 */
export async function rebuildNeighbours(db: Database, pageSize = 100): Promise<number> {
  const { ease, ranking } = recommendationModel;
  const limit = ranking.neighbourLimit;
  let easeProducts: string[] = [];
  if (ease) {
    const top = await db.all<{ product_id: string; orders: number }>(sql`SELECT product_id, orders FROM rec_item_stats ORDER BY orders DESC, product_id LIMIT ${ease.maxItems}`);
    easeProducts = top.map((r) => r.product_id);
    if (easeProducts.length > 1) {
      const n = easeProducts.length;
      const index = new Map(easeProducts.map((id, k) => [id, k]));
      const counts = new Float64Array(n * n);
      top.forEach((r, k) => (counts[k * n + k] = r.orders));
      const all = JSON.stringify(easeProducts);
      for (let i = 0; i < n; i += pageSize) {
        const rows = await db.all<{ product_id: string; other_id: string; orders: number }>(sql`
          SELECT product_id, other_id, orders FROM rec_pair_counts
          WHERE product_id IN (SELECT value FROM json_each(${JSON.stringify(easeProducts.slice(i, i + pageSize))}))
            AND other_id IN (SELECT value FROM json_each(${all}))`);
        for (const r of rows) counts[index.get(r.product_id)! * n + index.get(r.other_id)!] = r.orders;
      }
      const easeLists = easeNeighbourLists({ items: easeProducts, counts }, ease.lambda, limit);
      const knn = ease.weight < 1 ? await knnLists(db, easeProducts) : new Map<string, Neighbour[]>();
      const served = servedLists(easeLists, knn, ease.weight, limit);
      for (let i = 0; i < n; i += pageSize) {
        const page = new Map(easeProducts.slice(i, i + pageSize).map((id) => [id, served.get(id) ?? []]));
        await writeNeighbours(db, page, listVersions.ease);
      }
    } else easeProducts = [];
  }
  const served = new Set(easeProducts);
  let after = "";
  let refreshed = served.size;
  for (;;) {
    const page = await db.all<{ product_id: string }>(
      sql`SELECT product_id FROM rec_item_stats WHERE product_id > ${after} ORDER BY product_id LIMIT ${pageSize}`,
    );
    if (page.length === 0) return refreshed;
    const rest = page.map((r) => r.product_id).filter((id) => !served.has(id));
    await writeNeighbours(db, await knnLists(db, rest), listVersions.knn);
    refreshed += rest.length;
    after = page.at(-1)!.product_id;
  }
}

/** The in-memory twin of the D1 counts, for tests that check the two agree. */
export function countsFromBaskets(baskets: readonly (readonly string[])[]): CoPurchaseCounts {
  const counts = new CoPurchaseCounts();
  for (const b of baskets) counts.addOrder(b.slice(0, MAX_PRODUCTS_PER_ORDER));
  return counts;
}
