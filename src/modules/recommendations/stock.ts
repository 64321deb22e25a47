import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";

/**
 * Products that cannot be bought right now: every variant has a stock level and none is available.
 * Reads the `stock_levels` projection (sku, available) that feat/inventory maintains in D1; a
 * variant without a row is untracked, hence sellable. Until that table exists (before the merge)
 * nothing is excluded. One query for any number of candidates.
 */
export async function outOfStockProductIds(db: Database, productIds: readonly string[]): Promise<Set<string>> {
  if (productIds.length === 0) return new Set();
  try {
    const rows = await db.all<{ product_id: string }>(sql`
      SELECT v.product_id FROM variants v LEFT JOIN stock_levels s ON s.sku = v.sku
      WHERE v.product_id IN (SELECT value FROM json_each(${JSON.stringify(productIds)}))
      GROUP BY v.product_id
      HAVING sum(CASE WHEN s.sku IS NULL OR s.available > 0 THEN 1 ELSE 0 END) = 0`);
    return new Set(rows.map((r) => r.product_id));
  } catch (error) {
    // MERGE: drop this fallback once feat/inventory's stock_levels migration is on main.
    if (mentionsMissingTable(error)) return new Set();
    throw error;
  }
}

function mentionsMissingTable(error: unknown): boolean {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) {
    if (String((e as Error).message ?? e).includes("no such table: stock_levels")) return true;
  }
  return false;
}
