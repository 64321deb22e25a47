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

export const schema = builder.toSchema({ sortSchema: false });
