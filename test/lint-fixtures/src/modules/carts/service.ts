// A service (not a rest/graphql file) of the carts module.

// eslint-disable-next-line edgeshop/module-boundaries -- another module's internals
import { getVariant } from "../catalog/service";
// eslint-disable-next-line edgeshop/module-boundaries -- internals, even type-only
import type { Product } from "../catalog/schemas";
// eslint-disable-next-line edgeshop/module-boundaries -- another module's transport surface
import { catalogRoutes } from "../catalog/rest";
// eslint-disable-next-line edgeshop/module-boundaries -- the REST toolkit is for transports only
import { problemFor } from "../../http/problem";
// eslint-disable-next-line edgeshop/module-boundaries -- the GraphQL toolkit is for transports only
import { builder } from "../../graphql/builder";
// eslint-disable-next-line edgeshop/module-boundaries -- never the composition root
import { app } from "../../app/http";
// eslint-disable-next-line edgeshop/module-boundaries -- re-exports count too
export { listEvents } from "../events/service";

// Allowed, for contrast: a module's surface, and shared code.
import { eventInsert } from "../events";
import { ServiceError } from "../../shared/errors";

export const used = [getVariant, catalogRoutes, problemFor, builder, app, eventInsert, ServiceError] as const;
export type Used = Product;
