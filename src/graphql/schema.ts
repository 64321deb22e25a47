import { builder } from "./builder";
// Each module registers its types and fields on the builder when imported.
import "../modules/catalog/graphql";
import "../modules/customers/graphql";
import "../modules/inventory/graphql";

export const schema = builder.toSchema({ sortSchema: false });
