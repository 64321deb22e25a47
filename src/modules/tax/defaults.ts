import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { isUniqueViolation } from "../../shared/db-errors";
import { chunked } from "../../shared/batch";
import { newId } from "../../shared/ids";
import { log } from "../../shared/log";
import { taxDefaultImports, taxRates } from "./tables";

const SOURCE = "TAX_RATES";

/** `{"default":0,"DE":1900}` (basis points per country, `default` for the rest) -> standard-class rates. */
export function parseTaxRatesVariable(raw: string | undefined): { country: string; rateBp: number }[] {
  const parsed = JSON.parse(raw || "{}") as Record<string, unknown>;
  return Object.entries(parsed).flatMap(([country, rate]) => {
    const code = country === "default" ? "*" : country;
    if (!/^([A-Z]{2}|\*)$/.test(code) || !Number.isSafeInteger(rate) || (rate as number) < 0 || (rate as number) > 10_000) {
      throw new Error(`TAX_RATES: '${country}: ${String(rate)}' is not a country code (or default) with basis points 0..10000.`);
    }
    return [{ country: code, rateBp: rate as number }];
  });
}

/**
 * The TAX_RATES variable is only a seed default now: the first time a shop prices with an empty rate
 * table, its entries become standard-class rates (managed through the admin API from then on). Runs at
 * most once per database: the marker row's primary key lets one concurrent importer win, and an admin
 * who later deletes the rates does not get them back. Returns whether rates may now exist.
 */
export async function importTaxDefaults(ctx: ServiceContext): Promise<boolean> {
  const done = await ctx.db.select().from(taxDefaultImports).where(eq(taxDefaultImports.source, SOURCE)).get();
  if (done) return false;
  let rates: { country: string; rateBp: number }[] = [];
  try {
    rates = parseTaxRatesVariable(ctx.env.TAX_RATES);
  } catch (error) {
    log.warn("TAX_RATES seed default ignored", { requestId: ctx.requestId, error: String(error) });
  }
  const at = new Date().toISOString();
  const marker = ctx.db.insert(taxDefaultImports).values({ source: SOURCE, importedAt: at });
  const rows = rates.map((r) => ({ id: newId("taxRate"), country: r.country, taxClass: "standard", rateBp: r.rateBp, name: "Tax", createdAt: at, updatedAt: at }));
  try {
    await ctx.db.batch([marker, ...chunked(rows, 10).map((chunk) => ctx.db.insert(taxRates).values(chunk).onConflictDoNothing())]);
  } catch (error) {
    if (!isUniqueViolation(error, "tax_default_imports.source")) throw error;
  }
  return true;
}
