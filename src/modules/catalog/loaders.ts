import DataLoader from "dataloader";
import type { Database } from "../../db/client";
import type { Category, VariantRecord } from "./schemas";
import { categoriesByIds, categoriesByProductIds, childCategoriesByParentIds, variantsByProductIds } from "./service";

/** Request-scoped batchers: one D1 query per kind of relation, whatever the page size. */
export function createCatalogLoaders(db: Database) {
  const many = <V>(load: (db: Database, keys: readonly string[]) => Promise<Map<string, V[]>>) =>
    new DataLoader<string, V[]>(async (keys) => {
      const map = await load(db, keys);
      return keys.map((k) => map.get(k) ?? []);
    });
  return {
    variantsByProduct: many<VariantRecord>(variantsByProductIds),
    categoriesByProduct: many<Category>(categoriesByProductIds),
    childrenByCategory: many<Category>(childCategoriesByParentIds),
    categoryById: new DataLoader<string, Category | null>(async (keys) => {
      const map = await categoriesByIds(db, keys);
      return keys.map((k) => map.get(k) ?? null);
    }),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
