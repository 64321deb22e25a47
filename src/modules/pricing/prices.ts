import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requireAdmin, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { ServiceError } from "../../shared/errors";
import { parseInput } from "../../shared/validation";
import { eventInsert, publishAfterResponse } from "../events";
import { purgeCatalogCache } from "../protection";
import { variantProducts } from "./directory";
import { SetPricesInput, type VariantPrice } from "./schemas";
import { variantPrices } from "./tables";

type PriceRow = typeof variantPrices.$inferSelect;

export function toVariantPrice(row: PriceRow): VariantPrice {
  return { variantId: row.variantId, currency: row.currency, amount: row.amount, compareAtAmount: row.compareAtAmount, updatedAt: row.updatedAt };
}

export interface BasePriceInput {
  variantId: string;
  productId: string;
  currency: string;
  amount: number;
  compareAtAmount: number | null;
}

/**
 * Upserts of base prices, for another module's batch: the catalog writes a new variant's prices in
 * the same batch as the variant.
 */
export function basePriceStatements(db: Database, prices: readonly BasePriceInput[], at: string): BatchItem<"sqlite">[] {
  // 6 bound parameters a row: at most 16 rows per statement (D1 binds at most 100).
  const statements: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < prices.length; i += 16) {
    statements.push(
      db
        .insert(variantPrices)
        .values(prices.slice(i, i + 16).map((p) => ({ ...p, updatedAt: at })))
        .onConflictDoUpdate({
          target: [variantPrices.variantId, variantPrices.currency],
          set: { amount: sql`excluded.amount`, compareAtAmount: sql`excluded.compare_at_amount`, productId: sql`excluded.product_id`, updatedAt: at },
        }),
    );
  }
  return statements;
}

/** Base prices of many variants, every currency, in currency order: one query. */
export async function basePricesOf(db: Database, variantIds: readonly string[]): Promise<Map<string, VariantPrice[]>> {
  if (variantIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(variantPrices)
    .where(sql`${variantPrices.variantId} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(variantIds)])}))`)
    .orderBy(asc(variantPrices.variantId), asc(variantPrices.currency));
  const out = new Map<string, VariantPrice[]>();
  for (const row of rows) out.set(row.variantId, [...(out.get(row.variantId) ?? []), toVariantPrice(row)]);
  return out;
}

export async function listVariantPrices(ctx: ServiceContext, variantId: string): Promise<VariantPrice[]> {
  return (await basePricesOf(ctx.db, [variantId])).get(variantId) ?? [];
}

/** `price.changed` for one variant and currency, in the same batch as the change. */
function priceChanged(ctx: ServiceContext, p: { variantId: string; productId: string; currency: string; amount: number | null; compareAtAmount: number | null }, at: string) {
  return eventInsert(ctx.db, { type: "price.changed", resource: { type: "variant", id: p.variantId }, data: p }, at);
}

/**
 * Set (or, with `amount: null`, remove) base prices: up to 100 variant/currency pairs in one atomic
 * batch, each with its `price.changed` event. Unknown variants or currencies write nothing.
 */
export async function setPrices(ctx: ServiceContext, rawInput: unknown): Promise<VariantPrice[]> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(SetPricesInput, rawInput);
  const products = await variantProducts(ctx.db, input.prices.map((p) => p.variantId));
  const errors = input.prices.flatMap((p, i) => (products.has(p.variantId) ? [] : [{ pointer: `/prices/${i}/variantId`, detail: `Variant '${p.variantId}' does not exist.` }]));
  const seen = new Set<string>();
  input.prices.forEach((p, i) => {
    const key = `${p.variantId}|${p.currency}`;
    if (seen.has(key)) errors.push({ pointer: `/prices/${i}`, detail: "This variant and currency appear twice." });
    seen.add(key);
  });
  if (errors.length > 0) throw new ServiceError("VALIDATION_FAILED", "Some prices cannot be set.", { errors });

  const at = new Date().toISOString();
  const rows = input.prices.map((p) => ({ ...p, productId: products.get(p.variantId)!, compareAtAmount: p.compareAtAmount ?? null }));
  const statements: BatchItem<"sqlite">[] = [
    ...basePriceStatements(ctx.db, rows.flatMap((r) => (r.amount === null ? [] : [{ ...r, amount: r.amount }])), at),
    ...rows.filter((r) => r.amount === null).map((r) => ctx.db.delete(variantPrices).where(and(eq(variantPrices.variantId, r.variantId), eq(variantPrices.currency, r.currency)))),
    ...rows.map((r) => priceChanged(ctx, r, at)),
  ];
  await ctx.db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  publishAfterResponse(ctx);
  ctx.waitUntil(purgeCatalogCache(ctx.env));
  const stored = await ctx.db.select().from(variantPrices).where(inArray(variantPrices.variantId, [...new Set(rows.map((r) => r.variantId))]));
  return stored.filter((s) => seen.has(`${s.variantId}|${s.currency}`)).map(toVariantPrice);
}
