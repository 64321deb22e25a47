// The tax module's public surface: the provider interface the cart pricing pipeline calls (step 5),
// the default table provider, and what the catalog needs to validate a product's tax class.
export { taxProvider, provideTaxProvider, tableTaxProvider, matchRate, type TaxProvider, type TaxRequest, type TaxResult, type TaxDestination, type TaxableLine } from "./provider";
export { allocateTax, includedTax, addedTax, BASIS_POINTS } from "./math";
export { existingTaxClasses } from "./service";
export { TaxClassHandle, BUILT_IN_TAX_CLASSES } from "./schemas";
