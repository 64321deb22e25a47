import { builder, dropNulls } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from "./schemas";
import * as webhooks from "./service";

const EndpointStatusEnum = builder.enumType("WebhookEndpointStatus", {
  values: { ENABLED: { value: "enabled" }, DISABLED: { value: "disabled" } } as const,
});
const DeliveryStatusEnum = builder.enumType("WebhookDeliveryStatus", {
  values: {
    PENDING: { value: "pending", description: "Not yet delivered; `nextAttemptAt` says when it is tried." },
    SUCCEEDED: { value: "succeeded" },
    FAILED: { value: "failed", description: "Gave up (non-retryable answer or retries exhausted); can be redelivered." },
  } as const,
});
const AttemptOutcomeEnum = builder.enumType("WebhookAttemptOutcome", {
  values: { SUCCEEDED: { value: "succeeded" }, RETRY: { value: "retry" }, FAILED: { value: "failed" } } as const,
});

export const WebhookEndpointRef = builder.objectRef<WebhookEndpoint>("WebhookEndpoint");
export const WebhookDeliveryRef = builder.objectRef<WebhookDelivery>("WebhookDelivery");
const WebhookAttemptRef = builder.objectRef<WebhookAttempt>("WebhookAttempt");
const EndpointWithSecretRef = builder.objectRef<{ endpoint: WebhookEndpoint; secret: string }>("WebhookEndpointWithSecret");

WebhookEndpointRef.implement({
  description: "A receiver of signed event deliveries (Standard Webhooks). Admin (scope webhooks:write).",
  fields: (t) => ({
    id: t.exposeID("id"),
    url: t.exposeString("url"),
    description: t.exposeString("description"),
    eventTypes: t.exposeStringList("eventTypes", { description: "Subscribed types; `*` for all." }),
    status: t.field({ type: EndpointStatusEnum, resolve: (e) => e.status }),
    disabledReason: t.exposeString("disabledReason", { nullable: true }),
    disabledAt: t.exposeString("disabledAt", { nullable: true }),
    failingSince: t.exposeString("failingSince", { nullable: true, description: "Start of the current failure streak." }),
    consecutiveFailures: t.exposeInt("consecutiveFailures"),
    previousSecretExpiresAt: t.exposeString("previousSecretExpiresAt", { nullable: true, description: "Until then deliveries carry two signatures (rotation overlap)." }),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
    deliveries: t.connection({
      type: WebhookDeliveryRef,
      args: { status: t.arg({ type: DeliveryStatusEnum }) },
      resolve: async (e, args, ctx) =>
        toConnection(await webhooks.listWebhookDeliveries(ctx.services, { ...forwardArgs(args), endpointId: e.id, ...(args.status && { status: args.status }) })),
    }),
  }),
});

WebhookAttemptRef.implement({
  description: "One HTTP attempt of a delivery.",
  fields: (t) => ({
    id: t.exposeID("id"),
    requestId: t.exposeString("requestId", { description: "Sent as x-request-id." }),
    url: t.exposeString("url"),
    statusCode: t.exposeInt("statusCode", { nullable: true }),
    latencyMs: t.exposeInt("latencyMs"),
    responseExcerpt: t.exposeString("responseExcerpt", { nullable: true, description: "First KiB of the response body." }),
    error: t.exposeString("error", { nullable: true }),
    outcome: t.field({ type: AttemptOutcomeEnum, resolve: (a) => a.outcome }),
    createdAt: t.exposeString("createdAt"),
  }),
});

WebhookDeliveryRef.implement({
  description: "One event for one endpoint, with its attempt log.",
  fields: (t) => ({
    id: t.exposeID("id"),
    endpointId: t.exposeID("endpointId"),
    eventId: t.exposeID("eventId", { description: "Also the webhook-id header." }),
    eventType: t.exposeString("eventType"),
    status: t.field({ type: DeliveryStatusEnum, resolve: (d) => d.status }),
    attempts: t.exposeInt("attempts"),
    nextAttemptAt: t.exposeString("nextAttemptAt", { nullable: true }),
    lastStatusCode: t.exposeInt("lastStatusCode", { nullable: true }),
    lastError: t.exposeString("lastError", { nullable: true }),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
    succeededAt: t.exposeString("succeededAt", { nullable: true }),
    attemptLog: t.field({ type: [WebhookAttemptRef], description: "Oldest first.", resolve: (d, _args, ctx) => webhooks.listDeliveryAttempts(ctx.services, d.id) }),
  }),
});

