import { and, eq, or, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { isAdmin, requireAdmin, type ServiceContext } from "../../context";
import { skusInStock } from "../inventory";
import { notFound } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, type Page, pageOf, withItems } from "../../shared/pagination";
import { slugify } from "../../shared/schemas";
import { parseInput } from "../../shared/validation";
import { precompiled } from "../../db/precompiled";
import { CreateProductInput, ListProductsInput, UpdateProductInput, type Category, type Product, type ProductRecord } from "./schemas";
import { categories, productCategories, products, variants } from "./tables";
import { refreshPriceRange, productEvent, assertCategoriesExist, assertTaxClass, assertVariantSet, variantPriceStatements, variantValues, commitCatalogChange } from "./commit";
import { now, D1_MAX_BOUND_PARAMETERS, type ProductRow, type ProductSqlRow, fromSqlRow, toProductRecord, visibleStatus, findCategory, hydrationColumns, categoriesColumn, productJson, toProduct, unpackHydration, type Hydration } from "./records";
import { deleteProductImageObjects } from "./images";
import { findMarket } from "../pricing";
import { joinMarket, pricingOf, ON_ITS_ROW, productMarketColumns, productMarketPriceMin, unknownMarket, type Pricing, type ProductMarketValues } from "./market";

/** A read product: its row and market values, hydrated with its variants and category ids (unpacked, not parsed), and its categories' JSON when asked for. */
type ListedRow = { row: ProductRow } & ProductMarketValues & { hydration?: Hydration; categoriesJson?: string };

/**
 * What a hydrated read brings besides variants and category ids. `categories`: each product's
 * categories as `Category` objects (in categoriesByProductIds' order), in the same statement:
 * GraphQL's `Product.categories` then needs no loader query. REST reads do not ask for them.
 */
export interface HydrationOptions {
  categories?: boolean;
  /**
   * `false`: each variant's `prices` (its base price in every currency, before price lists) is left
   * empty, for GraphQL reads whose selection does not ask for it. REST reads always bring it.
   */
  basePrices?: boolean;
}

/** A hydrated product, with its categories when the read asked for them (HydrationOptions). */
export type HydratedProduct = Product & { categories?: Category[] };

/**
 * What a product read's statement returns, by column name: the row, the market's values and either
 * the price range (records) or the hydration columns, whose variants give the range (unpackHydration).
 */
export type SelectedRow = ProductSqlRow & {
  market_handle: string;
  market_currency: string;
  market_prices_include_tax: number;
  market_price_min?: number | null;
  market_price_max?: number | null;
  variants_json?: string;
  category_ids_json?: string;
  categories_json?: string;
};

const NULL_PRICE_HIGH = precompiled(() => sql`coalesce(${productMarketPriceMin()}, 9007199254740991)`);

const NULL_PRICE_LOW = precompiled(() => sql`coalesce(${productMarketPriceMin()}, -1)`);

/** Keyset pagination per sort order: the sort expression, its direction and the row value a cursor holds. Prices are the read market's. */
const sorts = {
  newest: { expr: () => sql`${products.createdAt}`, dir: "desc", value: (r: ListedRow) => r.row.createdAt },
  price_asc: { expr: NULL_PRICE_HIGH, dir: "asc", value: (r: ListedRow) => r.marketPriceMin ?? Number.MAX_SAFE_INTEGER },
  price_desc: { expr: NULL_PRICE_LOW, dir: "desc", value: (r: ListedRow) => r.marketPriceMin ?? -1 },
  title_asc: { expr: () => sql`${products.title}`, dir: "asc", value: (r: ListedRow) => r.row.title },
} as const;

/**
 * What a product read selects, as constant SQL (rendered once per isolate, db/precompiled.ts): the
 * row and the joined market's values, then either its price range (records) or, hydrated, its variants
 * and category ids, whose prices give the range, so the two price subqueries are not run. Catalog reads
 * are plain statements mapped by hand (fromSqlRow), not drizzle's builder: building and mapping the
 * query was a fifth of a listing's CPU (docs/performance.md).
 */
const productColumns = (extra: () => SQL) =>
  precompiled(() => {
    const m = productMarketColumns;
    return sql`"products".*, ${m.marketHandle} AS market_handle, ${m.marketCurrency} AS market_currency,
    ${m.marketPricesIncludeTax} AS market_prices_include_tax, ${extra()}`;
  });
