// The catalog module's service surface for other modules and the root.
export { categoryAncestryByProductIds, existingSkus, getProductRecord, getVariant, toProductRecord, variantFacts, variantProductIds, type VariantFacts } from "./service";
export type { ProductRecord } from "./schemas";
export { Product } from "./schemas";
