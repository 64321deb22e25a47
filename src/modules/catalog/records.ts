import { asc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { isAdmin, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { availableUnits } from "../inventory";
import { precompiled } from "../../db/precompiled";
import { ServiceError } from "../../shared/errors";
import { type Category, type Product, type ProductRecord, type Variant, type VariantRecord } from "./schemas";
import { basePricesJson, joinMarket, ON_ITS_ROW, variantListRowSql, variantMarketColumns, variantPriceColumns, type Pricing, type ProductMarketValues, type VariantMarketValues } from "./market";
import { productImages } from "./image-urls";
import { categories, productCategories, products, variants } from "./tables";

export type { Pricing } from "./market";

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
  return {
    id: row.id,
    productId: row.productId,
    sku: row.sku,
    title: row.title,
    options: row.options,
    price: money(market.marketPrice),
    compareAtPrice: money(market.marketCompareAt),
    prices: JSON.parse(market.basePrices) as VariantRecord["prices"],
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

/** One query for the variants of many products, in position order, priced in the read's market. */
export async function variantsByProductIds(db: Database, productIds: readonly string[], pricing: Pricing): Promise<Map<string, VariantRecord[]>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .select({ row: variants, ...variantMarketColumns })
    .from(variants)
    .innerJoin(joinMarket(pricing), ON_ITS_ROW)
    .where(sql`${variants.productId} IN (SELECT value FROM json_each(${JSON.stringify([...productIds])}))`)
    .orderBy(asc(variants.productId), asc(variants.position), asc(variants.id));
  return groupBy(
    rows.map(({ row, ...market }) => toVariant(row, market)),
    (v) => v.productId,
  );
}

/** Product records (any status) by id: one query. */
export async function productRecordsByIds(db: Database, ids: Iterable<string>): Promise<Map<string, ProductRecord>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const rows = await db.select().from(products).where(inArray(products.id, list));
  return new Map(rows.map((r) => [r.id, toProductRecord(r)]));
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

// ---------------------------------------------------------------------------------------------
// Hydrated reads in one statement: a product row with its variants (with availability) and category
// ids, aggregated as JSON by SQLite in correlated subqueries, instead of three more queries per page.

/**
 * Where a variant's price comes from in catalog reads: the read's market (`Pricing`, see ./market.ts),
 * joined into the statement as the one-row `read_market` (pricing's readMarketJoin): its currency's
 * base price, or a price list that applies to everyone there now. The statements below reference it,
 * so each read that hydrates joins `joinMarket(pricing)` once, and the read caches key their entries
 * by the resolved market (modules/protection/catalog-cache.ts).
 *
 * The columns of `variantSource` over `vr` (a variant with `list_row`, its price-list row), `lp` (that
 * row) and `bp` (its base price in the market's currency): its row, price and availability. Constant
 * (the market is the joined `read_market`), so rendered once per isolate (db/precompiled.ts).
 */
const sourceColumns = (basePrices: boolean) =>
  precompiled(() => {
    const price = variantPriceColumns("lp", "bp");
    return sql`vr.id, vr.product_id, vr.sku, vr.title, vr.options, ${price.price} AS amount, read_market.market_currency AS currency,
      ${price.compareAt} AS compare_at, ${basePrices ? basePricesJson() : sql`'[]'`} AS prices, vr.weight_grams, vr.position,
      ${availableUnits(sql`vr.sku`)} AS available, vr.created_at, vr.updated_at`;
  });
const variantSourceColumns = { withBasePrices: sourceColumns(true), withoutBasePrices: sourceColumns(false) };
const variantListRow = precompiled(() => variantListRowSql(sql`v.id`));

/**
 * The variants that match `where` (over `variants v`), each with its price and availability, as the
 * subquery `v` (in position order when `ordered`). The price list that sets a variant's price is
 * chosen once per variant and joined, not looked up again for each column that needs it. Without
 * `basePrices` each variant's `prices` (its base price in every currency) is an empty array: for
 * GraphQL reads that do not select it (building it was ~30% of the listing statement's SQLite time).
 */
function variantSource(where: SQL, ordered = false, basePrices = true): SQL {
  return sql`(SELECT ${basePrices ? variantSourceColumns.withBasePrices() : variantSourceColumns.withoutBasePrices()}
    FROM (SELECT v.*, ${variantListRow()} AS list_row FROM variants v WHERE ${where}) AS vr
    LEFT JOIN price_list_prices lp ON lp.rowid = vr.list_row
    LEFT JOIN variant_prices bp ON bp.variant_id = vr.id AND bp.currency = read_market.market_currency
    ${ordered ? sql`ORDER BY vr.position, vr.id` : sql``}) AS v`;
}

/** One variant of `variantSource` as a JSON object in the shape of `Variant`. */
const VARIANT_OBJECT = sql`json_object(
      'id', v.id, 'productId', v.product_id, 'sku', v.sku, 'title', v.title, 'options', json(v.options),
      'price', json(CASE WHEN v.amount IS NULL THEN NULL ELSE json_object('amount', v.amount, 'currency', v.currency) END),
      'compareAtPrice', json(CASE WHEN v.compare_at IS NULL THEN NULL ELSE json_object('amount', v.compare_at, 'currency', v.currency) END),
      'prices', json(v.prices), 'weightGrams', v.weight_grams, 'position', v.position,
      'availability', json_object('available', v.available, 'inStock', json(CASE WHEN v.available > 0 THEN 'true' ELSE 'false' END)),
      'createdAt', v.created_at, 'updatedAt', v.updated_at)`;

/**
 * The variants of the outer `products` row, in position order, each with its price and availability,
 * as one JSON array in the shape of `Variant`, packed with the lowest and highest variant price in the
 * market: `<min>,<max>,<array>` (empty when no variant has a price; see unpackHydration). The range
 * comes from the same rows, so neither another subquery nor parsing the array is needed for it.
 */
const variantsJsonOf = (basePrices: boolean) =>
  precompiled(
    () => sql<string>`(SELECT coalesce(min(v.amount), '') || ',' || coalesce(max(v.amount), '') || ',' || json_group_array(${VARIANT_OBJECT})
    FROM ${variantSource(sql`v.product_id = "products"."id"`, true, basePrices)})`,
  );
const variantsJson = { withBasePrices: variantsJsonOf(true), withoutBasePrices: variantsJsonOf(false) };

/**
 * One variant by id in the read's market, with its price and availability (the same shape as in a
 * product), in one statement. `market: null` when the market is unknown; `variant` undefined when
 * the variant is.
 */
export async function variantById(db: Database, id: string, pricing: Pricing): Promise<{ market: string | null; variant: Variant | undefined }> {
  const row = await db.get<{ market: string | null; json: string | null }>(sql`SELECT read_market.market_handle AS market,
      (SELECT ${VARIANT_OBJECT} FROM ${variantSource(sql`v.id = ${id}`)}) AS json
    FROM (SELECT 1) AS one LEFT JOIN ${joinMarket(pricing)} ON ${ON_ITS_ROW}`);
  return { market: row?.market ?? null, variant: row?.json ? (JSON.parse(row.json) as Variant) : undefined };
}

/** The outer `products` row's category ids, sorted, as one JSON array. */
const categoryIdsJson = precompiled(
  () => sql<string>`(SELECT json_group_array(pc.category_id) FROM
    (SELECT category_id FROM product_categories WHERE product_id = "products"."id" ORDER BY category_id) AS pc)`,
);

/**
 * The outer `products` row's categories in the order of `categoriesByProductIds` (depth, position,
 * id), each as a JSON object in the shape of `Category`: GraphQL's `Product.categories` without a
 * second statement (REST reads do not select it).
 */
const categoriesJson = precompiled(
  () => sql<string>`(SELECT json_group_array(json_object('id', c.id, 'parentId', c.parent_id, 'name', c.name, 'slug', c.slug,
      'description', c.description, 'depth', c.depth, 'position', c.position, 'createdAt', c.created_at, 'updatedAt', c.updated_at)) FROM
    (SELECT categories.* FROM product_categories INNER JOIN categories ON categories.id = product_categories.category_id
      WHERE product_categories.product_id = "products"."id" ORDER BY categories.depth, categories.position, categories.id) AS c)`,
);

/** A product's categories column (see categoriesJson), for reads that select from `products` (unaliased). */
export const categoriesColumn = () => categoriesJson();

/**
 * What to select next to a `products` row to hydrate it without another query. The statement must
 * select from `products` (unaliased) and join the read's market (`joinMarket(pricing)`).
 */
export function hydrationColumns(options: { basePrices?: boolean } = {}) {
  return { variantsJson: options.basePrices === false ? variantsJson.withoutBasePrices() : variantsJson.withBasePrices(), categoryIdsJson: categoryIdsJson() };
}

/**
 * The columns of hydrationColumns, unpacked but not parsed: the variants and category ids as JSON
 * arrays, and the product's price range in the read's market (the lowest and highest variant price;
 * null when none has one), which is what productMarketColumns' two price subqueries compute, so a
 * hydrated read does not run them. REST writes the arrays into its body as they are (productJson).
 */
export interface Hydration {
  variantsJson: string;
  categoryIdsJson: string;
  priceMin: number | null;
  priceMax: number | null;
}

export function unpackHydration(columns: { variantsJson: string; categoryIdsJson: string }): Hydration {
  const packed = columns.variantsJson;
  const first = packed.indexOf(",");
  const second = packed.indexOf(",", first + 1);
  const amount = (text: string) => (text === "" ? null : Number(text));
  return { variantsJson: packed.slice(second + 1), categoryIdsJson: columns.categoryIdsJson, priceMin: amount(packed.slice(0, first)), priceMax: amount(packed.slice(first + 1, second)) };
}

/** A product record plus its hydration, as the full `Product`. */
export function toProduct(record: ProductRecord, hydration: Hydration): Product {
  return { ...record, variants: JSON.parse(hydration.variantsJson) as Variant[], categoryIds: JSON.parse(hydration.categoryIdsJson) as string[] };
}

/**
 * The JSON text of `toProduct(record, hydration)` without parsing the variants and re-serialising them:
 * the record's own JSON with the arrays SQLite built written in as they are (same keys, same order).
 */
export function productJson(record: ProductRecord, hydration: Hydration): string {
  return `${JSON.stringify(record).slice(0, -1)},"variants":${hydration.variantsJson},"categoryIds":${hydration.categoryIdsJson}}`;
}

/** A `products` row as SQL returns it (`SELECT products.*`), for reads written as plain statements. */
export interface ProductSqlRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  status: ProductRow["status"];
  images: string;
  uploaded_images: string;
  attributes: string;
  tax_class: string;
  price_min: number | null;
  price_max: number | null;
  currency: string | null;
  created_at: string;
  updated_at: string;
}

/** A `products` row as SQL returns it, as drizzle would map it (its JSON columns parsed). */
export function fromSqlRow(r: ProductSqlRow): ProductRow {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    description: r.description,
    status: r.status,
    images: JSON.parse(r.images) as string[],
    uploadedImages: JSON.parse(r.uploaded_images) as ProductRow["uploadedImages"],
    attributes: JSON.parse(r.attributes) as Record<string, string>,
    taxClass: r.tax_class,
    priceMin: r.price_min,
    priceMax: r.price_max,
    currency: r.currency,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
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
    const reason = unsellableReason(status.get(id));
    if (reason) out.set(id, reason);
  }
  return out;
}

/** Why a variant whose product has this status (undefined: the variant is gone) cannot be bought; null when it can. */
export function unsellableReason(productStatus: ProductRow["status"] | undefined): UnsellableReason | null {
  if (productStatus === undefined) return "variant_deleted";
  if (productStatus === "archived") return "product_archived";
  if (productStatus === "draft") return "product_draft";
  return null;
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