const RECORD_COLUMNS = productColumns(() => sql`${productMarketColumns.marketPriceMin} AS market_price_min, ${productMarketColumns.marketPriceMax} AS market_price_max`);

const hydratedColumnsOf = (categories: boolean, basePrices: boolean) =>
  productColumns(() => {
    const h = hydrationColumns({ basePrices });
    return sql`${h.variantsJson} AS variants_json, ${h.categoryIdsJson} AS category_ids_json${categories ? sql`, ${categoriesColumn()} AS categories_json` : sql``}`;
  });
const HYDRATED_COLUMNS = [hydratedColumnsOf(false, true), hydratedColumnsOf(true, true), hydratedColumnsOf(false, false), hydratedColumnsOf(true, false)] as const;

/**
 * A hydrated product's columns (a `SelectedRow`; hydratedProduct maps it), with its categories when
 * `options.categories` and without its variants' base prices when `options.basePrices` is false, for
 * statements over `products` that join the read's market.
 */
export const hydratedProductColumns = (options: HydrationOptions = {}) => HYDRATED_COLUMNS[(options.categories ? 1 : 0) + (options.basePrices === false ? 2 : 0)]!();

/** A product read's statement: the selection, the read's market joined (one row, or none when unknown), then `rest`. `hydrated` null: records only. */
function productRead(pricing: Pricing, hydrated: HydrationOptions | null, rest: SQL): SQL {
  return sql`SELECT ${hydrated ? hydratedProductColumns(hydrated) : RECORD_COLUMNS()} FROM "products" INNER JOIN ${joinMarket(pricing)} ON ${ON_ITS_ROW} ${rest}`;
}

/** A selected row as a read product, with its hydration unpacked and its price range known. */
function toListed(r: SelectedRow): ListedRow {
  const market = { marketHandle: r.market_handle, marketCurrency: r.market_currency, marketPricesIncludeTax: r.market_prices_include_tax };
  if (r.variants_json === undefined || r.category_ids_json === undefined) {
    return { row: fromSqlRow(r), ...market, marketPriceMin: r.market_price_min ?? null, marketPriceMax: r.market_price_max ?? null };
  }
  const hydration = unpackHydration({ variantsJson: r.variants_json, categoryIdsJson: r.category_ids_json });
  const listed: ListedRow = { row: fromSqlRow(r), ...market, marketPriceMin: hydration.priceMin, marketPriceMax: hydration.priceMax, hydration };
  if (r.categories_json !== undefined) listed.categoriesJson = r.categories_json;
  return listed;
}

/** A listed product as a record, or hydrated as a `Product` (with its categories when they were read). */
function fromListed({ row, hydration, categoriesJson, ...market }: ListedRow): ProductRecord | HydratedProduct {
  const record = toProductRecord(row, market);
  if (!hydration) return record;
  const product: HydratedProduct = toProduct(record, hydration);
  if (categoriesJson !== undefined) product.categories = JSON.parse(categoriesJson) as Category[];
  return product;
}

/** A row selected with hydratedProductColumns as the full `Product` (with its categories when selected). */
export function hydratedProduct(row: SelectedRow): HydratedProduct {
  return fromListed(toListed(row)) as HydratedProduct;
}

/** A hydrated listed product as the JSON text of its `Product` (see productJson). */
function listedJson({ row, hydration, categoriesJson: _categories, ...market }: ListedRow): string {
  return productJson(toProductRecord(row, market), hydration!);
}

/**
 * A page of products in one statement, priced in the read's market (joined into the statement). With
 * `hydrated` each product comes with its variants (with availability and market prices) and category
 * ids (a `Product`); without, records only (GraphQL, when no variant is asked for, attaches relations
 * its own way).
 */
export async function listProductRecords(ctx: ServiceContext, rawInput: unknown): Promise<Page<ProductRecord>> {
  const page = await listPage(ctx, rawInput, null);
  return withItems(page, page.items.map(fromListed));
}

export async function listProducts(ctx: ServiceContext, rawInput: unknown, options: HydrationOptions = {}): Promise<Page<HydratedProduct>> {
  const page = await listPage(ctx, rawInput, options);
  return withItems(page, page.items.map(fromListed) as HydratedProduct[]);
}

