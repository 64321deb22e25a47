import { and, asc, desc, eq, inArray, ne, or } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requireAdmin, type ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { isUniqueViolation } from "../../shared/db-errors";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { parseInput } from "../../shared/validation";
import { purgeCatalogCache } from "../protection";
import { CreateMarketInput, UpdateMarketInput, type Market } from "./schemas";
import { marketCountries, markets } from "./tables";

const now = () => new Date().toISOString();
type MarketRow = typeof markets.$inferSelect;

function toMarket(row: MarketRow, countries: string[]): Market {
  return { ...row, countries };
}

async function withCountries(db: Database, rows: MarketRow[]): Promise<Market[]> {
  if (rows.length === 0) return [];
  const links = await db
    .select()
    .from(marketCountries)
    .where(inArray(marketCountries.marketId, rows.map((r) => r.id)))
    .orderBy(asc(marketCountries.position), asc(marketCountries.country));
  return rows.map((r) => toMarket(r, links.filter((l) => l.marketId === r.id).map((l) => l.country)));
}

/** Every market, the default first. Public: storefronts pick a market (currency, tax display) from these. */
export async function listMarkets(ctx: Pick<ServiceContext, "db">): Promise<Market[]> {
  const rows = await ctx.db.select().from(markets).orderBy(desc(markets.isDefault), asc(markets.createdAt), asc(markets.id));
  return withCountries(ctx.db, rows);
}

/** A market by handle or id, or null. */
export async function findMarket(ctx: Pick<ServiceContext, "db">, handleOrId: string): Promise<Market | null> {
  const row = await ctx.db.select().from(markets).where(or(eq(markets.handle, handleOrId), eq(markets.id, handleOrId))).get();
  return row ? ((await withCountries(ctx.db, [row]))[0] ?? null) : null;
}

export async function getMarket(ctx: Pick<ServiceContext, "db">, handleOrId: string): Promise<Market> {
  const market = await findMarket(ctx, handleOrId);
  if (!market) throw notFound("Market", handleOrId);
  return market;
}

/** The market a storefront read or a cart asks for by handle or id: unknown is a 400 on `pointer`. */
export async function requireMarket(ctx: Pick<ServiceContext, "db">, handleOrId: string, pointer: string): Promise<Market> {
  const market = await findMarket(ctx, handleOrId);
  if (!market) throw new ServiceError("VALIDATION_FAILED", `Unknown market '${handleOrId}'.`, { errors: [{ pointer, detail: "No market has this handle or id." }] });
  return market;
}

export async function defaultMarket(ctx: Pick<ServiceContext, "db">): Promise<Market> {
  const row = await ctx.db.select().from(markets).where(eq(markets.isDefault, true)).get();
  // The migration creates a default market and no write can remove the last one.
  if (!row) throw new Error("pricing: no default market (the markets migration creates one).");
  return (await withCountries(ctx.db, [row]))[0]!;
}

/**
 * Pipeline step 1: the market of a cart. Its explicit market if it still exists, else the market that
 * lists the shipping country, else the default market. One query for the common case.
 */
export async function marketForCart(ctx: Pick<ServiceContext, "db">, input: { marketId: string | null; country: string | null | undefined }): Promise<Market> {
  if (input.marketId) {
    const chosen = await findMarket(ctx, input.marketId);
    if (chosen) return chosen;
  }
  if (input.country) {
    const link = await ctx.db.select({ marketId: marketCountries.marketId }).from(marketCountries).where(eq(marketCountries.country, input.country)).get();
    if (link) return getMarket(ctx, link.marketId);
  }
  return defaultMarket(ctx);
}

function countryRows(marketId: string, countries: readonly string[]) {
  return countries.map((country, position) => ({ country, marketId, position }));
}

/** Constraint violations of a market write as 409s with pointers. */
async function commitMarket(ctx: ServiceContext, statements: BatchItem<"sqlite">[]): Promise<void> {
  try {
    await ctx.db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    // Cached catalog reads are keyed by the market they resolve to (marketCacheSlot): start afresh.
    ctx.waitUntil(purgeCatalogCache(ctx.env));
  } catch (error) {
    if (isUniqueViolation(error, "markets.handle")) throw new ServiceError("CONFLICT", "Another market uses this handle.", { errors: [{ pointer: "/handle", detail: "Already in use." }] });
    if (isUniqueViolation(error, "market_countries.country")) {
      throw new ServiceError("CONFLICT", "A country belongs to one market only; one of these is in another market.", { errors: [{ pointer: "/countries", detail: "Already in another market." }] });
    }
    if (isUniqueViolation(error, "markets.is_default")) throw new ServiceError("CONFLICT", "Another request changed the default market at the same time; try again.");
    throw error;
  }
}

