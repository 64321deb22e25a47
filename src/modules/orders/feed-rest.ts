import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, json, problems } from "../../http/openapi";
import { issueFeedTicket, openFeed, readFeed } from "./feed";
import { FeedPage, FeedQuery, FeedTicket, OrderFeedEvent } from "./schemas";

const tags = ["Orders"];
// The empty requirement: a `?ticket=` opens the feed without a header.
const feedSecurity: Record<string, string[]>[] = [{ adminApiKey: [] }, { customerToken: [] }, {}];

const description = `Live order events in commit order, as JSON \`OrderFeedEvent\` objects. Admins (scope \`orders:read\`) receive every order's events; a customer (customer token) only their own orders'.

Three ways to read it, chosen by the request:
- **WebSocket** (\`Upgrade: websocket\`): 101, then one text message per event. The server first replays what you missed (with \`after\`) and then sends \`{"type":"feed.ready","position":…,"replayed":…,"gap":…}\`; from then on events arrive live. Send the text \`ping\` to keep the connection alive (answered \`pong\`); the feed is otherwise read-only.
- **Server-Sent Events** (\`Accept: text/event-stream\`): each event is \`id: <event id>\` plus \`data: <json>\`, so an \`EventSource\` that reconnects resumes by itself with \`Last-Event-ID\`. The same \`feed.ready\` frame arrives as \`event: feed.ready\`.
- **Polling** (any other \`Accept\`): one page of buffered events after \`after\`, with \`next_cursor\`.

Resume with \`?after=\` (an event id or a \`position\`): the feed keeps the last 500 order events. When events after your cursor have already left the buffer, \`gap\` is true: reload orders with GET /v1/orders. Authenticate with \`Authorization: Bearer\`, or with \`?ticket=\` from POST /v1/orders/feed/tickets where headers cannot be set (browser WebSocket, EventSource). 401 and 403 come as problem documents before any upgrade.`;

export const orderFeedRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/orders/feed",
      operationId: "readOrderFeed",
      tags,
      security: feedSecurity,
      summary: "Live order feed (WebSocket, SSE or polling)",
      description,
      request: {
        query: FeedQuery,
        headers: z.object({
          "last-event-id": z.string().max(64).optional().openapi({ description: "SSE: resume after this event id (sent by EventSource on reconnect). `after` wins when both are given." }),
        }),
      },
      responses: {
        101: { description: "Switching Protocols: the WebSocket is open; each text message is an `OrderFeedEvent` or a `feed.*` control frame." },
        200: {
          description: "`text/event-stream` when asked for (SSE: `data:` lines are `OrderFeedEvent` JSON), otherwise one page of buffered events.",
          content: { "text/event-stream": { schema: OrderFeedEvent }, "application/json": { schema: FeedPage } },
        },
        ...problems("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN"),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const ctx = c.get("services");
      const streaming = c.req.header("upgrade")?.toLowerCase() === "websocket" || (c.req.header("accept") ?? "").includes("text/event-stream");
      if (streaming) return openFeed(ctx, c.req.raw, { after: query.after, ticket: query.ticket, lastEventId: c.req.valid("header")["last-event-id"] });
      return c.json(await readFeed(ctx, query), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/orders/feed/tickets",
      operationId: "createOrderFeedTicket",
      tags,
      security: [{ adminApiKey: [] }, { customerToken: [] }],
      summary: "Get a ticket to open the order feed",
      description:
        "A single-use ticket, valid for 60 seconds, that opens `GET /v1/orders/feed?ticket=…` for the caller (the same admin or customer view) without an `Authorization` header: browsers cannot set headers on `new WebSocket(…)` or `EventSource`. Keeps long-lived tokens out of URLs and logs.",
      responses: { 201: json(FeedTicket, "The ticket."), ...problems("UNAUTHENTICATED", "FORBIDDEN") },
    }),
    async (c) => c.json(await issueFeedTicket(c.get("services")), 201),
  );