/**
 * listProducts' page with each product as its JSON text (REST writes them into its body): the same
 * values, but the variants SQLite serialised are not parsed and serialised again (docs/performance.md).
 */
export async function listProductsJson(ctx: ServiceContext, rawInput: unknown): Promise<Page<string>> {
  const page = await listPage(ctx, rawInput, {});
  return withItems(page, page.items.map(listedJson));
}

async function listPage(ctx: ServiceContext, rawInput: unknown, hydrated: HydrationOptions | null): Promise<Page<ListedRow>> {
  const input = parseInput(ListProductsInput, rawInput);
  const pricing = pricingOf(ctx, input.market);
  const where: (SQL | undefined)[] = [visibleStatus(ctx, input.status)];

  if (input.category) {
    // The category's path is looked up inside the same statement: filtering costs no extra query.
    const path = sql`(SELECT ${categories.path} FROM ${categories} WHERE ${categories.id} = ${input.category} OR ${categories.slug} = ${input.category})`;
    where.push(
      sql`${products.id} IN (SELECT ${productCategories.productId} FROM ${productCategories}
          INNER JOIN ${categories} ON ${categories.id} = ${productCategories.categoryId}
          WHERE ${categories.path} >= ${path} AND ${categories.path} < ${path} || '~')`,
    );
  }
  if (input.inStock !== undefined) {
    const inStock = sql`${products.id} IN (SELECT ${variants.productId} FROM ${variants} WHERE ${variants.sku} IN (${skusInStock()}))`;
    where.push(input.inStock ? inStock : sql`NOT (${inStock})`);
  }
  if (input.minPrice !== undefined) where.push(sql`${productMarketPriceMin()} >= ${input.minPrice}`);
  if (input.maxPrice !== undefined) where.push(sql`${productMarketPriceMin()} <= ${input.maxPrice}`);

  const sort = sorts[input.sort];
  const sortExpr = sort.expr();
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    const op = sort.dir === "asc" ? sql`>` : sql`<`;
    where.push(sql`(${sortExpr} ${op} ${c.v} OR (${sortExpr} = ${c.v} AND ${products.id} ${op} ${c.id}))`);
  }

  const condition = and(...where);
  const dir = sql.raw(sort.dir === "asc" ? "ASC" : "DESC");
  // The market is joined into the statement (one row, or none for an unknown market).
  const selected = await ctx.db.all<SelectedRow>(
    productRead(pricing, hydrated, sql`${condition ? sql`WHERE ${condition}` : sql``} ORDER BY ${sortExpr} ${dir}, ${products.id} ${dir} LIMIT ${input.limit + 1}`),
  );
  const rows = selected.map(toListed);

  // An empty page may mean an unknown market or category: only then is it worth a query to tell them apart.
  if (rows.length === 0 && pricing.market && !(await findMarket(ctx, pricing.market))) throw unknownMarket(pricing);
  if (rows.length === 0 && input.category && !(await findCategory(ctx.db, input.category))) throw notFound("Category", input.category);

  return pageOf(rows, input.limit, (r) => ({ v: sort.value(r), id: r.row.id }), Boolean(input.cursor));
}

/** One product priced in a market (`market`, else the request's X-Market, else the default). */
export async function getProductRecord(ctx: ServiceContext, idOrSlug: string, market?: string | null): Promise<ProductRecord> {
  return productIn(ctx, idOrSlug, pricingOf(ctx, market), null);
}

/** A product with its variants (with availability and market prices) and category ids (and categories, when asked), in one statement. */
export async function getProduct(ctx: ServiceContext, idOrSlug: string, market?: string | null, options: HydrationOptions = {}): Promise<HydratedProduct> {
  return (await productIn(ctx, idOrSlug, pricingOf(ctx, market), options)) as HydratedProduct;
}

async function productIn(ctx: ServiceContext, idOrSlug: string, pricing: Pricing, hydrated: HydrationOptions | null): Promise<ProductRecord | HydratedProduct> {
  const found = await ctx.db.get<SelectedRow | undefined>(productRead(pricing, hydrated, sql`WHERE ${or(eq(products.id, idOrSlug), eq(products.slug, idOrSlug))} LIMIT 1`));
  if (!found && pricing.market && !(await findMarket(ctx, pricing.market))) throw unknownMarket(pricing);
  // Drafts and archived products are invisible to the public: a 404, not a 403, so they do not leak.
  if (!found || (found.status !== "active" && !isAdmin(ctx.actor))) throw notFound("Product", idOrSlug);
  return fromListed(toListed(found));
}