EndpointWithSecretRef.implement({
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointRef, resolve: (r) => r.endpoint }),
    secret: t.exposeString("secret", { description: "whsec_…, shown only in this response." }),
  }),
});

builder.queryFields((t) => ({
  webhookEndpoints: t.connection({
    type: WebhookEndpointRef,
    description: "Registered webhook endpoints, newest first. Admin (webhooks:write).",
    resolve: async (_root, args, ctx) => toConnection(await webhooks.listWebhookEndpoints(ctx.services, forwardArgs(args))),
  }),
  webhookEndpoint: t.field({
    type: WebhookEndpointRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => webhooks.getWebhookEndpoint(ctx.services, args.id),
  }),
  webhookDeliveries: t.connection({
    type: WebhookDeliveryRef,
    description: "Deliveries filtered by endpoint, event and status, newest first. Admin (webhooks:write).",
    args: { endpointId: t.arg.id(), eventId: t.arg.id(), status: t.arg({ type: DeliveryStatusEnum }) },
    resolve: async (_root, args, ctx) => {
      const { first, after, last, before, ...filters } = args;
      return toConnection(await webhooks.listWebhookDeliveries(ctx.services, { ...forwardArgs({ first, after, last, before }), ...dropNulls(filters) }));
    },
  }),
  webhookDelivery: t.field({
    type: WebhookDeliveryRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => webhooks.getWebhookDelivery(ctx.services, args.id),
  }),
}));

const SubscribedTypesArg = { description: "Event types such as order.placed, or * for all." };

const CreateWebhookEndpointInputRef = builder.inputType("CreateWebhookEndpointInput", {
  fields: (t) => ({
    url: t.string({ required: true, description: "Public https URL." }),
    eventTypes: t.stringList({ required: true, ...SubscribedTypesArg }),
    description: t.string(),
  }),
});

const UpdateWebhookEndpointInputRef = builder.inputType("UpdateWebhookEndpointInput", {
  description: "Only the fields you send change. enabled: true re-enables a disabled endpoint.",
  fields: (t) => ({
    url: t.string(),
    eventTypes: t.stringList(SubscribedTypesArg),
    description: t.string(),
    enabled: t.boolean(),
  }),
});

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: EndpointWithSecretRef,
    description: "Register an endpoint; the returned secret is shown only once. Admin (webhooks:write).",
    args: { input: t.arg({ type: CreateWebhookEndpointInputRef, required: true }) },
    resolve: (_root, args, ctx) => webhooks.createWebhookEndpoint(ctx.services, dropNulls(args.input)),
  }),
  updateWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateWebhookEndpointInputRef, required: true }) },
    resolve: (_root, args, ctx) => webhooks.updateWebhookEndpoint(ctx.services, args.id, dropNulls(args.input)),
  }),
  deleteWebhookEndpoint: t.field({
    type: "Boolean",
    description: "Delete an endpoint with its deliveries. Returns true.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await webhooks.deleteWebhookEndpoint(ctx.services, args.id);
      return true;
    },
  }),
  rotateWebhookSecret: t.field({
    type: EndpointWithSecretRef,
    description: "New secret now; the old one keeps signing alongside it for overlapSeconds (default 86400).",
    args: { id: t.arg.id({ required: true }), overlapSeconds: t.arg.int() },
    resolve: (_root, args, ctx) => webhooks.rotateWebhookSecret(ctx.services, args.id, args.overlapSeconds == null ? {} : { overlapSeconds: args.overlapSeconds }),
  }),
  redeliverWebhook: t.field({
    type: WebhookDeliveryRef,
    description: "Send a delivery again now with a fresh retry schedule.",
    args: { deliveryId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => webhooks.redeliverWebhook(ctx.services, args.deliveryId),
  }),
  replayEventToWebhookEndpoint: t.field({
    type: WebhookDeliveryRef,
    description: "Send one event to one endpoint now, creating the delivery if the event never got one (or re-arming it).",
    args: { endpointId: t.arg.id({ required: true }), eventId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => webhooks.replayEventToEndpoint(ctx.services, args.endpointId, { eventId: args.eventId }),
  }),
}));
