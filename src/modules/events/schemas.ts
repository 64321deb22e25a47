import { z } from "@hono/zod-openapi";
import { PageLimit, Timestamp } from "../../shared/schemas";
import { eventTypes } from "./outbox";

export const EventTypeSchema = z.enum(eventTypes);

export const Event = z
  .object({
    id: z.string().openapi({ example: "evt_01jd…", description: "Also the `webhook-id` of its deliveries." }),
    type: EventTypeSchema,
    resource: z.object({ type: z.string(), id: z.string() }),
    sequence: z.number().int().openapi({ description: "1, 2, 3… per resource: apply events of one resource in this order." }),
    timestamp: Timestamp,
    data: z.record(z.string(), z.unknown()).openapi({ description: "Shape per type: see /asyncapi.json." }),
    publishedAt: Timestamp.nullable().openapi({ description: "When the relay handed it to the queue; null while still in the outbox." }),
    handledAt: Timestamp.nullable().openapi({
      description: "When the consumer had run every handler subscribed to it (webhook fan-out included); null until then, and for events recorded before this was tracked.",
    }),
  })
  .openapi("Event");
export type Event = z.infer<typeof Event>;

export const ReplayEventInput = z
  .object({
    handlers: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(20)
      .optional()
      .openapi({ description: "Which handlers run again (e.g. `webhooks.fan-out`); all that subscribe to the event's type when omitted.", example: ["webhooks.fan-out"] }),
  })
  .strict();

export const EventReplay = z
  .object({
    event: Event,
    handlers: z.array(z.string()).openapi({ description: "The handlers that run again." }),
  })
  .openapi("EventReplay");
export type EventReplay = z.infer<typeof EventReplay>;

export const ListEventsInput = z.object({
  after: z.string().min(1).max(512).optional().openapi({ description: "Resume after this cursor (`next_cursor` of an earlier call). Omit to start from the oldest event." }),
  types: z
    .string()
    .max(1000)
    .optional()
    .openapi({ description: "Comma-separated event types, e.g. `order.placed,order.paid`.", example: "order.placed,order.paid" }),
  limit: PageLimit,
});

export const EventFeed = z
  .object({
    data: z.array(Event),
    next_cursor: z.string().nullable().openapi({ description: "Pass as `after` to continue. Present even on the last page (null only when there are no events at all), so a receiver can poll from where it stopped." }),
    has_more: z.boolean().openapi({ description: "True when more events are already available after `next_cursor`." }),
  })
  .openapi("EventFeed");

export const DeadLetter = z
  .object({
    id: z.string(),
    eventId: z.string().nullable(),
    eventType: z.string().nullable(),
    body: z.unknown().openapi({ description: "The queue message as it died." }),
    attempts: z.number().int(),
    status: z.enum(["dead", "replayed"]),
    deadCount: z.number().int().openapi({ description: "How many times it reached the dead-letter queue." }),
    firstDeadAt: Timestamp,
    lastDeadAt: Timestamp,
    replayedAt: Timestamp.nullable(),
  })
  .openapi("DeadLetter");
export type DeadLetter = z.infer<typeof DeadLetter>;

export const ListDeadLettersInput = z.object({
  status: z.enum(["dead", "replayed"]).optional(),
  limit: PageLimit,
  cursor: z.string().min(1).max(512).optional(),
});
