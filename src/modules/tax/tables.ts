import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Tax classes (standard, reduced, zero, or your own): products name one by handle (catalog's
 * `products.tax_class`). The three built-in classes are created by the migration and cannot be deleted.
 */
export const taxClasses = sqliteTable("tax_classes", {
  handle: text("handle").primaryKey(),
  name: text("name").notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * A rate for one tax class in one place: a country (`*` for anywhere else), optionally narrowed to a
 * region and/or a postal-code prefix. The most specific matching rate wins (docs/pricing.md).
 * `region` and `postal_prefix` are '' when not set, so the unique index treats "not set" as a value.
 */
export const taxRates = sqliteTable(
  "tax_rates",
  {
    id: text("id").primaryKey(),
    country: text("country").notNull(),
    region: text("region").notNull().default(""),
    postalPrefix: text("postal_prefix").notNull().default(""),
    taxClass: text("tax_class")
      .notNull()
      .references(() => taxClasses.handle, { onDelete: "restrict" }),
    rateBp: integer("rate_bp").notNull(),
    name: text("name").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("tax_rates_scope_idx").on(t.country, t.region, t.postalPrefix, t.taxClass), index("tax_rates_class_idx").on(t.taxClass)],
);

/** Marks that the TAX_RATES variable was imported once (its only remaining use: seed defaults). */
export const taxDefaultImports = sqliteTable("tax_default_imports", {
  source: text("source").primaryKey(),
  importedAt: text("imported_at").notNull(),
});
