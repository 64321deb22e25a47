// The catalog's service layer, one file per seam: records (row mapping, batch loaders, hydration),
// products, variants, categories, search, and commit (every write's batch, outbox relay and cache purge).
export { existingSkus, categoryAncestryByProductIds, variantFacts, variantProductIds, type VariantFacts, variantsByProductIds, categoriesByProductIds, categoriesByIds, childCategoriesByParentIds, productRecordsByIds, toProductRecord } from "./records";
export { listProductRecords, listProducts, listProductsJson, getProductRecord, getProduct, createProduct, updateProduct, archiveProduct, deleteProduct } from "./products";
export { getVariant, createVariant, updateVariant, deleteVariant } from "./variants";
export { getCategory, categoryTree, createCategory, updateCategory, deleteCategory } from "./categories";
export { searchProducts, toFtsQuery } from "./search";
