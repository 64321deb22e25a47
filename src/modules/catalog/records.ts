import { asc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { isAdmin, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { availabilityBySkus } from "../inventory";
import { ServiceError } from "../../shared/errors";
import { type Category, type Product, type ProductRecord, type Variant, type VariantRecord } from "./schemas";
import { joinMarket, ON_ITS_ROW, variantMarketColumns, type MarketSlot, type ProductMarketValues, type VariantMarketValues } from "./market";
import { productImages } from "./image-urls";
import { categories, productCategories, products, variants } from "./tables";


export const now = () => new Date().toISOString();

export const D1_MAX_BOUND_PARAMETERS = 100;

// ---------------------------------------------------------------------------------------------
// Row mapping and batch loaders (shared by REST hydration and the GraphQL DataLoaders)

export type ProductRow = typeof products.$inferSelect;

export type VariantRow = typeof variants.$inferSelect;

type CategoryRow = typeof categories.$inferSelect;

/**
 * A product row as a record. With its market values (catalog reads) the price range is the market's;
 * without (products embedded elsewhere, e.g. recommendations) it is the variants' own legacy prices.
 */
export function toProductRecord(row: ProductRow, market?: ProductMarketValues): ProductRecord {
  const legacy =
    row.priceMin === null || row.priceMax === null || row.currency === null
      ? null
      : { min: { amount: row.priceMin, currency: row.currency }, max: { amount: row.priceMax, currency: row.currency } };
  const inMarket =
    market && market.marketPriceMin !== null && market.marketPriceMax !== null
      ? { min: { amount: market.marketPriceMin, currency: market.marketCurrency }, max: { amount: market.marketPriceMax, currency: market.marketCurrency } }
      : null;
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    status: row.status,
    images: productImages(row),
    attributes: row.attributes,
    taxClass: row.taxClass,
    priceRange: market ? inMarket : legacy,
    market: market ? { handle: market.marketHandle, currency: market.marketCurrency, pricesIncludeTax: Boolean(market.marketPricesIncludeTax) } : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A variant row with its prices in the read's market and its base prices in every currency. */
export function toVariant(row: VariantRow, market: VariantMarketValues): VariantRecord {
  const money = (amount: number | null) => (amount === null ? null : { amount, currency: market.marketCurrency });
  const prices = (JSON.parse(market.basePrices) as { currency: string; amount: number; compareAtAmount: number | null }[]).sort((a, b) => a.currency.localeCompare(b.currency));
  return {
    id: row.id,
    productId: row.productId,
    sku: row.sku,
    title: row.title,
    options: row.options,
    price: money(market.marketPrice),
    compareAtPrice: money(market.marketCompareAt),
    prices,
    weightGrams: row.weightGrams,
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

/** One query for the variants of many products, in position order, priced in the slot's market. */
export async function variantsByProductIds(db: Database, productIds: readonly string[], slot: MarketSlot): Promise<Map<string, VariantRecord[]>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .select({ row: variants, ...variantMarketColumns })
    .from(variants)
    .innerJoin(joinMarket(slot), ON_ITS_ROW)
    .where(sql`${variants.productId} IN (SELECT value FROM json_each(${JSON.stringify([...productIds])}))`)
    .orderBy(asc(variants.productId), asc(variants.position), asc(variants.id));
  return groupBy(
    rows.map(({ row, ...market }) => toVariant(row, market)),
    (v) => v.productId,
  );
}

/** One variant in the slot's market, or undefined (also for an unknown market: the caller checked it). */
export async function variantById(db: Database, id: string, slot: MarketSlot): Promise<VariantRecord | undefined> {
  const row = await db.select({ row: variants, ...variantMarketColumns }).from(variants).innerJoin(joinMarket(slot), ON_ITS_ROW).where(eq(variants.id, id)).get();
  return row ? toVariant(row.row, row) : undefined;
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

/**
 * One query: for each product, the ids of its categories and of all their ancestors (from the
 * materialised paths), so that a rule on a category also matches products of its descendants.
 */
export async function categoryAncestryByProductIds(db: Database, productIds: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(productIds.map((id) => [id, []]));
  if (productIds.length === 0) return result;
  const rows = await db
    .select({ productId: productCategories.productId, path: categories.path })
    .from(productCategories)
    .innerJoin(categories, eq(categories.id, productCategories.categoryId))
    .where(inArray(productCategories.productId, [...new Set(productIds)]));
  for (const { productId, path } of rows) {
    const ids = result.get(productId)!;
    for (const id of path.split("/")) if (id && !ids.includes(id)) ids.push(id);
  }
  return result;
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
export async function hydrate(db: Database, records: ProductRecord[], slot: MarketSlot): Promise<Product[]> {
  const ids = records.map((r) => r.id);
  const [variantMap, linkRows] = await Promise.all([
    variantsByProductIds(db, ids, slot).then(async (map) => {
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

// ---------------------------------------------------------------------------------------------
// Facts other modules price with

/** Which of these variants exist, with their product: one query (long lists travel as one JSON parameter). */
export async function variantProductIds(db: Database, variantIds: readonly string[]): Promise<Map<string, string>> {
  if (variantIds.length === 0) return new Map();
  const rows = await db
    .select({ id: variants.id, productId: variants.productId })
    .from(variants)
    .where(sql`${variants.id} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(variantIds)])}))`);
  return new Map(rows.map((r) => [r.id, r.productId]));
}

/** What the cart pricing pipeline needs of a variant and its product, as the catalog says now. */
export interface VariantFacts {
  variantId: string;
  productId: string;
  sku: string;
  productStatus: ProductRow["status"];
  taxClass: string;
  weightGrams: number;
  categoryIds: string[];
}

/** Facts of many variants in one query (deleted variants are absent from the map). */
export async function variantFacts(db: Database, variantIds: readonly string[]): Promise<Map<string, VariantFacts>> {
  if (variantIds.length === 0) return new Map();
  const rows = await db
    .select({
      variantId: variants.id,
      productId: variants.productId,
      sku: variants.sku,
      weightGrams: variants.weightGrams,
      productStatus: products.status,
      taxClass: products.taxClass,
      categoryIds: sql<string>`(SELECT json_group_array(${productCategories.categoryId}) FROM ${productCategories} WHERE ${productCategories.productId} = ${products.id})`,
    })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(sql`${variants.id} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(variantIds)])}))`);
  return new Map(rows.map((r) => [r.variantId, { ...r, weightGrams: r.weightGrams ?? 0, categoryIds: (JSON.parse(r.categoryIds) as string[]).sort() }]));
}
