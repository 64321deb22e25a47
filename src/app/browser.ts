// The browser side of the composition root: pages for people (the demo storefront at /, the admin
// shell at /admin/*, /docs, GraphiQL) served by src/web and src/storefront. The storefront is a client
// of the API like any other: its GraphQL calls go to the API app (src/app/http) in-process.
import type { Env } from "../env";
import { secureResponse } from "../http/security-headers";
import { browserRoutes, type ApiFetch } from "../web";

const api: ApiFetch = async (request, env, ctx) => (await import("./http")).app.fetch(request, env, ctx);
const routes = browserRoutes(api);

/** Pages get the API's security headers too (nosniff, CSP frame-ancestors, HSTS outside development). */
export async function handleBrowserRequest(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  return secureResponse(await routes.fetch(request, env, ctx), new URL(request.url).pathname, env);
}
