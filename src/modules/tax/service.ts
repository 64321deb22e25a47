import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import { PRICING_READ_SCOPES, requireAdmin, requireAnyScope, type ServiceContext } from "../../context";
import { isUniqueViolation } from "../../shared/db-errors";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, pageOf, type Page } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import {
  BUILT_IN_TAX_CLASSES,
  CreateTaxClassInput,
  CreateTaxRateInput,
  ListTaxRatesInput,
  UpdateTaxClassInput,
  UpdateTaxRateInput,
  type TaxClass,
  type TaxRate,
} from "./schemas";
import { taxClasses, taxRates } from "./tables";

const now = () => new Date().toISOString();

type ClassRow = typeof taxClasses.$inferSelect;
type RateRow = typeof taxRates.$inferSelect;

function toTaxClass(row: ClassRow): TaxClass {
  return { ...row, builtIn: (BUILT_IN_TAX_CLASSES as readonly string[]).includes(row.handle) };
}

function toTaxRate(row: RateRow): TaxRate {
  return {
    id: row.id,
    country: row.country,
    region: row.region || null,
    postalPrefix: row.postalPrefix || null,
    taxClass: row.taxClass,
    rate: row.rateBp,
    name: row.name,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Tax classes

export async function listTaxClasses(ctx: ServiceContext): Promise<TaxClass[]> {
  const rows = await ctx.db.select().from(taxClasses).orderBy(asc(taxClasses.createdAt), asc(taxClasses.handle));
  return rows.map(toTaxClass);
}

/** Which of these handles are tax classes: for other modules validating a product's class. */
export async function existingTaxClasses(ctx: Pick<ServiceContext, "db">, handles: readonly string[]): Promise<Set<string>> {
  if (handles.length === 0) return new Set();
  const rows = await ctx.db.select({ handle: taxClasses.handle }).from(taxClasses).where(inArray(taxClasses.handle, [...new Set(handles)]));
  return new Set(rows.map((r) => r.handle));
}

export async function createTaxClass(ctx: ServiceContext, rawInput: unknown): Promise<TaxClass> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(CreateTaxClassInput, rawInput);
  const at = now();
  try {
    const [row] = await ctx.db.insert(taxClasses).values({ handle: input.handle, name: input.name, createdAt: at, updatedAt: at }).returning();
    return toTaxClass(row!);
  } catch (error) {
    if (isUniqueViolation(error, "tax_classes.handle")) throw new ServiceError("CONFLICT", `Tax class '${input.handle}' exists.`, { errors: [{ pointer: "/handle", detail: "Already in use." }] });
    throw error;
  }
}

export async function updateTaxClass(ctx: ServiceContext, handle: string, rawInput: unknown): Promise<TaxClass> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(UpdateTaxClassInput, rawInput);
  const [row] = await ctx.db.update(taxClasses).set({ name: input.name, updatedAt: now() }).where(eq(taxClasses.handle, handle)).returning();
  if (!row) throw notFound("Tax class", handle);
  return toTaxClass(row);
}

/**
 * Built-in classes stay; a class with rates must lose its rates first (409). Products still naming a
 * deleted class are taxed as `standard` (docs/pricing.md).
 */
export async function deleteTaxClass(ctx: ServiceContext, handle: string): Promise<void> {
  requireAdmin(ctx.actor, "pricing:write");
  if ((BUILT_IN_TAX_CLASSES as readonly string[]).includes(handle)) throw new ServiceError("CONFLICT", `'${handle}' is a built-in tax class and cannot be deleted.`);
  try {
    const deleted = await ctx.db.delete(taxClasses).where(eq(taxClasses.handle, handle)).returning({ handle: taxClasses.handle });
    if (deleted.length === 0) throw notFound("Tax class", handle);
  } catch (error) {
    if (error instanceof Error && /FOREIGN KEY constraint failed/.test(String(error.cause ?? error.message))) {
      throw new ServiceError("CONFLICT", `Tax class '${handle}' still has rates; delete them first.`);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Tax rates

export async function listTaxRates(ctx: ServiceContext, rawInput: unknown = {}): Promise<Page<TaxRate>> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  const input = parseInput(ListTaxRatesInput, rawInput);
  const where: (SQL | undefined)[] = [
    input.country ? eq(taxRates.country, input.country) : undefined,
    input.taxClass ? eq(taxRates.taxClass, input.taxClass) : undefined,
    input.cursor ? gt(taxRates.id, decodeCursor(input.cursor).id) : undefined,
  ];
  const rows = await ctx.db.select().from(taxRates).where(and(...where)).orderBy(asc(taxRates.id)).limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: null, id: r.id }), Boolean(input.cursor));
  return { ...page, items: page.items.map(toTaxRate) };
}

export async function getTaxRate(ctx: ServiceContext, id: string): Promise<TaxRate> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  const row = await ctx.db.select().from(taxRates).where(eq(taxRates.id, id)).get();
  if (!row) throw notFound("Tax rate", id);
  return toTaxRate(row);
}

const sameScope = (pointer: string) =>
  new ServiceError("CONFLICT", "A rate for this class in this place exists; change it instead.", { errors: [{ pointer, detail: "Already has a rate." }] });

export async function createTaxRate(ctx: ServiceContext, rawInput: unknown): Promise<TaxRate> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(CreateTaxRateInput, rawInput);
  if ((await existingTaxClasses(ctx, [input.taxClass])).size === 0) {
    throw new ServiceError("VALIDATION_FAILED", `Unknown tax class '${input.taxClass}'.`, { errors: [{ pointer: "/taxClass", detail: "Create the tax class first." }] });
  }
  const at = now();
  try {
    const [row] = await ctx.db
      .insert(taxRates)
      .values({
        id: newId("taxRate"),
        country: input.country,
        region: input.region?.toUpperCase() ?? "",
        postalPrefix: input.postalPrefix?.replace(/[\s-]/g, "").toUpperCase() ?? "",
        taxClass: input.taxClass,
        rateBp: input.rate,
        name: input.name,
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    return toTaxRate(row!);
  } catch (error) {
    if (isUniqueViolation(error, "tax_rates.")) throw sameScope("/country");
    throw error;
  }
}

export async function updateTaxRate(ctx: ServiceContext, id: string, rawInput: unknown): Promise<TaxRate> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(UpdateTaxRateInput, rawInput);
  const [row] = await ctx.db
    .update(taxRates)
    .set({ ...(input.rate !== undefined && { rateBp: input.rate }), ...(input.name !== undefined && { name: input.name }), updatedAt: now() })
    .where(eq(taxRates.id, id))
    .returning();
  if (!row) throw notFound("Tax rate", id);
  return toTaxRate(row);
}

export async function deleteTaxRate(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, "pricing:write");
  const deleted = await ctx.db.delete(taxRates).where(eq(taxRates.id, id)).returning({ id: taxRates.id });
  if (deleted.length === 0) throw notFound("Tax rate", id);
}
