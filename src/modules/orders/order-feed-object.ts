import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../db/client";
import type { Env } from "../../env";
import { sha256Hex, randomToken } from "../../shared/crypto";
import { loadEventsBetween, type EventMessage } from "../events";
import { FeedBuffer, sees, type BufferedEvent, type FeedAudience, type FeedMessage } from "./feed-buffer";
import { log } from "../../shared/log";

/** How many order events the feed keeps for clients that reconnect. */
export const FEED_CAPACITY = 500;
/** Comment lines keep idle SSE connections from being closed by proxies. */
const SSE_HEARTBEAT_MS = 25_000;
/** Headers of the Worker's internal request to the object (never from clients). */
export const FEED_AUDIENCE_HEADER = "x-feed-audience";
export const FEED_AFTER_HEADER = "x-feed-after";

const ADMIN_TAG = "admin";
const customerTag = (customerId: string) => `customer:${customerId}`;
const tokenTag = (tokenId: string) => `token:${tokenId}`;
const keyTag = (keyId: string) => `key:${keyId}`;
/** Close code for a socket whose credential was revoked (4000-4999: the application's own). */
export const CLOSE_REVOKED = 4401;

/** Tags of a socket: who it is for, and the credential it was opened with. */
function tagsOf(audience: FeedAudience): string[] {
  if (audience.kind === "admin") return [ADMIN_TAG, ...(audience.keyId ? [keyTag(audience.keyId)] : [])];
  return [customerTag(audience.customerId), ...(audience.tokenId ? [tokenTag(audience.tokenId)] : [])];
}
const encoder = new TextEncoder();

/** A control frame (never an order event): its type starts with `feed.`. */
export interface FeedReady {
  type: "feed.ready";
  /** The newest position the feed holds: pass it as `after` to resume from here. */
  position: number;
  replayed: number;
  /** True when events after your cursor may have left the buffer: reload orders over REST. */
  gap: boolean;
}

/**
 * The shop's live order feed (`idFromName("orders")`). The queue consumer publishes every
 * order.* event here; the object keeps the last {@link FEED_CAPACITY} in SQLite and pushes each
 * to the connected clients in commit order.
 *
 * WebSockets use the Hibernation API: sockets are accepted by the runtime with a tag naming who
 * they are for (`admin` or `customer:<id>`), so an idle feed holds no memory and bills no
 * duration, and a broadcast picks its recipients by tag without a registry of its own. SSE
 * streams cannot hibernate: while one is open, the object stays in memory.
 */
export class OrderFeedObject extends DurableObject<Env> {
  private readonly buffer: FeedBuffer;
  private readonly streams = new Map<WritableStreamDefaultWriter<Uint8Array>, FeedAudience>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.buffer = new FeedBuffer(ctx.storage.sql, (closure) => ctx.storage.transactionSync(closure), FEED_CAPACITY);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS feed_tickets (hash TEXT PRIMARY KEY, audience TEXT NOT NULL, expires_at INTEGER NOT NULL)");
    // Keep-alive pings are answered by the runtime without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  // ------------------------------------------------------------------------------------- RPC

  /**
   * Accept one event from the queue consumer and broadcast it, once. Events reach the object in
   * whatever order the queue delivers them; before broadcasting position P the object loads from
   * the outbox any order event committed between its last position and P (D1 assigns positions
   * in commit order, so they exist already), so clients always receive commit order. Redelivered
   * or already-loaded events are dropped. Returns how many events were broadcast.
   */
  async publish(event: EventMessage): Promise<number> {
    if (!event.type.startsWith("order.")) return 0;
    if (event.position === null) {
      // Every event written since positions exist has one; an unpositioned event cannot be ordered.
      log.warn("order feed dropped an event without a position", { event_id: event.id });
      return 0;
    }
    const before = this.buffer.state()?.lastPosition ?? 0;
    if (event.position <= before) return 0;
    const missed = await loadEventsBetween(createDb(this.env.DB), { typePrefix: "order.", after: before, before: event.position, limit: FEED_CAPACITY });
    // A full page means there may be more that will never be loaded: resuming below them is a gap.
    const skippedThrough = missed.length === FEED_CAPACITY ? missed[0]!.position! - 1 : 0;
    const accepted = this.buffer.append([...missed, event].map(toBuffered), skippedThrough);
    for (const buffered of accepted) this.broadcast(buffered);
    return accepted.length;
  }

