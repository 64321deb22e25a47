import { AsyncLocalStorage } from "node:async_hooks";
import { createYoga } from "graphql-yoga";
import type { ServiceContext } from "../context";
import { isDevelopment } from "../env";
import { createGraphQLContext, type GraphQLContext } from "./context";
import { maskError } from "./errors";
import { schema } from "./schema";

interface ServerContext {
  services: ServiceContext;
}

/**
 * One Yoga instance per isolate: it holds only the (static) schema. Everything request-scoped
 * arrives through the server context, built per request by the Hono middleware.
 */
export const yoga = createYoga<ServerContext, GraphQLContext>({
  schema,
  graphqlEndpoint: "/graphql",
  landingPage: false,
  graphiql: (_request, ctx) => isDevelopment(ctx.services.env),
  context: ({ services }) => createGraphQLContext(services),
  // Unexpected errors are logged by maskError with the request id; yoga's own logger would repeat them.
  logging: false,
  maskedErrors: {
    maskError: (error) => maskError(error, requestScope.getStore()?.requestId),
  },
});

/** Carries the request id to yoga's maskError hook, which receives no context of its own. */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

export function handleGraphQL(request: Request, services: ServiceContext): Promise<Response> {
  return requestScope.run({ requestId: services.requestId }, () => Promise.resolve(yoga.fetch(request, { services })));
}
