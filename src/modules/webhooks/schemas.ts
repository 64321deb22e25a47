import { z } from "@hono/zod-openapi";
import { PageCursor, PageLimit, Timestamp } from "../../shared/schemas";
import { eventTypes } from "../events";

export const SubscribedEventType = z.enum(["*", ...eventTypes]).openapi({ description: "An event type, or `*` for all.", example: "order.placed" });

export const CreateWebhookEndpointInput = z
  .object({
    url: z.string().min(1).max(2048).openapi({ example: "https://erp.example.com/hooks/edgeshop", description: "Public https URL (private, loopback and link-local addresses are refused)." }),
    eventTypes: z.array(SubscribedEventType).min(1).max(32).openapi({ example: ["order.placed", "order.paid"] }),
    description: z.string().max(500).optional(),
  })
  .strict()
  .openapi("CreateWebhookEndpointInput");
export type CreateWebhookEndpointInput = z.infer<typeof CreateWebhookEndpointInput>;

export const UpdateWebhookEndpointInput = z
  .object({
    url: z.string().min(1).max(2048).optional(),
    eventTypes: z.array(SubscribedEventType).min(1).max(32).optional(),
    description: z.string().max(500).optional(),
    enabled: z.boolean().optional().openapi({ description: "true re-enables a disabled endpoint (its pending deliveries resume); false disables it." }),
  })
  .strict()
  .openapi("UpdateWebhookEndpointInput");

export const RotateSecretInput = z
  .object({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(86400)
      .openapi({ description: "How long the old secret keeps signing next to the new one (default one day, at most seven)." }),
  })
  .strict()
  .openapi("RotateWebhookSecretInput");

export const ReplayToEndpointInput = z
  .object({ eventId: z.string().min(1).max(64).openapi({ example: "evt_01jd…", description: "The event to send to this endpoint." }) })
  .strict()
  .openapi("ReplayEventToWebhookEndpointInput");

export const WebhookEndpoint = z
  .object({
    id: z.string().openapi({ example: "whep_01jd…" }),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    status: z.enum(["enabled", "disabled"]),
    disabledReason: z.string().nullable().openapi({ description: "Why it was disabled (410 Gone, a failure streak longer than the window, or an admin)." }),
    disabledAt: Timestamp.nullable(),
    failingSince: Timestamp.nullable().openapi({ description: "Start of the current run of failed attempts." }),
    consecutiveFailures: z.number().int(),
    previousSecretExpiresAt: Timestamp.nullable().openapi({ description: "Until then, deliveries carry signatures from the old and the new secret." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("WebhookEndpoint");
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointWithSecret = z
  .object({
    endpoint: WebhookEndpoint,
    secret: z.string().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", description: "Shown only in this response. Store it to verify signatures." }),
  })
  .openapi("WebhookEndpointWithSecret");

export const DeliveryStatus = z.enum(["pending", "succeeded", "failed"]);

export const WebhookAttempt = z
  .object({
    id: z.string(),
    requestId: z.string().openapi({ description: "Sent as `x-request-id`." }),
    url: z.string(),
    statusCode: z.number().int().nullable(),
    latencyMs: z.number().int(),
    responseExcerpt: z.string().nullable().openapi({ description: "First 1 KiB of the response body." }),
    error: z.string().nullable().openapi({ description: "Network error, timeout or policy refusal; null when a response arrived." }),
    outcome: z.enum(["succeeded", "retry", "failed"]),
    createdAt: Timestamp,
  })
  .openapi("WebhookAttempt");
export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

export const WebhookDelivery = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string().openapi({ description: "Also the `webhook-id` header." }),
    eventType: z.string(),
    status: DeliveryStatus,
    attempts: z.number().int(),
    nextAttemptAt: Timestamp.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    succeededAt: Timestamp.nullable(),
  })
  .openapi("WebhookDelivery");
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryDetail = WebhookDelivery.extend({ attemptLog: z.array(WebhookAttempt) }).openapi("WebhookDeliveryDetail");

export const ListEndpointsInput = z.object({ limit: PageLimit, cursor: PageCursor });

export const ListDeliveriesInput = z.object({
  endpointId: z.string().max(64).optional().openapi({ description: "Only this endpoint's deliveries." }),
  eventId: z.string().max(64).optional().openapi({ description: "Only deliveries of this event." }),
  status: DeliveryStatus.optional(),
  limit: PageLimit,
  cursor: PageCursor,
});
