import DataLoader from "dataloader";
import type { ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { pricingOf } from "./market";
import type { Category, VariantRecord } from "./schemas";
import { categoriesByIds, categoriesByProductIds, childCategoriesByParentIds, variantsByProductIds } from "./service";

/** D1 binds at most 100 parameters per statement; pages are capped at 100, so one batch is one query. */
const maxBatchSize = 100;

/** The key of a product's variants: the market they are priced in (a product read in two markets has two sets). */
export const variantsKey = (product: { id: string; market: { handle: string } | null }) => `${product.market?.handle ?? ""}\u0000${product.id}`;

/** Request-scoped batchers: one D1 query per kind of relation (and per market read), whatever the page size. */
export function createCatalogLoaders(ctx: Pick<ServiceContext, "db" | "market">) {
  const db = ctx.db;
  const many = <V>(load: (db: Database, keys: readonly string[]) => Promise<Map<string, V[]>>) =>
    new DataLoader<string, V[]>(
      async (keys) => {
        const map = await load(db, keys);
        return keys.map((k) => map.get(k) ?? []);
      },
      { maxBatchSize },
    );
  return {
    variantsByProduct: new DataLoader<string, VariantRecord[]>(
      async (keys) => {
        const byMarket = new Map<string, string[]>();
        for (const key of keys) {
          const [market, productId] = key.split("\u0000") as [string, string];
          byMarket.set(market, [...(byMarket.get(market) ?? []), productId]);
        }
        const found = new Map<string, VariantRecord[]>();
        for (const [market, productIds] of byMarket) {
          const map = await variantsByProductIds(db, productIds, pricingOf(ctx, market || null));
          for (const [productId, list] of map) found.set(`${market}\u0000${productId}`, list);
        }
        return keys.map((k) => found.get(k) ?? []);
      },
      { maxBatchSize },
    ),
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
