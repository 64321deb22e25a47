import { builder } from "./builder";
// Each module registers its types and fields on the builder when imported.
import "../modules/catalog/graphql";
import "../modules/recommendations/graphql";

export const schema = builder.toSchema({ sortSchema: false });
