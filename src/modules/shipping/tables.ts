import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Where a shop ships: a zone is a list of countries (`*`: every country no other zone lists). A
 * destination gets the methods of the zones that list its country, or else of the `*` zones.
 */
export const shippingZones = sqliteTable("shipping_zones", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  countries: text("countries", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** `up_to` is inclusive (grams or minor units); null on the last band means "and above". */
export interface RateBand {
  upTo: number | null;
  amount: number;
}

/**
 * A way to ship to a zone, priced in one currency: a flat amount, or by bands of cart weight or of
 * the merchandise subtotal, optionally free from a subtotal on. `market_id` null: every market whose
 * currency is the method's.
 */
export const shippingMethods = sqliteTable(
  "shipping_methods",
  {
    id: text("id").primaryKey(),
    zoneId: text("zone_id")
      .notNull()
      .references(() => shippingZones.id, { onDelete: "cascade" }),
    marketId: text("market_id"),
    currency: text("currency").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    kind: text("kind", { enum: ["flat", "weight", "subtotal"] }).notNull(),
    amount: integer("amount"),
    bands: text("bands", { mode: "json" }).$type<RateBand[]>(),
    freeOver: integer("free_over"),
    taxClass: text("tax_class").notNull().default("standard"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    position: integer("position").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("shipping_methods_zone_idx").on(t.zoneId, t.position)],
);

/** Marks that the SHIPPING_RATES variable was imported once (its only remaining use: seed defaults). */
export const shippingDefaultImports = sqliteTable("shipping_default_imports", {
  source: text("source").primaryKey(),
  importedAt: text("imported_at").notNull(),
});
