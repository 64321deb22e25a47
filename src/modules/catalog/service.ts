import { and, asc, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { isAdmin, requireAdmin, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { isUniqueViolation } from "../../shared/db-errors";
import { eventInsert } from "../events/outbox";
import { availabilityBySkus, skusInStock } from "../inventory";
import { publishAfterResponse } from "../events/relay";
import { purgeCatalogCache } from "../protection";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, encodeCursor, type Page } from "../../shared/pagination";
import { slugify } from "../../shared/schemas";
import { parseInput } from "../../shared/validation";
import {
  CreateCategoryInput,
  CreateProductInput,
  CreateVariantInput,
  ListProductsInput,
  SearchInput,
  UpdateCategoryInput,
  UpdateProductInput,
  UpdateVariantInput,
  type Category,
  type CategoryNode,
  type Product,
  type ProductRecord,
  type SearchHit,
  type Variant,
  type VariantRecord,
} from "./schemas";
import { categories, productCategories, products, variants } from "./tables";

const now = () => new Date().toISOString();
const MAX_CATEGORY_DEPTH = 8;
const D1_MAX_BOUND_PARAMETERS = 100;

// ---------------------------------------------------------------------------------------------
// Row mapping and batch loaders (shared by REST hydration and the GraphQL DataLoaders)

type ProductRow = typeof products.$inferSelect;
type VariantRow = typeof variants.$inferSelect;
type CategoryRow = typeof categories.$inferSelect;

export function toProductRecord(row: ProductRow): ProductRecord {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    status: row.status,
    images: row.images,
    attributes: row.attributes,
    priceRange:
      row.priceMin === null || row.priceMax === null || row.currency === null
        ? null
        : { min: { amount: row.priceMin, currency: row.currency }, max: { amount: row.priceMax, currency: row.currency } },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toVariant(row: VariantRow): VariantRecord {
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

function toCategory(row: CategoryRow): Category {
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
async function withAvailability(db: Database, records: VariantRecord[]): Promise<Variant[]> {
  const availability = await availabilityBySkus(db, records.map((v) => v.sku));
  return records.map((v) => ({ ...v, availability: availability.get(v.sku)! }));
}

/** Attach variants (with availability) and category ids to product records: three queries for any number of products. */
async function hydrate(db: Database, records: ProductRecord[]): Promise<Product[]> {
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

function visibleStatus(ctx: ServiceContext, requested: ProductRecord["status"] | undefined): SQL | undefined {
  if (isAdmin(ctx.actor)) return requested ? eq(products.status, requested) : undefined;
  if (requested && requested !== "active") {
    throw new ServiceError("FORBIDDEN", "Only admins can list products that are not active.");
  }
  return eq(products.status, "active");
}

async function findCategory(db: Database, idOrSlug: string): Promise<CategoryRow | undefined> {
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
function inSubtree(path: string): SQL {
  return sql`(${categories.path} >= ${path} AND ${categories.path} < ${path + "~"})`;
}

const NULL_PRICE_HIGH = sql`coalesce(${products.priceMin}, 9007199254740991)`;
const NULL_PRICE_LOW = sql`coalesce(${products.priceMin}, -1)`;

/** Keyset pagination per sort order: the sort expression, its direction and the row value a cursor holds. */
const sorts = {
  newest: { expr: sql`${products.createdAt}`, dir: "desc", value: (r: ProductRow) => r.createdAt },
  price_asc: { expr: NULL_PRICE_HIGH, dir: "asc", value: (r: ProductRow) => r.priceMin ?? Number.MAX_SAFE_INTEGER },
  price_desc: { expr: NULL_PRICE_LOW, dir: "desc", value: (r: ProductRow) => r.priceMin ?? -1 },
  title_asc: { expr: sql`${products.title}`, dir: "asc", value: (r: ProductRow) => r.title },
} as const;

/** A page of products (records only: callers attach variants and categories their own way). */
export async function listProductRecords(ctx: ServiceContext, rawInput: unknown): Promise<Page<ProductRecord>> {
  const input = parseInput(ListProductsInput, rawInput);
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
  if (input.minPrice !== undefined) where.push(sql`${products.priceMin} >= ${input.minPrice}`);
  if (input.maxPrice !== undefined) where.push(sql`${products.priceMin} <= ${input.maxPrice}`);

  const sort = sorts[input.sort];
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    const op = sort.dir === "asc" ? sql`>` : sql`<`;
    where.push(sql`(${sort.expr} ${op} ${c.v} OR (${sort.expr} = ${c.v} AND ${products.id} ${op} ${c.id}))`);
  }

  const rows = await ctx.db
    .select()
    .from(products)
    .where(and(...where))
    .orderBy(
      sort.dir === "asc" ? asc(sort.expr) : desc(sort.expr),
      sort.dir === "asc" ? asc(products.id) : desc(products.id),
    )
    .limit(input.limit + 1);

  // An empty page may mean an unknown category: only then is it worth a query to tell the two apart.
  if (rows.length === 0 && input.category && !(await findCategory(ctx.db, input.category))) throw notFound("Category", input.category);

  const pageRows = rows.slice(0, input.limit);
  const cursors = pageRows.map((r) => encodeCursor({ v: sort.value(r), id: r.id }));
  return {
    items: pageRows.map(toProductRecord),
    cursors,
    nextCursor: rows.length > input.limit ? (cursors.at(-1) ?? null) : null,
    hasPreviousPage: Boolean(input.cursor),
  };
}

export async function listProducts(ctx: ServiceContext, rawInput: unknown): Promise<Page<Product>> {
  const page = await listProductRecords(ctx, rawInput);
  return { ...page, items: await hydrate(ctx.db, page.items) };
}

export async function getProductRecord(ctx: ServiceContext, idOrSlug: string): Promise<ProductRecord> {
  const row = await ctx.db
    .select()
    .from(products)
    .where(or(eq(products.id, idOrSlug), eq(products.slug, idOrSlug)))
    .get();
  // Drafts and archived products are invisible to the public: a 404, not a 403, so they do not leak.
  if (!row || (row.status !== "active" && !isAdmin(ctx.actor))) throw notFound("Product", idOrSlug);
  return toProductRecord(row);
}

export async function getProduct(ctx: ServiceContext, idOrSlug: string): Promise<Product> {
  const [product] = await hydrate(ctx.db, [await getProductRecord(ctx, idOrSlug)]);
  return product!;
}

export async function getCategory(ctx: ServiceContext, idOrSlug: string): Promise<Category> {
  const row = await findCategory(ctx.db, idOrSlug);
  if (!row) throw notFound("Category", idOrSlug);
  return toCategory(row);
}

/** The whole category tree in one query, children ordered by position then name. */
export async function categoryTree(ctx: ServiceContext): Promise<CategoryNode[]> {
  const rows = await ctx.db.select().from(categories).orderBy(asc(categories.depth), asc(categories.position), asc(categories.name));
  const nodes = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const row of rows) {
    const node: CategoryNode = { ...toCategory(row), children: [] };
    nodes.set(row.id, node);
    const parent = row.parentId ? nodes.get(row.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

// Private-use markers survive FTS5's highlight(); the text is HTML-escaped before they become <mark>.
const MARK_OPEN = "\u{E000}";
const MARK_CLOSE = "\u{E001}";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function markToHtml(text: string): string {
  return escapeHtml(text).replaceAll(MARK_OPEN, "<mark>").replaceAll(MARK_CLOSE, "</mark>");
}

/** Turn free text into an FTS5 query: every word must match, each as a prefix. No operator injection. */
export function toFtsQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, 12)
    .map((w) => `"${w}"*`)
    .join(" ");
}

/** Full-text search over active products, ranked by bm25 (title 10, SKU 5, description 2). */
export async function searchProducts(ctx: ServiceContext, rawInput: unknown): Promise<Page<SearchHit>> {
  const input = parseInput(SearchInput, rawInput);
  const match = toFtsQuery(input.q);
  if (!match) {
    throw new ServiceError("VALIDATION_FAILED", "The query has no searchable words.", {
      errors: [{ pointer: "/q", detail: "Use at least one letter or digit." }],
    });
  }
  const offset = input.cursor ? Number(decodeCursor(input.cursor).v) : 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ServiceError("VALIDATION_FAILED", "The cursor is not valid.", { errors: [{ pointer: "/cursor", detail: "Not a search cursor." }] });
  }

  const rows = await ctx.db.all<ProductSqlRow & { score: number; hl_title: string; hl_description: string }>(sql`
    SELECT p.*, bm25(products_fts, 0.0, 10.0, 2.0, 5.0) AS score,
      highlight(products_fts, 1, ${MARK_OPEN}, ${MARK_CLOSE}) AS hl_title,
      snippet(products_fts, 2, ${MARK_OPEN}, ${MARK_CLOSE}, '…', 24) AS hl_description
    FROM products_fts INNER JOIN products p ON p.id = products_fts.product_id
    WHERE products_fts MATCH ${match} AND p.status = 'active'
    ORDER BY score, p.id
    LIMIT ${input.limit + 1} OFFSET ${offset}`);

  const pageRows = rows.slice(0, input.limit);
  const hydrated = await hydrate(ctx.db, pageRows.map((r) => toProductRecord(fromSqlRow(r))));
  const cursors = pageRows.map((r, i) => encodeCursor({ v: offset + i + 1, id: r.id }));
  return {
    items: pageRows.map((r, i) => ({
      product: hydrated[i]!,
      score: r.score,
      highlights: { title: markToHtml(r.hl_title), description: markToHtml(r.hl_description) },
    })),
    cursors,
    nextCursor: rows.length > input.limit ? (cursors.at(-1) ?? null) : null,
    hasPreviousPage: offset > 0,
  };
}

interface ProductSqlRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  status: ProductRow["status"];
  images: string;
  attributes: string;
  price_min: number | null;
  price_max: number | null;
  currency: string | null;
  created_at: string;
  updated_at: string;
}

function fromSqlRow(r: ProductSqlRow): ProductRow {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    description: r.description,
    status: r.status,
    images: JSON.parse(r.images) as string[],
    attributes: JSON.parse(r.attributes) as Record<string, string>,
    priceMin: r.price_min,
    priceMax: r.price_max,
    currency: r.currency,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

// ---------------------------------------------------------------------------------------------
// Admin writes. Each is one D1 batch (atomic); constraint violations become 409s.

function refreshPriceRange(db: Database, productId: string, at: string) {
  return db
    .update(products)
    .set({
      priceMin: sql`(SELECT min(${variants.priceAmount}) FROM ${variants} WHERE ${variants.productId} = ${productId})`,
      priceMax: sql`(SELECT max(${variants.priceAmount}) FROM ${variants} WHERE ${variants.productId} = ${productId})`,
      currency: sql`(SELECT ${variants.currency} FROM ${variants} WHERE ${variants.productId} = ${productId} LIMIT 1)`,
      updatedAt: at,
    })
    .where(eq(products.id, productId));
}

function translateConflict(error: unknown): never {
  if (isUniqueViolation(error, "products.slug")) throw new ServiceError("CONFLICT", "Another product already uses this slug.", { errors: [{ pointer: "/slug", detail: "Already in use." }] });
  if (isUniqueViolation(error, "variants.sku")) throw new ServiceError("CONFLICT", "Another variant already uses this SKU.", { errors: [{ pointer: "/sku", detail: "Already in use." }] });
  if (isUniqueViolation(error, "categories.slug")) throw new ServiceError("CONFLICT", "Another category already uses this slug.", { errors: [{ pointer: "/slug", detail: "Already in use." }] });
  throw error;
}

async function runBatch(db: Database, statements: BatchItem<"sqlite">[]): Promise<void> {
  if (statements.length === 0) return;
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (error) {
    translateConflict(error);
  }
}

async function assertCategoriesExist(db: Database, ids: string[], pointer: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await categoriesByIds(db, ids);
  const errors = ids.flatMap((id, i) => (found.has(id) ? [] : [{ pointer: `${pointer}/${i}`, detail: `Category '${id}' does not exist.` }]));
  if (errors.length > 0) throw new ServiceError("VALIDATION_FAILED", "Unknown category.", { errors });
}

function assertVariantSet(input: { sku: string; price: { currency: string } }[], existingCurrency: string | null, pointer: string): void {
  const errors: { pointer: string; detail: string }[] = [];
  const seen = new Set<string>();
  const currency = existingCurrency ?? input[0]?.price.currency;
  input.forEach((v, i) => {
    if (seen.has(v.sku.toLowerCase())) errors.push({ pointer: `${pointer}/${i}/sku`, detail: "Duplicate SKU in this request." });
    seen.add(v.sku.toLowerCase());
    if (v.price.currency !== currency) errors.push({ pointer: `${pointer}/${i}/price/currency`, detail: `All variants of a product use one currency (${currency}).` });
  });
  if (errors.length > 0) throw new ServiceError("VALIDATION_FAILED", "The variants are not consistent.", { errors });
}

function variantValues(productId: string, v: CreateVariantInput, index: number, at: string) {
  const parsed = CreateVariantInput.parse(v);
  return {
    id: newId("variant"),
    productId,
    sku: parsed.sku,
    title: parsed.title ?? (Object.values(parsed.options ?? {}).join(" / ") || parsed.sku),
    options: parsed.options ?? {},
    priceAmount: parsed.price.amount,
    currency: parsed.price.currency,
    compareAtAmount: parsed.compareAtPrice?.amount ?? null,
    position: parsed.position ?? index,
    createdAt: at,
    updatedAt: at,
  };
}

export async function createProduct(ctx: ServiceContext, rawInput: unknown): Promise<Product> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(CreateProductInput, rawInput);
  const categoryIds = [...new Set(input.categoryIds ?? [])];
  await assertCategoriesExist(ctx.db, categoryIds, "/categoryIds");
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
    statements.push(refreshPriceRange(ctx.db, id, at));
  }
  statements.push(productEvent(ctx, "product.created", { id, slug, title: input.title, status }, at));
  await runBatch(ctx.db, statements);
  publishAfterResponse(ctx);
  catalogChanged(ctx, { productId: id, slug });
  return getProduct(ctx, id);
}

export async function updateProduct(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Product> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(UpdateProductInput, rawInput);
  const existing = await getProductRecord(ctx, id);
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
  await runBatch(ctx.db, statements);
  publishAfterResponse(ctx);
  catalogChanged(ctx, { productId: existing.id, slug: existing.slug });
  return getProduct(ctx, existing.id);
}

export async function archiveProduct(ctx: ServiceContext, id: string): Promise<Product> {
  return updateProduct(ctx, id, { status: "archived" });
}

export async function deleteProduct(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, "catalog:write");
  const existing = await ctx.db.select({ id: products.id, slug: products.slug }).from(products).where(eq(products.id, id)).get();
  if (!existing) throw notFound("Product", id);
  await runBatch(ctx.db, [ctx.db.delete(products).where(eq(products.id, id)), productEvent(ctx, "product.deleted", existing)]);
  publishAfterResponse(ctx);
  catalogChanged(ctx, { productId: existing.id, slug: existing.slug });
}

/**
 * Cached public reads (edge cache) must not outlive a committed change. The events consumer also
 * purges on product.* events; this direct call makes the writer's own colo fresh at once.
 */
function catalogChanged(ctx: ServiceContext, changed: { productId?: string; slug?: string }): void {
  ctx.waitUntil(purgeCatalogCache(ctx.env, changed));
}

/** Product events go in the same batch as the change (transactional outbox). */
function productEvent(ctx: ServiceContext, type: "product.created" | "product.updated" | "product.deleted", data: Record<string, unknown> & { id: string }, at = now()) {
  return eventInsert(ctx.db, { type, resource: { type: "product", id: data.id }, data }, at);
}

async function getVariantRow(db: Database, id: string): Promise<VariantRow> {
  const row = await db.select().from(variants).where(eq(variants.id, id)).get();
  if (!row) throw notFound("Variant", id);
  return row;
}

export async function getVariant(ctx: ServiceContext, id: string): Promise<Variant> {
  const [variant] = await withAvailability(ctx.db, [toVariant(await getVariantRow(ctx.db, id))]);
  return variant!;
}

export async function createVariant(ctx: ServiceContext, productId: string, rawInput: unknown): Promise<Variant> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(CreateVariantInput, rawInput);
  const product = await getProductRecord(ctx, productId);
  assertVariantSet([input], product.priceRange?.min.currency ?? null, "");
  const at = now();
  const values = variantValues(product.id, input, input.position ?? 0, at);
  await runBatch(ctx.db, [
    ctx.db.insert(variants).values(values),
    refreshPriceRange(ctx.db, product.id, at),
    productEvent(ctx, "product.updated", { id: product.id, changed: ["variants"], variantId: values.id }, at),
  ]);
  publishAfterResponse(ctx);
  catalogChanged(ctx, { productId: product.id, slug: product.slug });
  return getVariant(ctx, values.id);
}

