import DataLoader from "dataloader";
import type { Database } from "../../db/client";
import type { Category, VariantRecord } from "./schemas";
import { categoriesByIds, categoriesByProductIds, childCategoriesByParentIds, variantsByProductIds } from "./service";

/** D1 binds at most 100 parameters per statement; pages are capped at 100, so one batch is one query. */
const maxBatchSize = 100;

/** Request-scoped batchers: one D1 query per kind of relation, whatever the page size. */
export function createCatalogLoaders(db: Database) {
  const many = <V>(load: (db: Database, keys: readonly string[]) => Promise<Map<string, V[]>>) =>
    new DataLoader<string, V[]>(
      async (keys) => {
        const map = await load(db, keys);
        return keys.map((k) => map.get(k) ?? []);
      },
      { maxBatchSize },
    );
  return {
    variantsByProduct: many<VariantRecord>(variantsByProductIds),
    categoriesByProduct: many<Category>(categoriesByProductIds),
    childrenByCategory: many<Category>(childCategoriesByParentIds),
    categoryById: new DataLoader<string, Category | null>(
      async (keys) => {
        const map = await categoriesByIds(db, keys);
        return keys.map((k) => map.get(k) ?? null);
      },
      { maxBatchSize },
    ),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
