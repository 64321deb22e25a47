import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, createRouter, json, jsonBody, listOf, problems } from "../../http/openapi";
import {
  CreateWebhookEndpointInput,
  ListDeliveriesInput,
  ListEndpointsInput,
  ReplayToEndpointInput,
  RotateSecretInput,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from "./schemas";
import * as webhooks from "./service";

const tags = ["Webhooks"];
const IdParam = (example: string) => z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example }) });
const EndpointList = listOf(WebhookEndpoint, "WebhookEndpointList");
const DeliveryList = listOf(WebhookDelivery, "WebhookDeliveryList");
const readProblems = problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND");
const writeProblems = problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE");

export const webhookRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/webhook-endpoints",
      operationId: "createWebhookEndpoint",
      tags,
      security: adminSecurity,
      summary: "Register a webhook endpoint",
      description:
        "Registers a receiver for the given event types (`*` for all). The response carries the signing secret (`whsec_…`); it is shown only here. Deliveries follow Standard Webhooks. Only public https URLs are accepted (scope `webhooks:write`).",
      request: jsonBody(CreateWebhookEndpointInput),
      responses: { 201: json(WebhookEndpointWithSecret, "The endpoint and its secret."), ...writeProblems },
    }),
    async (c) => c.json(await webhooks.createWebhookEndpoint(c.get("services"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/webhook-endpoints",
      operationId: "listWebhookEndpoints",
      tags,
      security: adminSecurity,
      summary: "List webhook endpoints",
      request: { query: ListEndpointsInput },
      responses: { 200: json(EndpointList, "Newest first."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await webhooks.listWebhookEndpoints(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/webhook-endpoints/{id}",
      operationId: "getWebhookEndpoint",
      tags,
      security: adminSecurity,
      summary: "Get a webhook endpoint",
      description: "Includes its health: `failingSince`, `consecutiveFailures`, and why it was disabled. Never the secret.",
      request: { params: IdParam("whep_...") },
      responses: { 200: json(WebhookEndpoint, "The endpoint."), ...readProblems },
    }),
    async (c) => c.json(await webhooks.getWebhookEndpoint(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/webhook-endpoints/{id}",
      operationId: "updateWebhookEndpoint",
      tags,
      security: adminSecurity,
      summary: "Update, enable or disable a webhook endpoint",
      request: { params: IdParam("whep_..."), ...jsonBody(UpdateWebhookEndpointInput) },
      responses: { 200: json(WebhookEndpoint, "The updated endpoint."), ...writeProblems },
    }),
    async (c) => c.json(await webhooks.updateWebhookEndpoint(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/webhook-endpoints/{id}",
      operationId: "deleteWebhookEndpoint",
      tags,
      security: adminSecurity,
      summary: "Delete a webhook endpoint",
      description: "Deletes the endpoint with its deliveries and attempt log.",
      request: { params: IdParam("whep_...") },
      responses: { 204: { description: "Deleted." }, ...readProblems },
    }),
    async (c) => {
      await webhooks.deleteWebhookEndpoint(c.get("services"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/webhook-endpoints/{id}/rotate-secret",
      operationId: "rotateWebhookEndpointSecret",
      tags,
      security: adminSecurity,
      summary: "Rotate the signing secret",
      description:
        "Returns a new secret (shown only here). For `overlapSeconds` the old secret keeps signing too: `webhook-signature` then carries two space-separated signatures, so receivers can switch without missing a delivery.",
      request: { params: IdParam("whep_..."), body: { content: { "application/json": { schema: RotateSecretInput } }, required: false } },
      responses: { 200: json(WebhookEndpointWithSecret, "The endpoint and its new secret."), ...writeProblems },
    }),
    async (c) => c.json(await webhooks.rotateWebhookSecret(c.get("services"), c.req.valid("param").id, c.req.valid("json") ?? {}), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/webhook-deliveries",
      operationId: "listWebhookDeliveries",
      tags,
      security: adminSecurity,
      summary: "List webhook deliveries",
      description: "One delivery per (endpoint, event). Filter by endpoint, event or status; newest first.",
      request: { query: ListDeliveriesInput },
      responses: { 200: json(DeliveryList, "A page of deliveries."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await webhooks.listWebhookDeliveries(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/webhook-deliveries/{id}",
      operationId: "getWebhookDelivery",
      tags,
      security: adminSecurity,
      summary: "Get a delivery with its attempt log",
      description: "Every attempt: our request id (`x-request-id`), status code, latency, the first KiB of the response, or the error.",
      request: { params: IdParam("whdl_...") },
      responses: { 200: json(WebhookDeliveryDetail, "The delivery and its attempts, oldest first."), ...readProblems },
    }),
    async (c) => {
      const services = c.get("services");
      const id = c.req.valid("param").id;
      const delivery = await webhooks.getWebhookDelivery(services, id);
      return c.json({ ...delivery, attemptLog: await webhooks.listDeliveryAttempts(services, id) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/webhook-deliveries/{id}/redeliver",
      operationId: "redeliverWebhookDelivery",
      tags,
      security: adminSecurity,
      summary: "Redeliver",
      description: "Sends the delivery again now with a fresh retry schedule, whatever its status. 409 while the endpoint is disabled.",
      request: { params: IdParam("whdl_...") },
      responses: { 202: json(WebhookDelivery, "Queued; the attempt runs right after this response."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
    }),
    async (c) => c.json(await webhooks.redeliverWebhook(c.get("services"), c.req.valid("param").id), 202),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/webhook-endpoints/{id}/replay",
      operationId: "replayEventToWebhookEndpoint",
      tags,
      security: adminSecurity,
      summary: "Send an event to this endpoint",
      description:
        "Sends one event (`eventId`) to this endpoint now, whether or not a delivery of it exists (an event whose queue message was lost has none): an existing delivery is re-armed with a fresh retry schedule, otherwise one is created, subscribed or not. `webhook-id` stays the event id. 409 while the endpoint is disabled. To run every handler of an event again, use `POST /v1/events/{id}/replay`.",
      request: { params: IdParam("whep_..."), ...jsonBody(ReplayToEndpointInput) },
      responses: {
        202: json(WebhookDelivery, "The delivery; its attempt runs right after this response."),
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE"),
      },
    }),
    async (c) => c.json(await webhooks.replayEventToEndpoint(c.get("services"), c.req.valid("param").id, c.req.valid("json")), 202),
  );
