import type { Plugin } from "graphql-yoga";
import { useCostLimit, useProductionHardening, useQueryLimits, useVariableLimits } from "./graphql-limits";
import { useAutomaticPersistedQueries, useTrustedDocumentsOnly } from "./graphql-persisted";
import { useCatalogResponseCache } from "./graphql-response-cache";

// The protection module's GraphQL surface: `withIdempotency` for mutations that take an idempotency
// key, and the Yoga plugins the composition root (src/app/graphql.ts) installs, in order.
export { withIdempotency } from "./graphql-idempotency";
export { type CostExtension } from "./graphql-limits";

/** Variable limits, persisted queries (APQ, or trusted documents only), query limits, hardening outside development, cost, the shared response cache. */
export function graphqlProtectionPlugins(mode: { development: boolean; trustedDocumentsOnly: boolean }): Plugin[] {
  return [
    useVariableLimits() as Plugin,
    mode.trustedDocumentsOnly ? useTrustedDocumentsOnly() : (useAutomaticPersistedQueries() as Plugin),
    useQueryLimits(),
    ...(mode.development ? [] : useProductionHardening()),
    useCostLimit(),
    // Last: its lookup needs the document the persisted-query plugins resolved, and its entries the cost.
    useCatalogResponseCache(),
  ];
}