async function claimedElsewhere(db: Database, marketId: string, countries: readonly string[]): Promise<string[]> {
  if (countries.length === 0) return [];
  const rows = await db
    .select({ country: marketCountries.country })
    .from(marketCountries)
    .where(and(inArray(marketCountries.country, [...countries]), ne(marketCountries.marketId, marketId)));
  return rows.map((r) => r.country);
}

function countryConflict(countries: readonly string[], taken: string[]): ServiceError {
  return new ServiceError("CONFLICT", `Already in another market: ${taken.join(", ")}.`, {
    errors: taken.map((c) => ({ pointer: `/countries/${countries.indexOf(c)}`, detail: "Already in another market." })),
  });
}

export async function createMarket(ctx: ServiceContext, rawInput: unknown): Promise<Market> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(CreateMarketInput, rawInput);
  const id = newId("market");
  const taken = await claimedElsewhere(ctx.db, id, input.countries);
  if (taken.length > 0) throw countryConflict(input.countries, taken);
  const at = now();
  const statements: BatchItem<"sqlite">[] = [];
  if (input.isDefault) statements.push(ctx.db.update(markets).set({ isDefault: false, updatedAt: at }).where(eq(markets.isDefault, true)));
  statements.push(
    ctx.db.insert(markets).values({ id, handle: input.handle, name: input.name, currency: input.currency, pricesIncludeTax: input.pricesIncludeTax, isDefault: input.isDefault ?? false, createdAt: at, updatedAt: at }),
  );
  if (input.countries.length > 0) statements.push(ctx.db.insert(marketCountries).values(countryRows(id, input.countries)));
  await commitMarket(ctx, statements);
  return getMarket(ctx, id);
}

export async function updateMarket(ctx: ServiceContext, handleOrId: string, rawInput: unknown): Promise<Market> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(UpdateMarketInput, rawInput);
  const existing = await getMarket(ctx, handleOrId);
  if (input.countries) {
    const taken = await claimedElsewhere(ctx.db, existing.id, input.countries);
    if (taken.length > 0) throw countryConflict(input.countries, taken);
  }
  const at = now();
  const statements: BatchItem<"sqlite">[] = [];
  if (input.isDefault && !existing.isDefault) statements.push(ctx.db.update(markets).set({ isDefault: false, updatedAt: at }).where(eq(markets.isDefault, true)));
  const { countries, ...fields } = input;
  statements.push(ctx.db.update(markets).set({ ...fields, updatedAt: at }).where(eq(markets.id, existing.id)));
  if (countries) {
    statements.push(ctx.db.delete(marketCountries).where(eq(marketCountries.marketId, existing.id)));
    if (countries.length > 0) statements.push(ctx.db.insert(marketCountries).values(countryRows(existing.id, countries)));
  }
  await commitMarket(ctx, statements);
  return getMarket(ctx, existing.id);
}

/** The default market stays (make another the default first); carts that chose a deleted market fall back (step 1). */
export async function deleteMarket(ctx: ServiceContext, handleOrId: string): Promise<void> {
  requireAdmin(ctx.actor, "pricing:write");
  const existing = await getMarket(ctx, handleOrId);
  if (existing.isDefault) throw new ServiceError("CONFLICT", "The default market cannot be deleted; make another market the default first.");
  // Conditional: a concurrent "make this the default" that committed first keeps it.
  const deleted = await ctx.db.delete(markets).where(and(eq(markets.id, existing.id), eq(markets.isDefault, false))).returning({ id: markets.id });
  if (deleted.length === 0) throw new ServiceError("CONFLICT", "The market became the default meanwhile; it cannot be deleted.");
  ctx.waitUntil(purgeCatalogCache(ctx.env));
}

// Which market each selector (handle or id; none: the default) resolves to, per catalog cache
// generation: every market write starts a new generation, so a map is never used after a change
// in this colo. Not request-scoped: the same for every request of the generation.
let slots: { generation: string; bySelector: Map<string, string>; defaultId: string | null } | undefined;

/**
 * The market slot of a cached catalog read (modules/protection/catalog-cache.ts): the id of the
 * market `selector` resolves to, so every way of naming a market shares its cache entries; one query
 * per generation and isolate. An unknown selector gets a slot of its own (its read is a 400, never stored).
 */
export async function marketCacheSlot(db: () => Database, selector: string | null, generation: string): Promise<string> {
  if (slots?.generation !== generation) {
    const rows = await db().select({ id: markets.id, handle: markets.handle, isDefault: markets.isDefault }).from(markets);
    const bySelector = new Map<string, string>();
    for (const r of rows) bySelector.set(r.id, r.id).set(r.handle, r.id);
    slots = { generation, bySelector, defaultId: rows.find((r) => r.isDefault)?.id ?? null };
  }
  const id = selector === null ? slots.defaultId : slots.bySelector.get(selector);
  return id ?? `unknown:${selector ?? ""}`;
}
