import { sql, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { precompiled } from "../../db/precompiled";
import { ServiceError } from "../../shared/errors";
import { basePricesJsonSql, readMarket, readMarketJoin, readMarketListRowSql, readMarketPriceColumns, readMarketPriceSql } from "../pricing";
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

/** The price-list row (rowid) that sets a variant's price in the joined read market; `variantId` is the SQL of its id. */
export const variantListRowSql = (variantId: SQL) => readMarketListRowSql(variantId);

/** A variant's price and compare-at price from its joined list row (`list`) and base price row (`base`). */
export const variantPriceColumns = (list: string, base: string) => readMarketPriceColumns(list, base);

/** The base prices (every currency) of the variant aliased `vr` (records.ts variantSource), as a JSON array ordered by currency. */
export const basePricesJson = precompiled(() => basePricesJsonSql(sql`vr.id`));

// The market price subqueries are constant (they refer to the joined `read_market`, never to a bound
// value), so each is rendered once per isolate (db/precompiled.ts).
const variantMarketPrice = () => readMarketPriceSql(sql`${variants.id}`);
const variantPrice = { price: precompiled(() => variantMarketPrice().price), compareAt: precompiled(() => variantMarketPrice().compareAt) };
const productPrice = (aggregate: "min" | "max") =>
  precompiled(() => sql<number | null>`(SELECT ${sql.raw(aggregate)}(${variantMarketPrice().price}) FROM ${variants} WHERE ${variants.productId} = ${products.id})`);
const productPriceMin = productPrice("min");
const productPriceMax = productPrice("max");

/** What a product row is read with in its market (spread it into a select: the price columns are rendered on first use). */
export const productMarketColumns = {
  marketHandle: readMarket.handle,
  marketCurrency: readMarket.currency,
  marketPricesIncludeTax: readMarket.pricesIncludeTax,
  get marketPriceMin() {
    return productPriceMin();
  },
  get marketPriceMax() {
    return productPriceMax();
  },
};

/** The lowest variant price of a product in the read's market: what listings filter and sort on. */
export const productMarketPriceMin = productPriceMin;

export interface ProductMarketValues {
  marketHandle: string;
  marketCurrency: string;
  marketPricesIncludeTax: number | boolean;
  marketPriceMin: number | null;
  marketPriceMax: number | null;
}

/** What a variant row is read with in its market. */
const variantBasePrices = precompiled(() => basePricesJsonSql(sql`${variants.id}`));
export const variantMarketColumns = {
  marketCurrency: readMarket.currency,
  get marketPrice() {
    return variantPrice.price();
  },
  get marketCompareAt() {
    return variantPrice.compareAt();
  },
  get basePrices() {
    return variantBasePrices();
  },
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