export async function updateVariant(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Variant> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(UpdateVariantInput, rawInput);
  const existing = await getVariantRow(ctx.db, id);
  if (input.price && input.price.currency !== existing.currency) {
    const siblings = await ctx.db.select({ id: variants.id }).from(variants).where(eq(variants.productId, existing.productId)).limit(2);
    if (siblings.length > 1) {
      throw new ServiceError("VALIDATION_FAILED", "All variants of a product use one currency.", {
        errors: [{ pointer: "/price/currency", detail: `Use ${existing.currency}.` }],
      });
    }
  }
  const at = now();
  await runBatch(ctx.db, [
    ctx.db
      .update(variants)
      .set({
        ...(input.sku !== undefined && { sku: input.sku }),
        ...(input.title !== undefined && { title: input.title }),
        ...(input.options !== undefined && { options: input.options }),
        ...(input.price !== undefined && { priceAmount: input.price.amount, currency: input.price.currency }),
        ...(input.compareAtPrice !== undefined && { compareAtAmount: input.compareAtPrice?.amount ?? null }),
        ...(input.position !== undefined && { position: input.position }),
        updatedAt: at,
      })
      .where(eq(variants.id, id)),
    refreshPriceRange(ctx.db, existing.productId, at),
    productEvent(ctx, "product.updated", { id: existing.productId, changed: ["variants"], variantId: id }, at),
  ]);
  publishAfterResponse(ctx);
  catalogChanged(ctx, { productId: existing.productId });
  return getVariant(ctx, id);
}

