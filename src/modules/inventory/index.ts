// The inventory module's public surface. Other modules import from here only.
export { holdStock, releaseStock, holdAll, commitHolds, returnSale, restockReturn, getStockLevels, hasStockHistory, setStockLevels, setStockOnHand as setStock } from "./service";
export type { StockLevel, HoldResult } from "./service";
export { availabilityBySkus, availableUnits, skusInStock, type Availability } from "./projection";
export { provideKnownSkus, type KnownSkus } from "./known-skus";
