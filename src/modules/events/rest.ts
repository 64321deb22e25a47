import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, createRouter, json, listOf, problems } from "../../http/openapi";
import { DeadLetter, Event, EventFeed, EventReplay, ListDeadLettersInput, ListEventsInput, ReplayEventInput } from "./schemas";
import * as eventsService from "./service";

const tags = ["Events"];
const IdParam = (example: string) => z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example }) });
const DeadLetterList = listOf(DeadLetter, "DeadLetterList");

export const eventRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/events",
      operationId: "listEvents",
      tags,
      security: adminSecurity,
      summary: "Pull events (reconciliation feed)",
      description:
        "Every recorded event in commit order, after `after`. A receiver stores `next_cursor` and polls with it to catch anything its webhooks missed; deduplicate on `id` (= `webhook-id`). Scope `events:read`.",
      request: { query: ListEventsInput },
      responses: { 200: json(EventFeed, "Events after the cursor, oldest first."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await eventsService.listEvents(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.resumeCursor, has_more: page.nextCursor !== null }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{id}",
      operationId: "getEvent",
      tags,
      security: adminSecurity,
      summary: "Get an event",
      request: { params: IdParam("evt_...") },
      responses: { 200: json(Event, "The event."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
    }),
    async (c) => c.json(await eventsService.getEvent(c.get("services"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{id}/replay",
      operationId: "replayEvent",
      tags,
      security: adminSecurity,
      summary: "Run an event's handlers again",
      description:
        "Clears the named handlers' records of having run for this event (all handlers subscribed to its type when `handlers` is omitted) and puts the event back on the queue, so they run again; the others are skipped. Use it when a handler's effect went missing, e.g. `{\"handlers\":[\"webhooks.fan-out\"]}` creates the webhook deliveries an event never got. Handlers are idempotent: fan-out does not repeat deliveries that exist (redeliver those, or replay the event to one endpoint with `POST /v1/webhook-endpoints/{id}/replay`). An event published but never handled is also sent again by the every-minute reconciler. Scope `events:write`.",
      request: { params: IdParam("evt_..."), body: { content: { "application/json": { schema: ReplayEventInput } }, required: false } },
      responses: { 202: json(EventReplay, "Queued."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
    }),
    async (c) => {
      const body = c.req.header("content-type") ? c.req.valid("json") : {};
      return c.json(await eventsService.replayEvent(c.get("services"), c.req.valid("param").id, body), 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dead-letters",
      operationId: "listDeadLetters",
      tags,
      security: adminSecurity,
      summary: "List dead letters",
      description: "Event messages whose handlers kept failing after every queue retry. Scope `events:read`.",
      request: { query: ListDeadLettersInput },
      responses: { 200: json(DeadLetterList, "Newest first."), ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => {
      const page = await eventsService.listDeadLetters(c.get("services"), c.req.valid("query"));
      return c.json({ data: page.items, next_cursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/dead-letters/{id}/replay",
      operationId: "replayDeadLetter",
      tags,
      security: adminSecurity,
      summary: "Replay a dead letter",
      description: "Puts the message back on the events queue; only handlers that have not yet succeeded for the event run. 409 if already replayed. Scope `events:write`.",
      request: { params: IdParam("dlq_...") },
      responses: { 202: json(DeadLetter, "Replayed."), ...problems("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT") },
    }),
    async (c) => c.json(await eventsService.replayDeadLetter(c.get("services"), c.req.valid("param").id), 202),
  );

/** The event catalogue for webhook receivers (`/asyncapi.json`), generated from the payload schemas. */
export { asyncApiDocument } from "./asyncapi";