export async function deleteVariant(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, "catalog:write");
  const existing = await getVariantRow(ctx.db, id);
  const at = now();
  await runBatch(ctx.db, [
    ctx.db.delete(variants).where(eq(variants.id, id)),
    refreshPriceRange(ctx.db, existing.productId, at),
    productEvent(ctx, "product.updated", { id: existing.productId, changed: ["variants"], variantId: id }, at),
  ]);
  publishAfterResponse(ctx);
  catalogChanged(ctx, { productId: existing.productId });
}

export async function createCategory(ctx: ServiceContext, rawInput: unknown): Promise<Category> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(CreateCategoryInput, rawInput);
  const parent = input.parentId ? await findCategory(ctx.db, input.parentId) : undefined;
  if (input.parentId && !parent) {
    throw new ServiceError("VALIDATION_FAILED", "Unknown parent category.", { errors: [{ pointer: "/parentId", detail: `Category '${input.parentId}' does not exist.` }] });
  }
  const depth = parent ? parent.depth + 1 : 0;
  if (depth >= MAX_CATEGORY_DEPTH) {
    throw new ServiceError("VALIDATION_FAILED", `Categories nest at most ${MAX_CATEGORY_DEPTH} levels.`, { errors: [{ pointer: "/parentId", detail: "Too deep." }] });
  }
  const id = newId("category");
  const at = now();
  await runBatch(ctx.db, [
    ctx.db.insert(categories).values({
      id,
      parentId: parent?.id ?? null,
      name: input.name,
      slug: input.slug ?? slugify(input.name),
      description: input.description ?? null,
      path: `${parent?.path ?? "/"}${id}/`,
      depth,
      position: input.position ?? 0,
      createdAt: at,
      updatedAt: at,
    }),
  ]);
  catalogChanged(ctx, {});
  return getCategory(ctx, id);
}

