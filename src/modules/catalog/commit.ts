import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { isUniqueViolation } from "../../shared/db-errors";
import { eventInsert, publishAfterResponse } from "../events";
import { basePriceStatements, type BasePriceInput } from "../pricing";
import { existingTaxClasses } from "../tax";
import { purgeCatalogCache } from "../protection";
import { ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { CreateVariantInput } from "./schemas";
import { products, variants } from "./tables";
import { now, categoriesByIds } from "./records";

export function refreshPriceRange(db: Database, productId: string, at: string) {
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

export async function runBatch(db: Database, statements: BatchItem<"sqlite">[]): Promise<void> {
  if (statements.length === 0) return;
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (error) {
    translateConflict(error);
  }
}

export async function assertCategoriesExist(db: Database, ids: string[], pointer: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await categoriesByIds(db, ids);
  const errors = ids.flatMap((id, i) => (found.has(id) ? [] : [{ pointer: `${pointer}/${i}`, detail: `Category '${id}' does not exist.` }]));
  if (errors.length > 0) throw new ServiceError("VALIDATION_FAILED", "Unknown category.", { errors });
}

export function assertVariantSet(input: { sku: string; price: { currency: string } }[], existingCurrency: string | null, pointer: string): void {
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

/** A product's tax class must exist (tax module). */
export async function assertTaxClass(ctx: ServiceContext, handle: string | undefined, pointer: string): Promise<void> {
  if (handle === undefined || (await existingTaxClasses(ctx, [handle])).size > 0) return;
  throw new ServiceError("VALIDATION_FAILED", `Unknown tax class '${handle}'.`, { errors: [{ pointer, detail: "Use standard, reduced, zero or a class created with POST /v1/tax-classes." }] });
}

/**
 * The base prices a variant write carries (`price`, and `prices` in more currencies), as upserts for
 * the pricing module's table in the same batch as the variant.
 */
export function variantPriceStatements(
  db: Database,
  variants: { id: string; productId: string; input: { price?: { amount: number; currency: string } | undefined; compareAtPrice?: { amount: number } | null | undefined; prices?: { amount: number; currency: string; compareAtAmount?: number | null | undefined }[] | undefined } }[],
  at: string,
): BatchItem<"sqlite">[] {
  const rows: BasePriceInput[] = variants.flatMap(({ id, productId, input }) => [
    ...(input.price ? [{ variantId: id, productId, currency: input.price.currency, amount: input.price.amount, compareAtAmount: input.compareAtPrice?.amount ?? null }] : []),
    ...(input.prices ?? []).map((p) => ({ variantId: id, productId, currency: p.currency, amount: p.amount, compareAtAmount: p.compareAtAmount ?? null })),
  ]);
  return basePriceStatements(db, rows, at);
}

export function variantValues(productId: string, v: CreateVariantInput, index: number, at: string) {
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
    weightGrams: parsed.weightGrams ?? null,
    position: parsed.position ?? index,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * Cached public reads (edge cache) must not outlive a committed change. The events consumer also
 * purges on product.* events; this direct call makes the writer's own colo fresh at once.
 */
export function catalogChanged(ctx: ServiceContext, changed: { productId?: string; slug?: string }): void {
  ctx.waitUntil(purgeCatalogCache(ctx.env, changed));
}

/** Product events go in the same batch as the change (transactional outbox). */
export function productEvent(ctx: ServiceContext, type: "product.created" | "product.updated" | "product.deleted", data: Record<string, unknown> & { id: string }, at = now()) {
  return eventInsert(ctx.db, { type, resource: { type: "product", id: data.id }, data }, at);
}

/**
 * Every catalog write ends here: its statements as one atomic batch (constraint violations become
 * 409s), then the outbox relay for the events the batch carried, then the edge cache purge for what
 * changed. Category writes carry no events (`events: false`).
 */
export async function commitCatalogChange(
  ctx: ServiceContext,
  statements: BatchItem<"sqlite">[],
  changed: { productId?: string; slug?: string },
  options: { events: boolean } = { events: true },
): Promise<void> {
  await runBatch(ctx.db, statements);
  if (options.events) publishAfterResponse(ctx);
  catalogChanged(ctx, changed);
}
