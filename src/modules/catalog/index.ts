// The catalog module's service surface for other modules and the root.
export { existingSkus, getProductRecord, getVariant, productRecordsByIds, toProductRecord } from "./service";
export { unsellableVariants, type UnsellableReason } from "./records";
export type { ProductRecord } from "./schemas";
export { Product } from "./schemas";
