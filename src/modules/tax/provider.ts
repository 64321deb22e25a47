import { inArray } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { importTaxDefaults } from "./defaults";
import { allocateTax } from "./math";
import { taxRates } from "./tables";

/** Where the goods go. `country` is null when the cart has no address and its market no country. */
export interface TaxDestination {
  country: string | null;
  region?: string | null | undefined;
  postalCode?: string | null | undefined;
}

/** One amount to tax: a cart line (after its discounts) or the shipping (key `shipping`). */
export interface TaxableLine {
  key: string;
  taxClass: string;
  /** Minor units, gross when `pricesIncludeTax`, net otherwise; never negative. */
  amount: number;
}

export interface TaxRequest {
  currency: string;
  pricesIncludeTax: boolean;
  destination: TaxDestination;
  lines: TaxableLine[];
}

/** Per line, in request order: the tax (included in the amount, or on top of it) and the rate used. */
export interface TaxResult {
  lines: { key: string; tax: number; rate: number; name: string | null }[];
}

/**
 * What the cart pricing pipeline asks for tax (step 5). The default answers from the tax tables
 * (`tableTaxProvider`); an external tax service plugs in by implementing this and being installed
 * with `provideTaxProvider` in the composition root (src/app/wiring.ts). Exemptions are decided by the
 * pipeline (customer groups), not here.
 */
export interface TaxProvider {
  readonly name: string;
  calculate(ctx: ServiceContext, request: TaxRequest): Promise<TaxResult>;
}

type RateRow = typeof taxRates.$inferSelect;

const normalisePostal = (code: string | null | undefined) => (code ?? "").replace(/[\s-]/g, "").toUpperCase();

/**
 * The rate of one tax class at a destination: of the rates that match (country or `*`, region if
 * set, postal prefix if set), the most specific wins: a country's own rate beats `*`, a postal prefix
 * beats a region (a longer prefix beats a shorter one), a region beats the whole country.
 * No matching rate: 0. The `zero` class is always 0.
 */
export function matchRate(rows: readonly RateRow[], destination: TaxDestination, taxClass: string): RateRow | null {
  if (taxClass === "zero") return null;
  const region = (destination.region ?? "").trim().toUpperCase();
  const postal = normalisePostal(destination.postalCode);
  let best: RateRow | null = null;
  let bestScore = -1;
  for (const row of rows) {
    if (row.taxClass !== taxClass) continue;
    if (row.country !== "*" && row.country !== destination.country) continue;
    if (row.region && row.region.toUpperCase() !== region) continue;
    const prefix = normalisePostal(row.postalPrefix);
    if (prefix && !postal.startsWith(prefix)) continue;
    const score = (row.country === "*" ? 0 : 1000) + prefix.length * 10 + (row.region ? 5 : 0);
    if (score > bestScore) [best, bestScore] = [row, score];
  }
  return best;
}

/** The rates that may apply at a destination: its country's and the `*` fallbacks, one query. */
export async function ratesFor(ctx: ServiceContext, country: string | null): Promise<RateRow[]> {
  const countries = country ? [country, "*"] : ["*"];
  const rows = await ctx.db.select().from(taxRates).where(inArray(taxRates.country, countries));
  // Nothing at all, not even a fallback: a shop that never imported its TAX_RATES seed defaults does so once.
  if (rows.length === 0 && (await importTaxDefaults(ctx))) return ctx.db.select().from(taxRates).where(inArray(taxRates.country, countries));
  return rows;
}

/** The default provider: the tax tables managed through the admin API, with the rounding rule of ./math. */
export const tableTaxProvider: TaxProvider = {
  name: "tables",
  async calculate(ctx, request) {
    const rows = await ratesFor(ctx, request.destination.country);
    const rated = request.lines.map((line) => ({ line, rate: matchRate(rows, request.destination, line.taxClass) }));
    const taxes = allocateTax(
      rated.map(({ line, rate }) => ({ amount: line.amount, rateBp: rate?.rateBp ?? 0 })),
      request.pricesIncludeTax,
    );
    return { lines: rated.map(({ line, rate }, i) => ({ key: line.key, tax: taxes[i]!, rate: rate?.rateBp ?? 0, name: rate?.name ?? null })) };
  },
};

let installed: TaxProvider = tableTaxProvider;

/** Install another provider (an external tax service); the root calls this at start. Tests restore the default. */
export function provideTaxProvider(provider: TaxProvider): void {
  installed = provider;
}

export function taxProvider(): TaxProvider {
  return installed;
}
