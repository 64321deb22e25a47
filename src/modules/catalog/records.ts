import { asc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { isAdmin, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { availabilityBySkus } from "../inventory";
import { ServiceError } from "../../shared/errors";
import { type Category, type Product, type ProductRecord, type Variant, type VariantRecord } from "./schemas";
import { productImages } from "./image-urls";
import { categories, productCategories, products, variants } from "./tables";


export const now = () => new Date().toISOString();

export const D1_MAX_BOUND_PARAMETERS = 100;

// ---------------------------------------------------------------------------------------------
// Row mapping and batch loaders (shared by REST hydration and the GraphQL DataLoaders)

export type ProductRow = typeof products.$inferSelect;

export type VariantRow = typeof variants.$inferSelect;

type CategoryRow = typeof categories.$inferSelect;

export function toProductRecord(row: ProductRow): ProductRecord {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    status: row.status,
    images: productImages(row),
    attributes: row.attributes,
    priceRange:
      row.priceMin === null || row.priceMax === null || row.currency === null
        ? null
        : { min: { amount: row.priceMin, currency: row.currency }, max: { amount: row.priceMax, currency: row.currency } },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toVariant(row: VariantRow): VariantRecord {
  return {
    id: row.id,
    productId: row.productId,
    sku: row.sku,
    title: row.title,
    options: row.options,
    price: { amount: row.priceAmount, currency: row.currency },
    compareAtPrice: row.compareAtAmount === null ? null : { amount: row.compareAtAmount, currency: row.currency },
    position: row.position,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toCategory(row: CategoryRow): Category {
  return {
    id: row.id,
    parentId: row.parentId,
    name: row.name,
    slug: row.slug,
    description: row.description,
    depth: row.depth,
    position: row.position,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** One query for the variants of many products, in position order. */
export async function variantsByProductIds(db: Database, productIds: readonly string[]): Promise<Map<string, VariantRecord[]>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(variants)
    .where(inArray(variants.productId, [...productIds]))
    .orderBy(asc(variants.productId), asc(variants.position), asc(variants.id));
  return groupBy(rows.map(toVariant), (v) => v.productId);
}

/** Which of these SKUs belong to a variant (any product status): one query. */
export async function existingSkus(db: Database, skus: readonly string[]): Promise<Set<string>> {
  if (skus.length === 0) return new Set();
  const rows = await db.select({ sku: variants.sku }).from(variants).where(inArray(variants.sku, [...new Set(skus)]));
  return new Set(rows.map((r) => r.sku));
}

/** One query for the categories of many products. */
export async function categoriesByProductIds(db: Database, productIds: readonly string[]): Promise<Map<string, Category[]>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .select({ productId: productCategories.productId, category: categories })
    .from(productCategories)
    .innerJoin(categories, eq(categories.id, productCategories.categoryId))
    .where(inArray(productCategories.productId, [...productIds]))
    .orderBy(asc(categories.depth), asc(categories.position), asc(categories.id));
  const grouped = groupBy(rows, (r) => r.productId);
  return new Map([...grouped].map(([k, list]) => [k, list.map((r) => toCategory(r.category))]));
}

/** One query for many categories by id. */
export async function categoriesByIds(db: Database, ids: readonly string[]): Promise<Map<string, Category>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(categories).where(inArray(categories.id, [...ids]));
  return new Map(rows.map((r) => [r.id, toCategory(r)]));
}

/** One query for the children of many categories. */
export async function childCategoriesByParentIds(db: Database, parentIds: readonly string[]): Promise<Map<string, Category[]>> {
  if (parentIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(categories)
    .where(inArray(categories.parentId, [...parentIds]))
    .orderBy(asc(categories.position), asc(categories.name));
  return groupBy(rows.map(toCategory), (c) => c.parentId ?? "");
}

/** Attach the projected availability to variants: one query for any number of them. */
export async function withAvailability(db: Database, records: VariantRecord[]): Promise<Variant[]> {
  const availability = await availabilityBySkus(db, records.map((v) => v.sku));
  return records.map((v) => ({ ...v, availability: availability.get(v.sku)! }));
}

/** Attach variants (with availability) and category ids to product records: three queries for any number of products. */
export async function hydrate(db: Database, records: ProductRecord[]): Promise<Product[]> {
  const ids = records.map((r) => r.id);
  const [variantMap, linkRows] = await Promise.all([
    variantsByProductIds(db, ids).then(async (map) => {
      const all = await withAvailability(db, [...map.values()].flat());
      return groupBy(all, (v) => v.productId);
    }),
    ids.length === 0
      ? Promise.resolve([])
      : db
          .select({ productId: productCategories.productId, categoryId: productCategories.categoryId })
          .from(productCategories)
          .where(inArray(productCategories.productId, ids)),
  ]);
  const links = groupBy(linkRows, (l) => l.productId);
  return records.map((r) => ({
    ...r,
    variants: variantMap.get(r.id) ?? [],
    categoryIds: (links.get(r.id) ?? []).map((l) => l.categoryId).sort(),
  }));
}

// ---------------------------------------------------------------------------------------------
// Public reads

export function visibleStatus(ctx: ServiceContext, requested: ProductRecord["status"] | undefined): SQL | undefined {
  if (isAdmin(ctx.actor)) return requested ? eq(products.status, requested) : undefined;
  if (requested && requested !== "active") {
    throw new ServiceError("FORBIDDEN", "Only admins can list products that are not active.");
  }
  return eq(products.status, "active");
}

export async function findCategory(db: Database, idOrSlug: string): Promise<CategoryRow | undefined> {
  return db
    .select()
    .from(categories)
    .where(or(eq(categories.id, idOrSlug), eq(categories.slug, idOrSlug)))
    .get();
}

/**
 * Categories whose materialised path starts with `path` (the category and its descendants), as an
 * index-friendly range: paths hold only [0-9a-z_/], all below "~". (D1 caps LIKE patterns at 50 bytes.)
 * listProductRecords inlines the same range with the path as a subquery.
 */
export function inSubtree(path: string): SQL {
  return sql`(${categories.path} >= ${path} AND ${categories.path} < ${path + "~"})`;
}

/** Why a variant can no longer be bought. */
export type UnsellableReason = "variant_deleted" | "product_archived" | "product_draft";

/**
 * The variants of `variantIds` that can no longer be bought, with the reason: deleted (with their product or on
 * their own), or their product archived or back in draft. One query; the others are absent from the map.
 */
export async function unsellableVariants(db: Database, variantIds: readonly string[]): Promise<Map<string, UnsellableReason>> {
  const ids = [...new Set(variantIds)];
  const out = new Map<string, UnsellableReason>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ id: variants.id, status: products.status })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(inArray(variants.id, ids));
  const status = new Map(rows.map((r) => [r.id, r.status]));
  for (const id of ids) {
    const s = status.get(id);
    if (s === undefined) out.set(id, "variant_deleted");
    else if (s === "archived") out.set(id, "product_archived");
    else if (s === "draft") out.set(id, "product_draft");
  }
  return out;
}
