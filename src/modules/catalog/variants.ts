import { eq } from "drizzle-orm";
import { requireAdmin, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { notFound, ServiceError } from "../../shared/errors";
import { parseInput } from "../../shared/validation";
import { CreateVariantInput, UpdateVariantInput, type Variant } from "./schemas";
type ParsedVariantUpdate = ReturnType<typeof UpdateVariantInput.parse>;
import { products, variants } from "./tables";
import { hasStockHistory } from "../inventory";
import { refreshPriceRange, productEvent, assertVariantSet, variantPriceStatements, variantValues, commitCatalogChange } from "./commit";
import { getProductRecord } from "./products";
import { pricingOf, unknownMarket } from "./market";
import { now, type VariantRow, variantById } from "./records";

async function getVariantRow(db: Database, id: string): Promise<VariantRow> {
  const row = await db.select().from(variants).where(eq(variants.id, id)).get();
  if (!row) throw notFound("Variant", id);
  return row;
}

/** A variant with its availability, priced in the request's market (X-Market, else the default), in one statement. */
export async function getVariant(ctx: ServiceContext, id: string): Promise<Variant> {
  const pricing = pricingOf(ctx, null);
  const { market, variant } = await variantById(ctx.db, id, pricing);
  if (market === null) throw unknownMarket(pricing);
  if (!variant) throw notFound("Variant", id);
  return variant;
}

export async function createVariant(ctx: ServiceContext, productId: string, rawInput: unknown): Promise<Variant> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(CreateVariantInput, rawInput);
  const product = await getProductRecord(ctx, productId);
  const primary = await ctx.db.select({ currency: products.currency }).from(products).where(eq(products.id, product.id)).get();
  assertVariantSet([input], primary?.currency ?? null, "");
  const at = now();
  const values = variantValues(product.id, input, input.position ?? 0, at);
  await commitCatalogChange(ctx, [
    ctx.db.insert(variants).values(values),
    ...variantPriceStatements(ctx.db, [{ id: values.id, productId: product.id, input }], at),
    refreshPriceRange(ctx.db, product.id, at),
    productEvent(ctx, "product.updated", { id: product.id, changed: ["variants"], variantId: values.id }, at),
  ], { productId: product.id, slug: product.slug });
  return getVariant(ctx, values.id);
}

export async function updateVariant(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Variant> {
  requireAdmin(ctx.actor, "catalog:write");
  const input = parseInput(UpdateVariantInput, rawInput);
  const existing = await getVariantRow(ctx.db, id);
  if (input.sku !== undefined && input.sku !== existing.sku && (await hasStockHistory(ctx.env, existing.sku))) {
    // Stock, holds, sales and the ledger live under the SKU (one inventory object per SKU name): a renamed SKU
    // would start empty while the old name kept units nobody could read or sell.
    throw new ServiceError("CONFLICT", `SKU '${existing.sku}' has stock history, which stays with the SKU; add a variant with the new SKU instead (and set this one's stock to 0).`, {
      errors: [{ pointer: "/sku", detail: "A SKU with stock history cannot be renamed." }],
      extra: { sku: existing.sku },
    });
  }
  if (input.price && input.price.currency !== existing.currency) {
    const siblings = await ctx.db.select({ id: variants.id }).from(variants).where(eq(variants.productId, existing.productId)).limit(2);
    if (siblings.length > 1) {
      throw new ServiceError("VALIDATION_FAILED", "All variants of a product use one currency.", {
        errors: [{ pointer: "/price/currency", detail: `Use ${existing.currency}.` }],
      });
    }
  }
  const at = now();
  await commitCatalogChange(ctx, [
    ctx.db
      .update(variants)
      .set({
        ...(input.sku !== undefined && { sku: input.sku }),
        ...(input.title !== undefined && { title: input.title }),
        ...(input.options !== undefined && { options: input.options }),
        ...(input.price !== undefined && { priceAmount: input.price.amount, currency: input.price.currency }),
        ...(input.compareAtPrice !== undefined && { compareAtAmount: input.compareAtPrice?.amount ?? null }),
        ...(input.weightGrams !== undefined && { weightGrams: input.weightGrams }),
        ...(input.position !== undefined && { position: input.position }),
        updatedAt: at,
      })
      .where(eq(variants.id, id)),
    ...variantPriceStatements(ctx.db, [{ id, productId: existing.productId, input: pricesOfUpdate(existing, input) }], at),
    refreshPriceRange(ctx.db, existing.productId, at),
    productEvent(ctx, "product.updated", { id: existing.productId, changed: ["variants"], variantId: id }, at),
  ], { productId: existing.productId });
  return getVariant(ctx, id);
}

/** The base prices an update sets: `price` and/or `compareAtPrice` (each completed from the row), and `prices`. */
function pricesOfUpdate(existing: VariantRow, input: ParsedVariantUpdate) {
  const touchesPrice = input.price !== undefined || input.compareAtPrice !== undefined;
  return {
    prices: input.prices,
    ...(touchesPrice && {
      price: input.price ?? { amount: existing.priceAmount, currency: existing.currency },
      compareAtPrice: input.compareAtPrice !== undefined ? input.compareAtPrice : existing.compareAtAmount === null ? null : { amount: existing.compareAtAmount },
    }),
  };
}

export async function deleteVariant(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, "catalog:write");
  const existing = await getVariantRow(ctx.db, id);
  const at = now();
  await commitCatalogChange(ctx, [
    ctx.db.delete(variants).where(eq(variants.id, id)),
    refreshPriceRange(ctx.db, existing.productId, at),
    productEvent(ctx, "product.updated", { id: existing.productId, changed: ["variants"], variantId: id }, at),
  ], { productId: existing.productId });
}
