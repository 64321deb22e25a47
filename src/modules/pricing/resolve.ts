import { and, eq, gt, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import type { PriceSource } from "./schemas";
import { markets, priceListPrices, priceLists, variantPrices } from "./tables";

export interface ResolvePricesInput {
  marketId: string;
  currency: string;
  customerGroupIds: readonly string[];
  /** RFC 3339: the moment the prices are for (time-windowed lists). */
  at: string;
  lines: readonly { lineId: string; variantId: string; quantity: number }[];
}

export interface ResolvedPrice {
  lineId: string;
  /** Minor units of the market's currency; 0 when `source.kind` is `none`. */
  unitPrice: number;
  compareAtPrice: number | null;
  source: PriceSource;
}

export interface BaseCandidate {
  amount: number;
  compareAtAmount: number | null;
}

export interface ListCandidate {
  priceListId: string;
  name: string;
  createdAt: string;
  minQuantity: number;
  amount: number;
  compareAtAmount: number | null;
}

const NO_PRICE: PriceSource = { kind: "none", priceListId: null, name: null, minQuantity: null };

/**
 * The one price that applies to a quantity of a variant (docs/pricing.md): price lists that apply
 * override the base price, and among them the lowest price wins (ties: the older list, then the higher
 * tier); a tier applies from its `minQuantity`. Without a list price the base price in the currency
 * applies; without that, nothing: the variant is not sold in this market.
 */
export function choosePrice(base: BaseCandidate | undefined, lists: readonly ListCandidate[], quantity: number): Omit<ResolvedPrice, "lineId"> {
  const best = lists
    .filter((l) => l.minQuantity <= quantity)
    .sort((a, b) => a.amount - b.amount || a.createdAt.localeCompare(b.createdAt) || a.priceListId.localeCompare(b.priceListId) || b.minQuantity - a.minQuantity)[0];
  if (best) {
    return {
      unitPrice: best.amount,
      compareAtPrice: best.compareAtAmount ?? (base && base.amount > best.amount ? base.amount : null),
      source: { kind: "price_list", priceListId: best.priceListId, name: best.name, minQuantity: best.minQuantity },
    };
  }
  if (base) return { unitPrice: base.amount, compareAtPrice: base.compareAtAmount, source: { kind: "base", priceListId: null, name: null, minQuantity: null } };
  return { unitPrice: 0, compareAtPrice: null, source: NO_PRICE };
}

/** A market's id and currency: known values, or SQL that yields them (catalog reads resolve the market inside their statement). */
export interface MarketRef {
  id: string | SQL;
  currency: string | SQL;
}

/** The conditions under which a price list applies to a shopper in a market at a moment. */
export function listApplies(market: MarketRef, customerGroupIds: readonly string[], at: string | SQL): SQL {
  const groups = customerGroupIds.length
    ? or(isNull(priceLists.customerGroupId), sql`${priceLists.customerGroupId} IN (SELECT value FROM json_each(${JSON.stringify(customerGroupIds)}))`)
    : isNull(priceLists.customerGroupId);
  return and(
    sql`${priceLists.status} = 'active'`,
    eq(priceLists.currency, market.currency),
    or(isNull(priceLists.marketId), eq(priceLists.marketId, market.id)),
    groups,
    or(isNull(priceLists.startsAt), lte(priceLists.startsAt, at)),
    or(isNull(priceLists.endsAt), gt(priceLists.endsAt, at)),
  )!;
}

/**
 * Pipeline step 2: the unit price of every cart line, and why. Tiers count the cart's whole quantity
 * of a variant (two lines of one variant share a tier). Two reads in one D1 round trip.
 */
export async function resolvePrices(ctx: Pick<ServiceContext, "db">, input: ResolvePricesInput): Promise<ResolvedPrice[]> {
  if (input.lines.length === 0) return [];
  const ids = JSON.stringify([...new Set(input.lines.map((l) => l.variantId))]);
  const inIds = (column: SQL | typeof variantPrices.variantId | typeof priceListPrices.variantId) => sql`${column} IN (SELECT value FROM json_each(${ids}))`;
  const [bases, lists] = await ctx.db.batch([
    ctx.db
      .select({ variantId: variantPrices.variantId, amount: variantPrices.amount, compareAtAmount: variantPrices.compareAtAmount })
      .from(variantPrices)
      .where(and(eq(variantPrices.currency, input.currency), inIds(variantPrices.variantId))),
    ctx.db
      .select({
        variantId: priceListPrices.variantId,
        priceListId: priceLists.id,
        name: priceLists.name,
        createdAt: priceLists.createdAt,
        minQuantity: priceListPrices.minQuantity,
        amount: priceListPrices.amount,
        compareAtAmount: priceListPrices.compareAtAmount,
      })
      .from(priceListPrices)
      .innerJoin(priceLists, eq(priceLists.id, priceListPrices.priceListId))
      .where(and(inIds(priceListPrices.variantId), listApplies({ id: input.marketId, currency: input.currency }, input.customerGroupIds, input.at))),
  ]);
  const baseOf = new Map(bases.map((b) => [b.variantId, b]));
  const quantities = new Map<string, number>();
  for (const l of input.lines) quantities.set(l.variantId, (quantities.get(l.variantId) ?? 0) + l.quantity);
  return input.lines.map((line) => ({
    lineId: line.lineId,
    ...choosePrice(
      baseOf.get(line.variantId),
      lists.filter((l) => l.variantId === line.variantId),
      quantities.get(line.variantId)!,
    ),
  }));
}

/**
 * The same rule as SQL, for one unit bought by a shopper in no group: what catalog reads show and
 * listings filter and sort on. `variantId` is the SQL of the variant id column of the outer query.
 * Returns the price and the compare-at price expressions (null when the variant has no price here).
 */
export function marketPriceSql(variantId: SQL, market: MarketRef, at: string | SQL): { price: SQL; compareAt: SQL } {
  const best = (column: SQL) => sql`(SELECT ${column} FROM ${priceListPrices} INNER JOIN ${priceLists} ON ${priceLists.id} = ${priceListPrices.priceListId}
    WHERE ${priceListPrices.variantId} = ${variantId} AND ${priceListPrices.minQuantity} <= 1 AND ${listApplies(market, [], at)}
    ORDER BY ${priceListPrices.amount} ASC, ${priceLists.createdAt} ASC, ${priceLists.id} ASC LIMIT 1)`;
  const base = (column: SQL) => sql`(SELECT ${column} FROM ${variantPrices} WHERE ${variantPrices.variantId} = ${variantId} AND ${eq(variantPrices.currency, market.currency)})`;
  const listPrice = best(sql`${priceListPrices.amount}`);
  const basePrice = base(sql`${variantPrices.amount}`);
  return {
    price: sql`coalesce(${listPrice}, ${basePrice})`,
    compareAt: sql`CASE WHEN ${listPrice} IS NOT NULL THEN coalesce(${best(sql`${priceListPrices.compareAtAmount}`)}, CASE WHEN ${basePrice} > ${listPrice} THEN ${basePrice} END) ELSE ${base(sql`${variantPrices.compareAtAmount}`)} END`,
  };
}

/** The alias of the market a catalog read joins (`readMarketJoin`), and its columns. */
const READ_MARKET = "read_market";
export const readMarket = {
  id: sql<string>`${sql.identifier(READ_MARKET)}."market_id"`,
  handle: sql<string>`${sql.identifier(READ_MARKET)}."market_handle"`,
  currency: sql<string>`${sql.identifier(READ_MARKET)}."market_currency"`,
  pricesIncludeTax: sql<number>`${sql.identifier(READ_MARKET)}."market_prices_include_tax"`,
  at: sql<string>`${sql.identifier(READ_MARKET)}."market_at"`,
};

/**
 * The market of a catalog read (handle or id; null: the default market) as a one-row subquery to
 * join, so the read resolves its market and its moment inside its own statement (no extra query, and
 * three bound parameters however often the prices refer to them). An unknown market joins no row.
 */
export function readMarketJoin(selector: string | null, at: string): SQL {
  const where = selector ? sql`(${markets.handle} = ${selector} OR ${markets.id} = ${selector})` : sql`${markets.isDefault} = 1`;
  return sql`(SELECT ${markets.id} AS "market_id", ${markets.handle} AS "market_handle", ${markets.currency} AS "market_currency",
    ${markets.pricesIncludeTax} AS "market_prices_include_tax", ${at} AS "market_at" FROM ${markets} WHERE ${where}) AS ${sql.identifier(READ_MARKET)}`;
}

/** The price and compare-at price of a variant in the joined read market (see marketPriceSql). */
export function readMarketPriceSql(variantId: SQL): { price: SQL<number | null>; compareAt: SQL<number | null> } {
  return marketPriceSql(variantId, readMarket, readMarket.at) as { price: SQL<number | null>; compareAt: SQL<number | null> };
}

/**
 * The price-list row that sets a variant's one-unit price in the joined read market, as the row's
 * `rowid` (null: no list applies, the base price does): marketPriceSql's choice made once, so a read
 * that needs the price, the compare-at price and the list's own compare-at joins that one row
 * (`readMarketPriceColumns`) instead of repeating the ordered subquery for each.
 */
export function readMarketListRowSql(variantId: SQL): SQL<number | null> {
  return sql<number | null>`(SELECT ${priceListPrices}.rowid FROM ${priceListPrices} INNER JOIN ${priceLists} ON ${priceLists.id} = ${priceListPrices.priceListId}
    WHERE ${priceListPrices.variantId} = ${variantId} AND ${priceListPrices.minQuantity} <= 1 AND ${listApplies(readMarket, [], readMarket.at)}
    ORDER BY ${priceListPrices.amount} ASC, ${priceLists.createdAt} ASC, ${priceLists.id} ASC LIMIT 1)`;
}

/**
 * marketPriceSql's price and compare-at price written over two joined rows: `list` (aliased
 * price_list_prices, joined on `readMarketListRowSql`) and `base` (aliased variant_prices in the read
 * market's currency). Both may be missing (LEFT JOIN).
 */
export function readMarketPriceColumns(list: string, base: string): { price: SQL<number | null>; compareAt: SQL<number | null> } {
  const l = (column: string) => sql.raw(`${list}.${column}`);
  const b = (column: string) => sql.raw(`${base}.${column}`);
  return {
    price: sql<number | null>`coalesce(${l("amount")}, ${b("amount")})`,
    compareAt: sql<number | null>`CASE WHEN ${l("amount")} IS NOT NULL THEN coalesce(${l("compare_at_amount")}, CASE WHEN ${b("amount")} > ${l("amount")} THEN ${b("amount")} END) ELSE ${b("compare_at_amount")} END`,
  };
}

/** A variant's base prices in every currency as a JSON array (`[{currency, amount, compareAtAmount}]`, by currency), for catalog reads. */
export function basePricesJsonSql(variantId: SQL): SQL<string> {
  return sql<string>`(SELECT json_group_array(json_object('currency', bp.currency, 'amount', bp.amount, 'compareAtAmount', bp.compare_at_amount))
    FROM (SELECT ${variantPrices.currency} AS currency, ${variantPrices.amount} AS amount, ${variantPrices.compareAtAmount} AS compare_at_amount
      FROM ${variantPrices} WHERE ${variantPrices.variantId} = ${variantId} ORDER BY ${variantPrices.currency}) AS bp)`;
}
