import { sql } from "drizzle-orm";
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
export interface MarketSlot {
  market: string | null;
  at: string;
}

export function marketSlot(ctx: Pick<ServiceContext, "market">, requested: string | undefined | null): MarketSlot {
  return { market: requested ?? ctx.market ?? null, at: new Date().toISOString() };
}

export const joinMarket = (slot: MarketSlot) => readMarketJoin(slot.market, slot.at);
export const ON_ITS_ROW = sql`1 = 1`;

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
export function unknownMarket(slot: MarketSlot): ServiceError {
  return new ServiceError("VALIDATION_FAILED", `Unknown market '${slot.market}'.`, { errors: [{ pointer: "/market", detail: "No market has this handle or id." }] });
}
