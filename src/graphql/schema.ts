import type { GraphQLSchema } from "graphql";
import { builder } from "./builder";
// Each module registers its types and fields on the builder when imported.
import "../modules/catalog/graphql";
import "../modules/customers/graphql";
import "../modules/inventory/graphql";
import "../modules/carts/graphql";
import "../modules/orders/graphql";
import "../modules/webhooks/graphql";
import "../modules/events/graphql";
import "../modules/recommendations/graphql";

let built: GraphQLSchema | undefined;

/** Built on the first GraphQL request, not at Worker start-up (start-up CPU budget, docs/performance.md). */
export function getSchema(): GraphQLSchema {
  return (built ??= builder.toSchema({ sortSchema: false }));
}
