import { sql, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { ServiceError } from "../../shared/errors";
import { basePricesJsonSql, readMarket, readMarketJoin, readMarketPriceSql } from "../pricing";
import { products, variants } from "./tables";

/**
 * Catalog reads are market-aware: prices, price ranges, price filters and sorts are the market's (its
 * currency's base prices, or a price list that applies to everyone in it now). The market is the
 * read's `market` (handle or id), else the request's `X-Market`, else the default market; it is joined
 * into each read's own statement (pricing's readMarketJoin), so it costs no query.
 */
export interface Pricing {
  /** A market's handle or id; null: the default market. */
  market: string | null;
  /** RFC 3339: the moment the prices are for (time-windowed price lists). */
  at: string;
}

/** The pricing of a catalog read: its own `market`, else the request's X-Market, else the default market. */
export function pricingOf(ctx: Pick<ServiceContext, "market">, requested: string | undefined | null): Pricing {
  return { market: requested || ctx.market || null, at: new Date().toISOString() };
}

/** The read's market as the one-row `read_market` to join (none for an unknown market). */
export const joinMarket = (pricing: Pricing) => readMarketJoin(pricing.market, pricing.at);
export const ON_ITS_ROW = sql`1 = 1`;

/** A variant's price and compare-at price in the joined read market; `variantId` is the SQL of its id. */
export const variantPriceSql = (variantId: SQL) => readMarketPriceSql(variantId);

/** The base prices (every currency) of the variant aliased `v`, as a JSON array ordered by currency. */
export const BASE_PRICES_JSON = basePricesJsonSql(sql`v.id`);

const variantPrice = readMarketPriceSql(sql`${variants.id}`);
const productPrice = (aggregate: "min" | "max") => sql<number | null>`(SELECT ${sql.raw(aggregate)}(${variantPrice.price}) FROM ${variants} WHERE ${variants.productId} = ${products.id})`;

/** What a product row is read with in its market. */
export const productMarketColumns = {
  marketHandle: readMarket.handle,
  marketCurrency: readMarket.currency,
  marketPricesIncludeTax: readMarket.pricesIncludeTax,
  marketPriceMin: productPrice("min"),
  marketPriceMax: productPrice("max"),
};

/** The lowest variant price of a product in the read's market: what listings filter and sort on. */
export const productMarketPriceMin = productMarketColumns.marketPriceMin;

export interface ProductMarketValues {
  marketHandle: string;
  marketCurrency: string;
  marketPricesIncludeTax: number | boolean;
  marketPriceMin: number | null;
  marketPriceMax: number | null;
}

/** What a variant row is read with in its market. */
export const variantMarketColumns = {
  marketCurrency: readMarket.currency,
  marketPrice: variantPrice.price,
  marketCompareAt: variantPrice.compareAt,
  basePrices: basePricesJsonSql(sql`${variants.id}`),
};

export interface VariantMarketValues {
  marketCurrency: string;
  marketPrice: number | null;
  marketCompareAt: number | null;
  basePrices: string;
}

/** A read named a market that does not exist: a 400 on `market`. */
export function unknownMarket(pricing: Pricing): ServiceError {
  return new ServiceError("VALIDATION_FAILED", `Unknown market '${pricing.market}'.`, { errors: [{ pointer: "/market", detail: "No market has this handle or id." }] });
}
