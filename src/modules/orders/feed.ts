import { type ServiceContext, hasAnyScope, ORDER_READ_SCOPES } from "../../context";
import type { Env } from "../../env";
import { ServiceError } from "../../shared/errors";
import { parseInput } from "../../shared/validation";
import { eventTypes, loadEvents, type EventHandler } from "../events";
import type { FeedAudience, FeedMessage } from "./feed-buffer";
import { FEED_AFTER_HEADER, FEED_AUDIENCE_HEADER } from "./order-feed-object";
import { FeedQuery, type FeedPage } from "./schemas";

/** How long a feed ticket from `POST /v1/orders/feed/tickets` can be redeemed. */
export const FEED_TICKET_TTL_MS = 60_000;

/**
 * One feed object for the whole shop: at this scale a single object fans out to every admin and
 * customer. At larger scale shard by customer (one object per customer id, plus one admin
 * object), so each object's fan-out stays small.
 */
function orderFeed(env: Pick<Env, "ORDER_FEED">) {
  return env.ORDER_FEED.get(env.ORDER_FEED.idFromName("orders"));
}

/** The order.* event types: what the feed carries. */
export const orderEventTypes = eventTypes.filter((type) => type.startsWith("order."));

/** Queue handler: every order event goes to the feed object, which broadcasts it once. */
export const orderLiveFeed: EventHandler = {
  name: "orders.live-feed",
  types: orderEventTypes,
  async handle(env, event) {
    await orderFeed(env).publish(event);
  },
};

/**
 * Who may open the feed: admins with `orders:read` (or `orders:write`, `admin:*`) see every order;
 * a signed-in customer sees their own. A bearer token wins over a ticket; a ticket is single-use.
 */
export async function feedAudience(ctx: ServiceContext, ticket?: string): Promise<FeedAudience> {
  const actor = ctx.actor;
  if (actor.kind === "admin") {
    if (!hasAnyScope(actor, ORDER_READ_SCOPES)) {
      throw new ServiceError("FORBIDDEN", "This API key lacks the 'orders:read' scope.");
    }
    return { kind: "admin", keyId: actor.keyId };
  }
  if (actor.kind === "customer") return { kind: "customer", customerId: actor.customerId, ...(actor.tokenId && { tokenId: actor.tokenId }) };
  if (ticket) {
    const audience = await orderFeed(ctx.env).redeemTicket(ticket);
    if (audience) return audience;
    throw new ServiceError("UNAUTHENTICATED", "The feed ticket is unknown, used or expired. Get a new one from POST /v1/orders/feed/tickets.");
  }
  throw new ServiceError("UNAUTHENTICATED", "Open the order feed with an admin API key, a customer token or a feed ticket.");
}

/**
 * Close the feed connections (and unredeemed tickets) opened with these credentials: customer tokens revoked by
 * sign-out or a password change (wired in src/app/wiring.ts), admin API keys revoked by the admin API.
 */
export async function revokeFeedAccess(env: Pick<Env, "ORDER_FEED">, credentials: { tokenIds?: string[]; keyIds?: string[] }): Promise<number> {
  return orderFeed(env).revoke(credentials);
}

/** A single-use ticket for clients that cannot send `Authorization` (browser WebSocket, EventSource). */
export async function issueFeedTicket(ctx: ServiceContext): Promise<{ ticket: string; expiresAt: string }> {
  if (ctx.actor.kind === "anonymous") throw new ServiceError("UNAUTHENTICATED", "Sign in or use an admin API key to get a feed ticket.");
  const audience = await feedAudience(ctx);
  return orderFeed(ctx.env).issueTicket(audience, FEED_TICKET_TTL_MS);
}

/**
 * The cursor: a position from an earlier feed message, or an event id (SSE's `Last-Event-ID`),
 * looked up in the outbox. Null means "from now on".
 */
export async function feedCursor(ctx: ServiceContext, raw: string | undefined, pointer = "/after"): Promise<number | null> {
  if (raw === undefined || raw === "") return null;
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  const event = (await loadEvents(ctx.db, [raw])).get(raw);
  if (!event || event.position === null) {
    throw new ServiceError("VALIDATION_FAILED", "The feed cursor is not valid.", { errors: [{ pointer, detail: "Use an event id or a position from an earlier feed message." }] });
  }
  return event.position;
}

/** Polling: buffered events after the cursor (the whole buffer without one). */
export async function readFeed(ctx: ServiceContext, rawInput: unknown): Promise<FeedPage> {
  const input = parseInput(FeedQuery, rawInput);
  const audience = await feedAudience(ctx, input.ticket);
  const after = (await feedCursor(ctx, input.after)) ?? 0;
  const page = await orderFeed(ctx.env).read(audience, after, input.limit);
  const events = page.events.map((text) => JSON.parse(text) as FeedMessage);
  const last = events.at(-1)?.position;
  return { data: events, next_cursor: String(last ?? Math.max(after, page.lastPosition)), gap: page.gap };
}

/**
 * Hand a WebSocket upgrade or an SSE request to the feed object for an authorised audience.
 * The object answers with the 101 (WebSocket) or the open event stream.
 */
export async function openFeed(ctx: ServiceContext, request: Request, input: { after?: string | undefined; ticket?: string | undefined; lastEventId?: string | undefined }): Promise<Response> {
  const audience = await feedAudience(ctx, input.ticket);
  const after = input.after !== undefined ? await feedCursor(ctx, input.after) : await feedCursor(ctx, input.lastEventId, "/headers/last-event-id");
  const headers = new Headers({ [FEED_AUDIENCE_HEADER]: JSON.stringify(audience) });
  if (after !== null) headers.set(FEED_AFTER_HEADER, String(after));
  if (request.headers.get("upgrade")?.toLowerCase() === "websocket") headers.set("upgrade", "websocket");
  const response = await orderFeed(ctx.env).fetch(new Request("https://order-feed.internal/connect", { headers }));
  // A fresh Response: the object's has immutable headers and the app adds its own (request id).
  return new Response(response.body, { status: response.status, headers: response.headers, webSocket: response.webSocket });
}
