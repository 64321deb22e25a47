import { z } from "zod";
import { envelopeSchema, eventCatalogue } from "./catalogue";
import { eventTypes } from "./outbox";

/**
 * AsyncAPI 3.0 document for webhook receivers, generated from the catalogue's zod schemas, so
 * the documentation cannot drift from what producers validate against.
 */
export function asyncApiDocument() {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const type of eventTypes) {
    const name = type.replace(/[._]([a-z])/g, (_m, c: string) => c.toUpperCase());
    const { summary } = eventCatalogue[type];
    messages[name] = {
      name: type,
      title: type,
      summary,
      contentType: "application/json",
      headers: { $ref: "#/components/schemas/WebhookHeaders" },
      payload: liftDefinitions(z.toJSONSchema(envelopeSchema(type), { target: "draft-7", unrepresentable: "any" }), schemas),
    };
    channels[type] = { address: type, description: summary, messages: { [name]: { $ref: `#/components/messages/${name}` } } };
    operations[`receive${name[0]!.toUpperCase()}${name.slice(1)}`] = {
      action: "receive",
      channel: { $ref: `#/channels/${type.replaceAll("/", "~1")}` },
      summary: `Receive ${type}`,
    };
  }
  return {
    asyncapi: "3.0.0",
    info: {
      title: "Edgeshop events",
      version: "1.0.0",
      description:
        "Events delivered to registered webhook endpoints (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`) and readable through `GET /v1/events`. Delivery is at least once: deduplicate on `webhook-id` (the event id). Per-resource order is given by the event's `sequence` in the pull API.",
    },
    defaultContentType: "application/json",
    channels,
    operations,
    components: {
      messages,
      schemas: {
        ...schemas,
        WebhookHeaders: {
          type: "object",
          required: ["webhook-id", "webhook-timestamp", "webhook-signature"],
          properties: {
            "webhook-id": { type: "string", description: "The event id (`evt_…`); the same on every retry: use it to deduplicate." },
            "webhook-timestamp": { type: "string", description: "Unix seconds when this attempt was signed; reject if far from now." },
            "webhook-signature": { type: "string", description: "Space-separated `v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>`; two during a secret rotation." },
          },
        },
      },
    },
  };
}

/**
 * Payloads are AsyncAPI Schema Objects (a superset of JSON Schema draft 7, hence the zod target). zod puts shared
 * schemas (those with `meta({ id })`, e.g. Money) in `definitions` inside each payload and points at them with
 * `#/definitions/…`, which in an AsyncAPI document resolves against the document root, where there is none.
 * Move them to `components.schemas` (one copy each) and point there.
 */
function liftDefinitions(schema: Record<string, unknown>, into: Record<string, unknown>): Record<string, unknown> {
  const { definitions, $schema: _dialect, ...rest } = schema as { definitions?: Record<string, unknown>; $schema?: string };
  for (const [name, definition] of Object.entries(definitions ?? {})) {
    const existing = into[name];
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(definition)) {
      throw new Error(`Two different event schemas are both named ${name}.`);
    }
    into[name] = definition;
  }
  return JSON.parse(JSON.stringify(rest).replaceAll('"#/definitions/', '"#/components/schemas/')) as Record<string, unknown>;
}
