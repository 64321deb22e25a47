// A transport file of the carts module: toolkits and other modules' transport surfaces are allowed.
import { builder } from "../../graphql/builder";
import { ProductRef } from "../catalog/graphql";
// eslint-disable-next-line edgeshop/module-boundaries -- but still not another module's internals
import { loaders } from "../catalog/loaders";
// eslint-disable-next-line edgeshop/module-boundaries -- nor the composition root
import { getSchema } from "../../app/graphql";

export const used = [builder, ProductRef, loaders, getSchema] as const;
