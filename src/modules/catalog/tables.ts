import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const categories = sqliteTable(
  "categories",
  {
    id: text("id").primaryKey(),
    parentId: text("parent_id"),
    name: text("name").notNull(),
    slug: text("slug").notNull().unique(),
    description: text("description"),
    /** Materialised path of ancestor ids including this one, e.g. `/cat_a/cat_b/`: descendants share its prefix. */
    path: text("path").notNull(),
    depth: integer("depth").notNull(),
    position: integer("position").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("categories_parent_idx").on(t.parentId, t.position), index("categories_path_idx").on(t.path)],
);

/** An uploaded image as kept on its product row; the R2 object is `key`. */
export interface StoredImage {
  id: string;
  key: string;
  alt: string | null;
  width: number;
  height: number;
  contentType: string;
  bytes: number;
  createdAt: string;
}

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    status: text("status", { enum: ["draft", "active", "archived"] }).notNull(),
    /** Images hosted elsewhere, by URL (what `images` in product input sets). */
    images: text("images", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /**
     * Images uploaded to R2 (`POST /v1/products/{id}/images`), in order, kept on the row so reads cost no
     * extra query; appended and removed by single conditional UPDATEs (src/modules/catalog/images.ts).
     */
    uploadedImages: text("uploaded_images", { mode: "json" }).$type<StoredImage[]>().notNull().default(sql`'[]'`),
    attributes: text("attributes", { mode: "json" }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
    /** Lowest variant price, kept by the same batch that writes variants: lets listings filter and sort by price. */
    /** Tax class handle (tax module): `standard`, `reduced`, `zero` or a shop's own. */
    taxClass: text("tax_class").notNull().default("standard"),
    /**
     * Legacy, from before markets: the lowest and highest price of the variants' own `price_amount`.
     * Listings filter and sort on market prices now (pricing module); kept for old readers.
     */
    priceMin: integer("price_min"),
    priceMax: integer("price_max"),
    currency: text("currency"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("products_status_created_idx").on(t.status, t.createdAt, t.id),
    index("products_status_price_idx").on(t.status, t.priceMin, t.id),
    index("products_status_title_idx").on(t.status, t.title, t.id),
  ],
);

export const productCategories = sqliteTable(
  "product_categories",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    categoryId: text("category_id")
      .notNull()
      .references(() => categories.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.productId, t.categoryId] }), index("product_categories_category_idx").on(t.categoryId)],
);

export const variants = sqliteTable(
  "variants",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    sku: text("sku").notNull().unique(),
    title: text("title").notNull(),
    options: text("options", { mode: "json" }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
    /**
     * The price the variant was created or last updated with through the catalog API, in its currency.
     * Prices live in the pricing module's `variant_prices` (one per currency), which every catalog write
     * of `price` also updates; this copy only feeds the legacy `products.price_min`.
     */
    priceAmount: integer("price_amount").notNull(),
    currency: text("currency").notNull(),
    compareAtAmount: integer("compare_at_amount"),
    /** For weight-based shipping; null counts as 0. */
    weightGrams: integer("weight_grams"),
    position: integer("position").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("variants_product_idx").on(t.productId, t.position)],
);
