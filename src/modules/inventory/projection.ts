import { sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../db/client";
import { eventInsert } from "../events";
import type { StockSnapshot } from "./stock-book";
import { stockLevels } from "./tables";

export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

/** What a storefront may know about a variant's stock: no on-hand, no reservations. */
export interface Availability {
  available: number;
  inStock: boolean;
}

export function lowStockThreshold(raw: string | undefined): number {
  const n = Number(raw);
  return raw !== undefined && raw.trim() !== "" && Number.isInteger(n) && n >= 0 ? n : DEFAULT_LOW_STOCK_THRESHOLD;
}

/**
 * The statements that bring the projection of one SKU up to `level`: the version-guarded upsert
 * plus, in the same batch, inventory.low / inventory.out_of_stock when available crosses a line
 * since the last projected value. A write older than the row's version changes nothing.
 */
export function projectionStatements(
  db: Database,
  level: StockSnapshot,
  previousAvailable: number,
  threshold: number,
  at = new Date().toISOString(),
): [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] {
  const upsert = db
    .insert(stockLevels)
    .values({ sku: level.sku, onHand: level.onHand, reserved: level.reserved, available: level.available, version: level.version, updatedAt: at })
    .onConflictDoUpdate({
      target: stockLevels.sku,
      set: {
        onHand: sql`excluded.on_hand`,
        reserved: sql`excluded.reserved`,
        available: sql`excluded.available`,
        version: sql`excluded.version`,
        updatedAt: sql`excluded.updated_at`,
      },
      setWhere: sql`excluded.version > ${stockLevels.version}`,
    });
  const data = { sku: level.sku, available: level.available, onHand: level.onHand };
  const resource = { type: "sku", id: level.sku };
  if (previousAvailable > 0 && level.available === 0) {
    return [upsert, eventInsert(db, { type: "inventory.out_of_stock", resource, data }, at)];
  }
  if (previousAvailable > threshold && level.available > 0 && level.available <= threshold) {
    return [upsert, eventInsert(db, { type: "inventory.low", resource, data }, at)];
  }
  return [upsert];
}

/**
 * One query for the availability of many SKUs; a SKU never stocked is simply not in stock. The SKUs
 * travel as one JSON parameter because D1 allows only 100 bound parameters per query and a page of
 * products can have far more variants than that.
 */
export async function availabilityBySkus(db: Database, skus: readonly string[]): Promise<Map<string, Availability>> {
  const result = new Map<string, Availability>(skus.map((sku) => [sku, { available: 0, inStock: false }]));
  if (skus.length === 0) return result;
  const rows = await db
    .select({ sku: stockLevels.sku, available: stockLevels.available })
    .from(stockLevels)
    .where(sql`${stockLevels.sku} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(skus)])}))`);
  for (const row of rows) result.set(row.sku, { available: row.available, inStock: row.available > 0 });
  return result;
}

/**
 * The units of `sku` that can be bought now (0 for a SKU never stocked), as an SQL expression: catalog
 * reads embed availability in their one statement instead of asking availabilityBySkus afterwards.
 */
export function availableUnits(sku: SQL): SQL<number> {
  return sql<number>`coalesce((SELECT stock_levels.available FROM stock_levels WHERE stock_levels.sku = ${sku}), 0)`;
}

/** Subquery of the SKUs that can be bought now, for catalog filters (`sku IN (…)`). */
export function skusInStock(): SQL {
  return sql`SELECT ${stockLevels.sku} FROM ${stockLevels} WHERE ${stockLevels.available} > 0`;
}