  /** Buffered events after `position` for `audience`, for clients that poll (as JSON text: RPC cannot type `unknown` payloads). */
  read(audience: FeedAudience, position: number, limit: number): { events: string[]; lastPosition: number; gap: boolean } {
    return {
      events: this.buffer.after(position, audience, limit).map((e) => JSON.stringify(e.message)),
      lastPosition: this.buffer.latestFor(audience),
      gap: this.buffer.hasGapAfter(position),
    };
  }

  /** A single-use ticket that opens the feed for `audience` without a header (browsers). */
  async issueTicket(audience: FeedAudience, ttlMs: number, now = Date.now()): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = `oft_${randomToken(24)}`;
    this.ctx.storage.sql.exec("DELETE FROM feed_tickets WHERE expires_at <= ?", now);
    this.ctx.storage.sql.exec("INSERT INTO feed_tickets (hash, audience, expires_at) VALUES (?, ?, ?)", await sha256Hex(ticket), JSON.stringify(audience), now + ttlMs);
    return { ticket, expiresAt: new Date(now + ttlMs).toISOString() };
  }

  /** The audience a ticket was issued for, once; null when unknown, used or expired. */
  async redeemTicket(ticket: string, now = Date.now()): Promise<FeedAudience | null> {
    const hash = await sha256Hex(ticket);
    const row = this.ctx.storage.sql.exec<{ audience: string; expires_at: number }>("DELETE FROM feed_tickets WHERE hash = ? RETURNING audience, expires_at", hash).toArray()[0];
    return row && row.expires_at > now ? (JSON.parse(row.audience) as FeedAudience) : null;
  }

  /**
   * Close every connection opened with one of these credentials (revoked customer tokens, admin API keys), and
   * drop unredeemed tickets issued to them. Returns how many connections were closed.
   */
  revoke(credentials: { tokenIds?: string[]; keyIds?: string[] }): number {
    const tokenIds = new Set(credentials.tokenIds ?? []);
    const keyIds = new Set(credentials.keyIds ?? []);
    const tags = [...[...tokenIds].map(tokenTag), ...[...keyIds].map(keyTag)];
    let closed = 0;
    for (const socket of new Set(tags.flatMap((tag) => this.ctx.getWebSockets(tag)))) {
      try {
        socket.close(CLOSE_REVOKED, "credential revoked");
        closed++;
      } catch {
        // Already closing.
      }
    }
    const revoked = (audience: FeedAudience) => (audience.kind === "admin" ? keyIds.has(audience.keyId ?? "") : tokenIds.has(audience.tokenId ?? ""));
    for (const [writer, audience] of this.streams) {
      if (!revoked(audience)) continue;
      this.write(writer, `event: feed.revoked\ndata: {"type":"feed.revoked"}\n\n`);
      this.dropStream(writer, "close");
      closed++;
    }
    for (const row of this.ctx.storage.sql.exec<{ hash: string; audience: string }>("SELECT hash, audience FROM feed_tickets").toArray()) {
      if (revoked(JSON.parse(row.audience) as FeedAudience)) this.ctx.storage.sql.exec("DELETE FROM feed_tickets WHERE hash = ?", row.hash);
    }
    return closed;
  }

  /** How many clients are connected, by transport (for tests and diagnostics). */
  connections(): { webSockets: number; streams: number } {
    return { webSockets: this.ctx.getWebSockets().length, streams: this.streams.size };
  }

  // ------------------------------------------------------------------- connections (fetch)

  /** Opens a connection for an audience the Worker has already authorised (internal headers). */
  override async fetch(request: Request): Promise<Response> {
    const audience = JSON.parse(request.headers.get(FEED_AUDIENCE_HEADER) ?? "null") as FeedAudience | null;
    if (!audience) return new Response("The feed is opened through /v1/orders/feed.", { status: 400 });
    const afterHeader = request.headers.get(FEED_AFTER_HEADER);
    const after = afterHeader ? Number(afterHeader) : null;
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return this.openSocket(audience, after);
    return this.openStream(audience, after);
  }

  private openSocket(audience: FeedAudience, after: number | null): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, tagsOf(audience));
    // Nothing runs between accepting and replaying, so no live event can slip in between or twice.
    const { replay, ready } = this.replay(audience, after);
    for (const event of replay) server.send(JSON.stringify(event.message));
    server.send(JSON.stringify(ready));
    return new Response(null, { status: 101, webSocket: client });
  }

  private openStream(audience: FeedAudience, after: number | null): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    this.streams.set(writer, audience);
    // A client that goes away cancels the readable side, which errors the writer.
    writer.closed.catch(() => this.dropStream(writer));
    const { replay, ready } = this.replay(audience, after);
    this.write(writer, "retry: 3000\n\n");
    for (const event of replay) this.write(writer, sseEvent(event.message));
    this.write(writer, `event: feed.ready\ndata: ${JSON.stringify(ready)}\n\n`);
    this.heartbeat ??= setInterval(() => {
      for (const w of this.streams.keys()) this.write(w, ": keep-alive\n\n");
    }, SSE_HEARTBEAT_MS);
    return new Response(readable, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
    });
  }

  private replay(audience: FeedAudience, after: number | null): { replay: BufferedEvent[]; ready: FeedReady } {
    const replay = after === null ? [] : this.buffer.after(after, audience);
    const position = Math.max(this.buffer.latestFor(audience), after ?? 0);
    return { replay, ready: { type: "feed.ready", position, replayed: replay.length, gap: after !== null && this.buffer.hasGapAfter(after) } };
  }

  private broadcast(event: BufferedEvent): void {
    const frame = JSON.stringify(event.message);
    const sockets = this.ctx.getWebSockets(ADMIN_TAG);
    if (event.customerId) sockets.push(...this.ctx.getWebSockets(customerTag(event.customerId)));
    for (const socket of sockets) {
      try {
        socket.send(frame);
      } catch {
        // The socket is closing; webSocketClose tidies up.
      }
    }
    for (const [writer, audience] of this.streams) if (sees(audience, event)) this.write(writer, sseEvent(event.message));
  }

  private write(writer: WritableStreamDefaultWriter<Uint8Array>, text: string): void {
    writer.write(encoder.encode(text)).catch(() => this.dropStream(writer));
  }

  /** Forget a stream: `abort` when its client went away, `close` to end it cleanly after what was written. */
  private dropStream(writer: WritableStreamDefaultWriter<Uint8Array>, how: "abort" | "close" = "abort"): void {
    if (!this.streams.delete(writer)) return;
    (how === "close" ? writer.close() : writer.abort()).catch(() => undefined);
    if (this.streams.size === 0 && this.heartbeat !== null) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  // ------------------------------------------------------------- hibernation event handlers

  override webSocketMessage(socket: WebSocket): void {
    socket.send(JSON.stringify({ type: "feed.error", detail: 'The order feed is read-only; send "ping" to keep the connection alive.' }));
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    try {
      // Complete the closing handshake; 1005/1006 are not codes a close frame may carry.
      socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }
}

function toBuffered(event: EventMessage): BufferedEvent {
  const data = event.payload.data;
  return {
    customerId: typeof data.customerId === "string" ? data.customerId : null,
    message: { id: event.id, type: event.type, sequence: event.sequence, position: event.position!, timestamp: event.payload.timestamp, data },
  };
}

function sseEvent(message: FeedMessage): string {
  return `id: ${message.id}\ndata: ${JSON.stringify(message)}\n\n`;
}