export async function updateCategory(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Category> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(UpdateCategoryInput, rawInput);
  const existing = await findCategory(ctx.db, id);
  if (!existing || existing.id !== id) throw notFound("Category", id);
  const at = now();
  const { parentId, ...fields } = input;
  const statements: BatchItem<"sqlite">[] = [];

  if (parentId !== undefined && parentId !== existing.parentId) {
    const parent = parentId ? await findCategory(ctx.db, parentId) : undefined;
    if (parentId && !parent) {
      throw new ServiceError("VALIDATION_FAILED", "Unknown parent category.", { errors: [{ pointer: "/parentId", detail: `Category '${parentId}' does not exist.` }] });
    }
    if (parent && parent.path.startsWith(existing.path)) {
      throw new ServiceError("CONFLICT", "A category cannot move under itself or its descendants.", { errors: [{ pointer: "/parentId", detail: "Would create a cycle." }] });
    }
    const newPath = `${parent?.path ?? "/"}${existing.id}/`;
    const depthDelta = (parent ? parent.depth + 1 : 0) - existing.depth;
    // Re-root the whole subtree (this category and its descendants) in the same batch.
    statements.push(
      ctx.db
        .update(categories)
        .set({
          path: sql`${newPath} || substr(${categories.path}, ${existing.path.length + 1})`,
          depth: sql`${categories.depth} + ${depthDelta}`,
        })
        .where(inSubtree(existing.path)),
    );
    statements.push(ctx.db.update(categories).set({ parentId: parent?.id ?? null }).where(eq(categories.id, id)));
  }
  statements.push(ctx.db.update(categories).set({ ...fields, updatedAt: at }).where(eq(categories.id, id)));
  await runBatch(ctx.db, statements);
  catalogChanged(ctx, {});
  return getCategory(ctx, id);
}

export async function deleteCategory(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, "catalog:write");
  const child = await ctx.db.select({ id: categories.id }).from(categories).where(eq(categories.parentId, id)).get();
  if (child) throw new ServiceError("CONFLICT", "Move or delete the subcategories first.");
  const deleted = await ctx.db.delete(categories).where(eq(categories.id, id)).returning({ id: categories.id });
  if (deleted.length === 0) throw notFound("Category", id);
  catalogChanged(ctx, {});
}
