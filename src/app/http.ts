import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { authenticate } from "./auth";
import { handleGraphQL } from "./graphql";
import "./wiring";
import { allowedMethodsIndex } from "../http/allowed-methods";
import { cors } from "../http/cors";
import { d1Session } from "../http/d1-session";
import { securityHeaders } from "../http/security-headers";
import { limitBody, requestId, requireJson } from "../http/middleware";
import { errorToResponse, problemFor, problemResponse } from "../http/problem";
import type { AppEnv } from "../http/types";
import { accessRoutes } from "../modules/access/rest";
import { auditAdminWrites, auditRoutes } from "../modules/audit/rest";
import { cartRoutes } from "../modules/carts/rest";
import { catalogRoutes, deliverImageRoute, isImageUpload, MAX_IMAGE_BYTES } from "../modules/catalog/rest";
import { customerRoutes } from "../modules/customers/rest";
import { asyncApiDocument, eventRoutes } from "../modules/events/rest";
import { giftCardRoutes } from "../modules/gift-cards/rest";
import { inventoryRoutes } from "../modules/inventory/rest";
import { fulfillmentRoutes } from "../modules/fulfillments/rest";
import { orderRoutes } from "../modules/orders/rest";
import { pricingRoutes } from "../modules/pricing/rest";
import { paymentRoutes } from "../modules/payments/rest";
import { returnRoutes } from "../modules/returns/rest";
import { protectionLimits } from "../modules/protection";
import { catalogReadCache, limitJson, restRateLimit } from "../modules/protection/rest";
import { promotionRoutes } from "../modules/promotions/rest";
import { recommendationRoutes } from "../modules/recommendations/rest";
import { shippingRoutes } from "../modules/shipping/rest";
import { taxRoutes } from "../modules/tax/rest";
import { staffRoutes } from "../modules/staff/rest";
import { webhookRoutes } from "../modules/webhooks/rest";
import { ServiceError } from "../shared/errors";

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.use("*", requestId(), securityHeaders());
  // Browsers on listed origins (CORS_ALLOWED_ORIGINS): preflights are answered here, before any
  // body limit or authentication runs.
  for (const path of ["/v1/*", "/graphql", "/openapi.json", "/asyncapi.json"]) app.use(path, cors());
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

  const maxBodyBytes = (c: Context<AppEnv>) => (isImageUpload(c) ? MAX_IMAGE_BYTES : protectionLimits(c.env).maxBodyBytes);
  app.use("/v1/*", limitBody(maxBodyBytes), requireJson(isImageUpload), limitJson(), d1Session(), authenticate({ csrf: "unsafe-methods" }), auditAdminWrites(operationIdOf), restRateLimit());
  // Public catalog GETs: ETag / 304, Cache-Control and the edge cache (docs/protection.md).
  for (const path of ["/v1/products", "/v1/products/:idOrSlug", "/v1/categories", "/v1/categories/:idOrSlug", "/v1/search"]) {
    app.use(path, catalogReadCache());
  }
  // Each module's REST surface is one router; the order is the order of the OpenAPI document.
  for (const routes of [catalogRoutes, customerRoutes, inventoryRoutes, cartRoutes, orderRoutes, paymentRoutes, fulfillmentRoutes, returnRoutes, pricingRoutes, taxRoutes, shippingRoutes, promotionRoutes, giftCardRoutes, webhookRoutes, eventRoutes, recommendationRoutes, staffRoutes, accessRoutes, auditRoutes]) {
    app.route("/v1", routes);
  }

  // Uploaded product images, with their sized variants (`?w=`): public, immutable, cacheable for a year.
  app.get("/images/*", deliverImageRoute);

  app.use("/graphql", limitBody(maxBodyBytes), d1Session(), authenticate({ csrf: "graphql" }));
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
  app.openAPIRegistry.registerComponent("securitySchemes", "staffSession", {
    type: "apiKey",
    in: "cookie",
    name: "__Host-edgeshop_staff",
    description:
      "Staff session cookie set by `POST /v1/staff/sign-in` (HttpOnly, Secure, SameSite=Strict). Cookie-authenticated POST, PUT, PATCH and DELETE requests must send the session's `csrfToken` as `X-CSRF-Token` (403 otherwise). The same session token works as `Authorization: Bearer essess_…` without CSRF.",
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

  // The audit log names REST writes by operationId: (method, Hono route path) -> operationId, read
  // from the OpenAPI registry once, on the first admin write.
  let operations: Map<string, string> | undefined;
  function operationIdOf(method: string, routePath: string): string | undefined {
    operations ??= new Map(
      app.openAPIRegistry.definitions.flatMap((d) =>
        d.type === "route" && d.route.operationId ? [[`${d.route.method.toUpperCase()} ${d.route.path.replace(/\{(\w+)\}/g, ":$1")}`, d.route.operationId] as const] : [],
      ),
    );
    return operations.get(`${method} ${routePath}`);
  }

  return app;
}

export const app = createApp();
