import DataLoader from "dataloader";
import type { ServiceContext } from "../../context";
import { recommendationsForProductIds, type Recommendation } from "./service";

/**
 * `Product.recommendations` for a whole page of products in one batch: the service answers any
 * number of products with the same fixed set of D1 queries. One loader per requested limit.
 */
export function createRecommendationLoaders(services: ServiceContext) {
  const byLimit = new Map<number, DataLoader<string, Recommendation[]>>();
  return {
    forProduct(limit: number): DataLoader<string, Recommendation[]> {
      let loader = byLimit.get(limit);
      if (!loader) {
        loader = new DataLoader<string, Recommendation[]>(async (ids) => {
          const map = await recommendationsForProductIds(services, ids, limit);
          return ids.map((id) => map.get(id) ?? []);
        });
        byLimit.set(limit, loader);
      }
      return loader;
    },
  };
}

export type RecommendationLoaders = ReturnType<typeof createRecommendationLoaders>;
