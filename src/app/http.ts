import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { authenticate } from "./auth";
import { handleGraphQL } from "./graphql";
import "./wiring";
import { allowedMethodsIndex } from "../http/allowed-methods";
import { d1Session } from "../http/d1-session";
import { limitBody, requestId, requireJson } from "../http/middleware";
import { errorToResponse, problemFor, problemResponse } from "../http/problem";
import type { AppEnv } from "../http/types";
import { cartRoutes } from "../modules/carts/rest";
import { catalogRoutes } from "../modules/catalog/rest";
import { customerRoutes } from "../modules/customers/rest";
import { asyncApiDocument, eventRoutes } from "../modules/events/rest";
import { inventoryRoutes } from "../modules/inventory/rest";
import { fulfillmentRoutes } from "../modules/fulfillments/rest";
import { orderRoutes } from "../modules/orders/rest";
import { paymentRoutes } from "../modules/payments/rest";
import { returnRoutes } from "../modules/returns/rest";
import { protectionLimits } from "../modules/protection";
import { catalogReadCache, limitJson, restRateLimit } from "../modules/protection/rest";
import { recommendationRoutes } from "../modules/recommendations/rest";
import { webhookRoutes } from "../modules/webhooks/rest";
import { ServiceError } from "../shared/errors";

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.use("*", requestId());
  app.onError((error, c) => {
    if (error instanceof HTTPException && !(error instanceof ServiceError)) {
      // Hono's own validators throw HTTPException (e.g. malformed JSON): a client error, not ours.
      const code = error.status === 413 ? "PAYLOAD_TOO_LARGE" : error.status === 415 ? "UNSUPPORTED_MEDIA_TYPE" : "BAD_REQUEST";
      return errorToResponse(c, new ServiceError(code, error.message || "The request is malformed."));
    }
    return errorToResponse(c, error);
  });
  // A known path with the wrong method is a 405 with `Allow`; anything else a 404. Built on first use, after every route is registered.
  let allowedMethods: ((pathname: string) => string[]) | undefined;
  app.notFound((c) => {
    const pathname = new URL(c.req.url).pathname;
    allowedMethods ??= allowedMethodsIndex(app.routes);
    const allow = allowedMethods(pathname);
    if (allow.length > 0) {
      return problemResponse(c, problemFor("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on ${pathname}; use ${allow.join(", ")}.`), { allow: allow.join(", ") });
    }
    return problemResponse(c, problemFor("NOT_FOUND", `No route for ${c.req.method} ${pathname}.`));
  });

  // Liveness only: answers without touching D1 or any other binding.
  app.get("/healthz", (c) => c.json({ status: "ok" }));

  const maxBodyBytes = (env: AppEnv["Bindings"]) => protectionLimits(env).maxBodyBytes;
  app.use("/v1/*", limitBody(maxBodyBytes), requireJson(), limitJson(), d1Session(), authenticate(), restRateLimit());
  // Public catalog GETs: ETag / 304, Cache-Control and the edge cache (docs/protection.md).
  for (const path of ["/v1/products", "/v1/products/:idOrSlug", "/v1/categories", "/v1/categories/:idOrSlug", "/v1/search"]) {
    app.use(path, catalogReadCache());
  }
  // Each module's REST surface is one router; the order is the order of the OpenAPI document.
  for (const routes of [catalogRoutes, customerRoutes, inventoryRoutes, cartRoutes, orderRoutes, paymentRoutes, fulfillmentRoutes, returnRoutes, webhookRoutes, eventRoutes, recommendationRoutes]) {
    app.route("/v1", routes);
  }

  app.use("/graphql", limitBody(maxBodyBytes), d1Session(), authenticate());
  app.on(["GET", "POST"], "/graphql", (c) => handleGraphQL(c.req.raw, c.get("services"), c.get("d1Session")));

  app.openAPIRegistry.registerComponent("securitySchemes", "adminApiKey", {
    type: "http",
    scheme: "bearer",
    description: "Admin API key (`esk_admin_…`), sent as `Authorization: Bearer <key>`.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "customerToken", {
    type: "http",
    scheme: "bearer",
    description: "Customer token (`ectok_…`) from sign-up or sign-in, sent as `Authorization: Bearer <token>`.",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Edgeshop API",
      version: "1.0.0",
      description:
        "Headless commerce on one Cloudflare Worker. Errors are RFC 9457 problem details (`application/problem+json`); list endpoints page with `limit` and `cursor`; money is integer minor units with an ISO 4217 currency. " +
        "Every `/v1` response carries `RateLimit-Policy` and `RateLimit` headers (one bucket per API key, customer or client IP); past the limit the answer is 429 `throttled` with `Retry-After`. " +
        "JSON bodies are limited in size (413), nesting depth and array length (400 `json-too-complex`). Public catalog GETs carry a strong `ETag` (send `If-None-Match` for a 304) and `Cache-Control`, and are served from the edge cache. " +
        "Send back the `x-d1-bookmark` response header with your next request to read your own writes.",
    },
    servers: [{ url: "/", description: "This deployment" }],
  });
  // The event catalogue for webhook receivers, generated from the payload schemas.
  app.get("/asyncapi.json", (c) => c.json(asyncApiDocument()));
  // /docs (the API reference) and GraphiQL are pages for people: src/app/browser serves them from pinned static assets.

  return app;
}

export const app = createApp();
