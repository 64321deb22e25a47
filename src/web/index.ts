// Browser-facing routes: the admin SPA's shell at /admin/*, the API reference at /docs, GraphiQL at
// GET /graphql (development), and the demo storefront at /. The HTML shells and every script and
// stylesheet are Workers static assets built by `npm run build:web` (web/dist); the Worker only
// picks the shell, adds its security headers, and for the storefront renders the pages itself.
import { Hono, type Context } from "hono";
import { isDevelopment, type Env } from "../env";
import { storefrontRoutes } from "../storefront";
import type { ApiFetch } from "../storefront/api";

export type { ApiFetch };

const common = "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
/** The admin: its own scripts and styles only; talks to this origin only. */
export const ADMIN_CSP = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; ${common}`;
/** Scalar and GraphiQL inject styles at run time and run web workers; still nothing from another host. */
export const TOOL_CSP = `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; ${common}`;

type WebEnv = { Bindings: Env };

async function shell(c: Context<WebEnv>, page: string, csp: string, transform?: (res: Response) => Response): Promise<Response> {
  if (!c.env.ASSETS) return c.text("Static assets are missing: run `npm run build:web`.", 503);
  const asset = await c.env.ASSETS.fetch(new Request(new URL(`/pages/${page}`, c.req.url)));
  if (!asset.ok) return c.text(`The ${page} page is missing from the static assets: run \`npm run build:web\`.`, 503);
  const res = new Response(transform ? transform(asset).body : asset.body, { status: 200, headers: { "content-type": "text/html; charset=utf-8" } });
  res.headers.set("content-security-policy", csp);
  res.headers.set("x-content-type-options", "nosniff");
  res.headers.set("referrer-policy", "same-origin");
  // The shells name content-hashed or versioned files; revalidate them so a deploy is picked up at once.
  res.headers.set("cache-control", "no-cache");
  if (asset.headers.get("etag")) res.headers.set("etag", asset.headers.get("etag")!);
  return res;
}

export function browserRoutes(fetchApi: ApiFetch) {
  const app = new Hono<WebEnv>();

  const admin = (c: Context<WebEnv>) =>
    shell(c, "admin", ADMIN_CSP, (res) =>
      // The API-key sign-in (for set-up before any staff exist) is offered in development only.
      new HTMLRewriter()
        .on("head", {
          element(head) {
            head.append(`<meta name="edgeshop-environment" content="${isDevelopment(c.env) ? "development" : "production"}">`, { html: true });
          },
        })
        .transform(res),
    );
  app.get("/admin", admin);
  app.get("/admin/*", admin);
  app.get("/docs", (c) => shell(c, "docs", TOOL_CSP));
  // GraphiQL in development; otherwise the request is the API's (whatever /graphql answers a browser).
  app.get("/graphql", (c) => (isDevelopment(c.env) ? shell(c, "graphiql", TOOL_CSP) : fetchApi(c.req.raw, c.env, c.executionCtx as unknown as ExecutionContext)));
  app.route("/", storefrontRoutes(fetchApi));
  return app;
}
