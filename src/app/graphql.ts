import { AsyncLocalStorage } from "node:async_hooks";
import type { GraphQLSchema } from "graphql";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { ServiceContext } from "../context";
import type { D1SessionScope } from "../db/session";
import { isDevelopment } from "../env";
import { createGraphQLContext, type GraphQLContext } from "./graphql-context";
import { maskError } from "../graphql/errors";
import { builder } from "../graphql/builder";
import { protectionLimits } from "../modules/protection";
import { graphqlProtectionPlugins } from "../modules/protection/graphql";
// Each module's GraphQL surface registers its types and fields on the builder when imported; a
// module that extends another's types (Product.recommendations, Variant.availability) comes after it.
import "../modules/catalog/graphql";
import "../modules/customers/graphql";
import "../modules/inventory/graphql";
import "../modules/pricing/graphql";
import "../modules/tax/graphql";
import "../modules/shipping/graphql";
import "../modules/carts/graphql";
import "../modules/orders/graphql";
import "../modules/promotions/graphql";
import "../modules/gift-cards/graphql";
import "../modules/payments/graphql";
import "../modules/fulfillments/graphql";
import "../modules/returns/graphql";
import "../modules/webhooks/graphql";
import "../modules/events/graphql";
import "../modules/recommendations/graphql";
import "../modules/staff/graphql";
import "../modules/access/graphql";
import "../modules/audit/graphql";
import { useAuditLog } from "../modules/audit/graphql";
import { useStaffCsrf } from "../modules/staff/graphql";

let built: GraphQLSchema | undefined;

/** Built on the first GraphQL request, not at Worker start-up (start-up CPU budget, docs/performance.md). */
export function getSchema(): GraphQLSchema {
  return (built ??= builder.toSchema({ sortSchema: false }));
}

interface ServerContext {
  services: ServiceContext;
  d1Session?: D1SessionScope;
  /** `Set-Cookie` values resolvers ask for (staff sign-in and sign-out), added to the response. */
  responseCookies: string[];
}

/** Headers that make a GET or form POST "non-simple", so a browser must preflight it (CSRF). */
export const CSRF_HEADERS = ["x-graphql-csrf", "apollo-require-preflight"];

type Mode = { development: boolean; trustedDocumentsOnly: boolean };

function createInstance(mode: Mode): YogaServerInstance<ServerContext, GraphQLContext> {
  const plugins: Plugin[] = [
    useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
    useStaffCsrf() as Plugin,
    ...graphqlProtectionPlugins(mode),
    useAuditLog() as Plugin,
  ];
  return createYoga<ServerContext, GraphQLContext>({
    schema: getSchema(),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // GraphiQL is served by src/app/browser from pinned static assets (no CDN), in development only.
    graphiql: false,
    plugins,
    context: ({ services, responseCookies }) => createGraphQLContext(services, responseCookies),
    // CORS is the Hono middleware's (exact allow-list); Yoga's default would reflect any origin.
    cors: false,
    // The body limit is the Hono middleware's too (src/app/http.ts `limitBody`: MAX_BODY_BYTES, image
    // uploads MAX_IMAGE_BYTES), in front of every /graphql request and far below Yoga's default 25 MB;
    // Yoga's own copy piped every request body through one more TransformStream (~3% of a read).
    maxRequestBodySize: false,
    // Unexpected errors are logged by maskError with the request id; yoga's own logger would repeat them.
    logging: false,
    maskedErrors: {
      maskError: (error) => maskError(error, requestScope.getStore()?.requestId),
    },
  });
}

/**
 * At most one Yoga instance per mode per isolate, built on first use: each holds only the static
 * schema, its plugins and its parse/validate cache. Everything request-scoped arrives through the
 * server context, built per request by the Hono middleware.
 */
const instances = new Map<string, YogaServerInstance<ServerContext, GraphQLContext>>();

function yogaFor(services: ServiceContext): YogaServerInstance<ServerContext, GraphQLContext> {
  const mode: Mode = { development: isDevelopment(services.env), trustedDocumentsOnly: protectionLimits(services.env).trustedDocumentsOnly };
  const key = `${mode.development}:${mode.trustedDocumentsOnly}`;
  let instance = instances.get(key);
  if (!instance) instances.set(key, (instance = createInstance(mode)));
  return instance;
}

/** Carries the request id to yoga's maskError hook, which receives no context of its own. */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

export async function handleGraphQL(request: Request, services: ServiceContext, d1Session?: D1SessionScope): Promise<Response> {
  const yoga = yogaFor(services);
  const responseCookies: string[] = [];
  const response = await requestScope.run({ requestId: services.requestId }, () => Promise.resolve(yoga.fetch(request, { services, responseCookies, ...(d1Session && { d1Session }) })));
  if (responseCookies.length === 0) return response;
  const withCookies = new Response(response.body, response);
  for (const cookie of responseCookies) withCookies.headers.append("set-cookie", cookie);
  return withCookies;
}
