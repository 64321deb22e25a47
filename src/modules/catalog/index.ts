// The catalog module's service surface for other modules and the root.
export { existingSkus, getProductRecord, getVariant, productRecordsByIds, toProductRecord } from "./service";
export type { ProductRecord } from "./schemas";
export { Product } from "./schemas";
