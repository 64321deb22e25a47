// The pricing module's public surface: markets (pipeline step 1), price resolution (step 2), customer
// groups, base prices for the catalog's write batches, and the market price SQL for catalog reads.
export { marketForCart, findMarket, requireMarket, defaultMarket, listMarkets, marketCacheSlot } from "./markets";
export { customerGroupsOf } from "./groups";
export { basePriceStatements, basePricesOf, type BasePriceInput } from "./prices";
export { resolvePrices, marketPriceSql, readMarket, readMarketJoin, readMarketPriceSql, readMarketListRowSql, readMarketPriceColumns, basePricesJsonSql, choosePrice, type MarketRef, type ResolvePricesInput, type ResolvedPrice } from "./resolve";
export { provideVariantProducts, provideCustomerExists, type VariantProducts, type CustomerExists } from "./directory";
export { pricingForgetDeletedVariants } from "./handlers";
export { Market, MarketSelector, PriceSource, VariantPrice } from "./schemas";
