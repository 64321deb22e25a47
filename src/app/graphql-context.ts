import type { ServiceContext } from "../context";
import { createCatalogLoaders, type CatalogLoaders } from "../modules/catalog/loaders";
import { createCustomerLoaders, type CustomerLoaders } from "../modules/customers/loaders";
import { createInventoryLoaders, type InventoryLoaders } from "../modules/inventory/loaders";
import { createRecommendationLoaders, type RecommendationLoaders } from "../modules/recommendations/loaders";

/** Per-request GraphQL context: the service context plus request-scoped DataLoaders. */
export interface GraphQLContext {
  services: ServiceContext;
  loaders: { catalog: CatalogLoaders; customers: CustomerLoaders; inventory: InventoryLoaders; recommendations: RecommendationLoaders };
  /** `Set-Cookie` values for the response (staff sign-in and sign-out). */
  responseCookies: string[];
}

export function createGraphQLContext(services: ServiceContext, responseCookies: string[] = []): GraphQLContext {
  return {
    services,
    responseCookies,
    loaders: {
      catalog: createCatalogLoaders(services),
      customers: createCustomerLoaders(services.db),
      inventory: createInventoryLoaders(services.db),
      recommendations: createRecommendationLoaders(services),
    },
  };
}