export async function createProduct(ctx: ServiceContext, rawInput: unknown): Promise<Product> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(CreateProductInput, rawInput);
  const categoryIds = [...new Set(input.categoryIds ?? [])];
  await assertCategoriesExist(ctx.db, categoryIds, "/categoryIds");
  await assertTaxClass(ctx, input.taxClass, "/taxClass");
  assertVariantSet(input.variants ?? [], null, "/variants");

  const at = now();
  const id = newId("product");
  const slug = input.slug ?? slugify(input.title);
  const status = input.status ?? "draft";
  const statements: BatchItem<"sqlite">[] = [
    ctx.db.insert(products).values({
      id,
      slug,
      title: input.title,
      description: input.description ?? "",
      status,
      images: input.images ?? [],
      attributes: input.attributes ?? {},
      taxClass: input.taxClass ?? "standard",
      createdAt: at,
      updatedAt: at,
    }),
  ];
  if (categoryIds.length > 0) statements.push(ctx.db.insert(productCategories).values(categoryIds.map((categoryId) => ({ productId: id, categoryId }))));
  if (input.variants?.length) {
    // D1 binds at most 100 parameters per statement: insert variants in chunks that stay under it.
    const rows = input.variants.map((v, i) => variantValues(id, v, i, at));
    const perStatement = Math.floor(D1_MAX_BOUND_PARAMETERS / Object.keys(rows[0]!).length);
    for (let i = 0; i < rows.length; i += perStatement) statements.push(ctx.db.insert(variants).values(rows.slice(i, i + perStatement)));
    statements.push(...variantPriceStatements(ctx.db, rows.map((row, i) => ({ id: row.id, productId: id, input: input.variants![i]! })), at));
    statements.push(refreshPriceRange(ctx.db, id, at));
  }
  statements.push(productEvent(ctx, "product.created", { id, slug, title: input.title, status }, at));
  await commitCatalogChange(ctx, statements, { productId: id, slug });
  return getProduct(ctx, id);
}

export async function updateProduct(ctx: ServiceContext, idOrSlug: string, rawInput: unknown): Promise<Product> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(UpdateProductInput, rawInput);
  const existing = await getProductRecord(ctx, idOrSlug);
  await assertTaxClass(ctx, input.taxClass, "/taxClass");
  const at = now();
  const { categoryIds, ...fields } = input;
  const statements: BatchItem<"sqlite">[] = [ctx.db.update(products).set({ ...fields, updatedAt: at }).where(eq(products.id, existing.id))];
  if (categoryIds) {
    const unique = [...new Set(categoryIds)];
    await assertCategoriesExist(ctx.db, unique, "/categoryIds");
    statements.push(ctx.db.delete(productCategories).where(eq(productCategories.productId, existing.id)));
    if (unique.length > 0) statements.push(ctx.db.insert(productCategories).values(unique.map((categoryId) => ({ productId: existing.id, categoryId }))));
  }
  statements.push(productEvent(ctx, "product.updated", { id: existing.id, changed: Object.keys(input).sort() }, at));
  await commitCatalogChange(ctx, statements, { productId: existing.id, slug: existing.slug });
  return getProduct(ctx, existing.id);
}

export async function archiveProduct(ctx: ServiceContext, idOrSlug: string): Promise<Product> {
  return updateProduct(ctx, idOrSlug, { status: "archived" });
}

export async function deleteProduct(ctx: ServiceContext, idOrSlug: string): Promise<void> {
  requireAdmin(ctx.actor, "catalog:write");
  const existing = await ctx.db
    .select({ id: products.id, slug: products.slug })
    .from(products)
    .where(or(eq(products.id, idOrSlug), eq(products.slug, idOrSlug)))
    .get();
  if (!existing) throw notFound("Product", idOrSlug);
  await commitCatalogChange(ctx, [ctx.db.delete(products).where(eq(products.id, existing.id)), productEvent(ctx, "product.deleted", existing)], { productId: existing.id, slug: existing.slug });
  // Its uploaded images go with it (after the response; an object left behind is only storage).
  ctx.waitUntil(deleteProductImageObjects(ctx.env.IMAGES_BUCKET, existing.id));
}
