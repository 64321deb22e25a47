import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The D1 projection of each SKU's availability, written only by its InventoryObject (the source of
 * truth). Catalog listings read it to filter `inStock` and to show availability without calling
 * every object. `version` is the object's ledger sequence: a write carrying an older version is
 * ignored, so late or retried writes can never move a row backwards.
 */
export const stockLevels = sqliteTable(
  "stock_levels",
  {
    sku: text("sku").primaryKey(),
    onHand: integer("on_hand").notNull(),
    reserved: integer("reserved").notNull(),
    available: integer("available").notNull(),
    version: integer("version").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("stock_levels_available_idx").on(t.available, t.sku)],
);
