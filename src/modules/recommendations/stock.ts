import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";

/**
 * Products that cannot be bought right now: no variant has stock available. Reads inventory's D1
 * projection (`stock_levels`) with the same meaning the catalog's `inStock` filter gives it: a SKU
 * never stocked has nothing available. One query for any number of candidates (ids travel as one
 * JSON parameter: D1 binds at most 100 parameters).
 */
export async function outOfStockProductIds(db: Database, productIds: readonly string[]): Promise<Set<string>> {
  if (productIds.length === 0) return new Set();
  const rows = await db.all<{ product_id: string }>(sql`
    SELECT v.product_id FROM variants v LEFT JOIN stock_levels s ON s.sku = v.sku
    WHERE v.product_id IN (SELECT value FROM json_each(${JSON.stringify(productIds)}))
    GROUP BY v.product_id
    HAVING sum(CASE WHEN s.available > 0 THEN 1 ELSE 0 END) = 0`);
  return new Set(rows.map((r) => r.product_id));
}
