// The catalog module's service surface for other modules and the root.
export { categoryAncestryByProductIds, existingSkus, getProductRecord, getVariant, productRecordsByIds, toProductRecord, variantFacts, variantProductIds, type VariantFacts } from "./service";
export { unsellableReason, unsellableVariants, type UnsellableReason } from "./records";
export type { ProductRecord } from "./schemas";
export { Product } from "./schemas";
