import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toMessage, type EventMessage } from "../../src/modules/events/relay";
import { events } from "../../src/modules/events/tables";
import { FeedBuffer, type BufferedEvent } from "../../src/modules/orders/feed-buffer";
import type { OrderFeedObject } from "../../src/modules/orders/order-feed-object";
import { address, checkoutCart, createVariant, guestCart } from "../support/fixtures";
import { PASSWORD, establishedCustomer as signUp, signIn } from "../support/customers-helpers";
import { adminKeyWith, db, deliver } from "../support/events-helpers";
import { ADMIN_KEY, BASE, call } from "../support/helpers";

const QUEUE = "edgeshop-events";
const feed = () => env.ORDER_FEED.get(env.ORDER_FEED.idFromName("orders"));

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((close) => close());
});

function feedRequest(options: { bearer?: string; query?: string; headers?: Record<string, string> } = {}) {
  const headers = new Headers(options.headers);
  if (options.bearer) headers.set("authorization", `Bearer ${options.bearer}`);
  return exports.default.fetch(new Request(`${BASE}/v1/orders/feed${options.query ?? ""}`, { headers }));
}

/** Open the feed over WebSocket, as a client would, and collect every JSON message. */
async function openSocket(options: { bearer?: string; query?: string } = {}) {
  const res = await feedRequest({ ...options, headers: { upgrade: "websocket" } });
  if (res.status !== 101) throw new Error(`expected 101, got ${res.status}: ${await res.text()}`);
  const socket = res.webSocket!;
  const messages: any[] = [];
  socket.addEventListener("message", (event) => {
    const text = event.data as string;
    messages.push(text.startsWith("{") ? JSON.parse(text) : text);
  });
  socket.accept();
  cleanups.push(() => socket.close(1000, "test done"));
  const client = {
    socket,
    messages,
    /** Order events (not feed.* control frames) about the given orders. */
    eventsFor: (...orderIds: string[]) => messages.filter((m) => m.type?.startsWith("order.") && orderIds.includes(m.data.id)),
    ready: () => messages.find((m) => m.type === "feed.ready"),
    async waitFor(check: () => void) {
      await vi.waitFor(check, { timeout: 5000, interval: 20 });
    },
  };
  await client.waitFor(() => expect(client.ready()).toBeDefined());
  return client;
}

async function placeGuestOrder() {
  const v = await createVariant(1200, 10);
  const cart = await guestCart([{ variantId: v.id, quantity: 1 }]);
  const res = await checkoutCart(cart.id, cart.token);
  expect(res.status, res.text).toBe(201);
  return res.body.order as { id: string; customerId: string | null };
}

async function placeCustomerOrder(token: string) {
  const v = await createVariant(900, 10);
  const cart = await call("POST", "/v1/carts", { token, body: { email: "me@example.com", shippingAddress: address(), lines: [{ variantId: v.id, quantity: 2 }] } });
  expect(cart.status, cart.text).toBe(201);
  const res = await call("POST", `/v1/carts/${cart.body.cart.id}/checkout`, { token, body: {}, headers: { "idempotency-key": crypto.randomUUID() } });
  expect(res.status, res.text).toBe(201);
  return res.body.order as { id: string; customerId: string };
}

async function markPaid(orderId: string) {
  const res = await call("POST", `/v1/orders/${orderId}/mark-paid`, { admin: true, headers: { "idempotency-key": crypto.randomUUID() } });
  expect(res.status, res.text).toBe(200);
}

/** The order's outbox events as the relay puts them on the queue. */
async function orderEvents(orderId: string): Promise<EventMessage[]> {
  const rows = await db().select().from(events).where(eq(events.resourceId, orderId)).orderBy(asc(events.position));
  return rows.map(toMessage);
}

/** Deliver the order's events through the Worker's queue consumer, as the queue would. */
async function deliverOrderEvents(orderId: string): Promise<EventMessage[]> {
  const messages = await orderEvents(orderId);
  const result = await deliver(QUEUE, messages.map((body) => ({ body })));
  expect(result.retryMessages).toEqual([]);
  return messages;
}

/** Read an SSE response until the feed.ready frame; returns the frames before it. */
async function readUntilReady(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const frames: { id?: string; event?: string; data?: any }[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    let end: number;
    while ((end = text.indexOf("\n\n")) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const frame: { id?: string; event?: string; data?: any } = {};
      for (const line of block.split("\n")) {
        const [field, ...rest] = line.split(": ");
        const value = rest.join(": ");
        if (field === "id") frame.id = value;
        if (field === "event") frame.event = value;
        if (field === "data") frame.data = JSON.parse(value);
      }
      if (frame.data !== undefined) frames.push(frame);
      if (frame.event === "feed.ready") {
        await reader.cancel();
        return frames;
      }
    }
  }
  return frames;
}

describe("order feed: authorisation", () => {
  it("answers 401 before upgrading for anonymous callers and bad tickets, 403 without orders:read", async () => {
    for (const headers of [{ upgrade: "websocket" }, { accept: "text/event-stream" }, {}] as Record<string, string>[]) {
      const res = await feedRequest({ headers });
      expect(res.status).toBe(401);
      expect(res.webSocket).toBeNull();
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await res.json<any>()).type).toBe("https://edgeshop.dev/problems/unauthenticated");
    }
    const badTicket = await feedRequest({ query: "?ticket=oft_nope", headers: { upgrade: "websocket" } });
    expect(badTicket.status).toBe(401);
    expect(badTicket.webSocket).toBeNull();

    const catalogOnly = await adminKeyWith(["catalog:write"]);
    const forbidden = await feedRequest({ bearer: catalogOnly, headers: { upgrade: "websocket" } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.webSocket).toBeNull();
    expect((await call("POST", "/v1/orders/feed/tickets", { token: catalogOnly })).status).toBe(403);
    expect((await call("POST", "/v1/orders/feed/tickets")).status).toBe(401);

    const reader = await adminKeyWith(["orders:read"]);
    const ok = await openSocket({ bearer: reader });
    expect(ok.ready()).toMatchObject({ type: "feed.ready", replayed: 0, gap: false });
  });

  it("rejects a cursor that names no event with a 400 problem pointing at it", async () => {
    const res = await feedRequest({ bearer: ADMIN_KEY, query: "?after=evt_doesnotexist", headers: { upgrade: "websocket" } });
    expect(res.status).toBe(400);
    expect((await res.json<any>()).errors).toEqual([expect.objectContaining({ pointer: "/after" })]);
    expect((await call("GET", "/v1/orders/feed?since=1", { admin: true })).status).toBe(400);
  });
});

describe("order feed over WebSocket", () => {
  it("pushes an order placed through checkout and delivered by the queue consumer to a connected admin, in commit order", async () => {
    const admin = await openSocket({ bearer: ADMIN_KEY });
    const order = await placeGuestOrder();
    const [placed] = await deliverOrderEvents(order.id);
    await admin.waitFor(() => expect(admin.eventsFor(order.id)).toHaveLength(1));
    expect(admin.eventsFor(order.id)[0]).toEqual({
      id: placed!.id,
      type: "order.placed",
      sequence: 1,
      position: placed!.position,
      timestamp: placed!.payload.timestamp,
      data: expect.objectContaining({ id: order.id, status: "placed", total: expect.objectContaining({ currency: "EUR" }) }),
    });

    await markPaid(order.id);
    await deliverOrderEvents(order.id);
    await admin.waitFor(() => expect(admin.eventsFor(order.id).map((m) => m.type)).toEqual(["order.placed", "order.paid"]));
    expect(admin.eventsFor(order.id).map((m) => m.sequence)).toEqual([1, 2]);
  });

  it("delivers in commit order even when the queue delivers a later event first", async () => {
    const admin = await openSocket({ bearer: ADMIN_KEY });
    const order = await placeGuestOrder();
    await markPaid(order.id);
    const [placed, paid] = await orderEvents(order.id);
    // order.paid arrives first: the object loads order.placed from the outbox and sends it before.
    expect((await deliver(QUEUE, [{ body: paid }])).retryMessages).toEqual([]);
    await admin.waitFor(() => expect(admin.eventsFor(order.id).map((m) => m.id)).toEqual([placed!.id, paid!.id]));
    expect((await deliver(QUEUE, [{ body: placed }])).retryMessages).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(admin.eventsFor(order.id).map((m) => m.id)).toEqual([placed!.id, paid!.id]);
  });

  it("shows a customer only their own orders' events, and an admin all of them", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const [admin, aliceFeed, bobFeed] = await Promise.all([openSocket({ bearer: ADMIN_KEY }), openSocket({ bearer: alice.token }), openSocket({ bearer: bob.token })]);
    const aliceOrder = await placeCustomerOrder(alice.token);
    const bobOrder = await placeCustomerOrder(bob.token);
    const guestOrder = await placeGuestOrder();
    for (const order of [aliceOrder, bobOrder, guestOrder]) await deliverOrderEvents(order.id);
    await markPaid(aliceOrder.id);
    await deliverOrderEvents(aliceOrder.id);

    const all = [aliceOrder.id, bobOrder.id, guestOrder.id];
    await admin.waitFor(() => expect(admin.eventsFor(...all)).toHaveLength(4));
    await aliceFeed.waitFor(() => expect(aliceFeed.eventsFor(...all).map((m) => m.type)).toEqual(["order.placed", "order.paid"]));
    await bobFeed.waitFor(() => expect(bobFeed.eventsFor(...all)).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 100));
    // Nothing else at all reaches a customer's socket: not even other shoppers' events from earlier tests.
    expect(aliceFeed.messages.filter((m) => m.type?.startsWith("order.")).every((m) => m.data.customerId === alice.customer.id)).toBe(true);
    expect(bobFeed.messages.filter((m) => m.type?.startsWith("order.")).map((m) => m.data.id)).toEqual([bobOrder.id]);
    expect(aliceFeed.ready().position).toBeLessThanOrEqual(admin.ready().position);
  });

  it("broadcasts a redelivered event once, whether the consumer or the object sees the duplicate", async () => {
    const admin = await openSocket({ bearer: ADMIN_KEY });
    const order = await placeGuestOrder();
    const [placed] = await orderEvents(order.id);
    const body = placed!;
    // Twice in sequence and three times at once through the consumer, then straight to the object's RPC.
    await deliver(QUEUE, [{ body }]);
    await deliver(QUEUE, [{ body }]);
    await Promise.all([deliver(QUEUE, [{ body }]), deliver(QUEUE, [{ body, attempts: 2 }, { body, attempts: 3 }])]);
    expect(await feed().publish(body)).toBe(0);
    expect(await Promise.all([feed().publish(body), feed().publish(body)])).toEqual([0, 0]);
    await admin.waitFor(() => expect(admin.eventsFor(order.id)).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 150));
    expect(admin.messages.filter((m) => m.id === body.id)).toHaveLength(1);
  });

  it("replays what a reconnecting client missed, in order, from an event id or a position", async () => {
    const first = await openSocket({ bearer: ADMIN_KEY });
    const a = await placeGuestOrder();
    const [seen] = await deliverOrderEvents(a.id);
    await first.waitFor(() => expect(first.eventsFor(a.id)).toHaveLength(1));
    first.socket.close(1000, "going offline");

    const b = await placeGuestOrder();
    const c = await placeGuestOrder();
    await markPaid(b.id);
    const missed = [...(await orderEvents(b.id)), ...(await orderEvents(c.id))].sort((x, y) => x.position! - y.position!);
    await deliver(QUEUE, missed.map((body) => ({ body })));

    for (const cursor of [seen!.id, String(seen!.position)]) {
      const back = await openSocket({ bearer: ADMIN_KEY, query: `?after=${cursor}` });
      const replayed = back.messages.filter((m) => m.type?.startsWith("order."));
      // Everything after the cursor (other tests' events may sit in between), then the ready frame.
      const ours = replayed.filter((m) => [b.id, c.id].includes(m.data.id));
      expect(ours.map((m) => m.id)).toEqual(missed.map((e) => e.id));
      expect(replayed.map((m) => m.position)).toEqual([...replayed.map((m) => m.position)].sort((x, y) => x - y));
      expect(replayed.every((m) => m.position > seen!.position!)).toBe(true);
      expect(back.messages.at(-1)).toMatchObject({ type: "feed.ready", replayed: replayed.length, gap: false });
      back.socket.close();
    }
  });

  it("opens with a single-use ticket for clients that cannot send headers", async () => {
    const alice = await signUp();
    const issued = await call("POST", "/v1/orders/feed/tickets", { token: alice.token });
    expect(issued.status, issued.text).toBe(201);
    expect(issued.body).toEqual({ ticket: expect.stringMatching(/^oft_/), expiresAt: expect.any(String) });
    const viaTicket = await openSocket({ query: `?ticket=${issued.body.ticket}` });
    const again = await feedRequest({ query: `?ticket=${issued.body.ticket}`, headers: { upgrade: "websocket" } });
    expect(again.status).toBe(401);

    const mine = await placeCustomerOrder(alice.token);
    const other = await placeGuestOrder();
    await deliverOrderEvents(other.id);
    await deliverOrderEvents(mine.id);
    await viaTicket.waitFor(() => expect(viaTicket.eventsFor(mine.id)).toHaveLength(1));
    expect(viaTicket.eventsFor(other.id)).toEqual([]);
  });

  it("redeems a ticket once even when it is presented many times at once, and not after it expires", async () => {
    const issued = await call("POST", "/v1/orders/feed/tickets", { admin: true });
    const attempts = await Promise.all(Array.from({ length: 8 }, () => call("GET", `/v1/orders/feed?ticket=${issued.body.ticket}`)));
    expect(attempts.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    const stale = await feed().issueTicket({ kind: "admin" }, 1_000, Date.now() - 5_000);
    expect(await feed().redeemTicket(stale.ticket)).toBeNull();
  });

  it("answers pings with the runtime auto-response and tells a client the feed is read-only", async () => {
    const admin = await openSocket({ bearer: ADMIN_KEY });
    admin.socket.send("ping");
    await admin.waitFor(() => expect(admin.messages).toContain("pong"));
    admin.socket.send("hello?");
    await admin.waitFor(() => expect(admin.messages.some((m) => m.type === "feed.error")).toBe(true));
    await runInDurableObject(feed(), (_instance: OrderFeedObject, state) => {
      // Sockets belong to the runtime (hibernatable), found by their audience tag.
      expect(state.getWebSockets("admin").length).toBeGreaterThan(0);
      expect(state.getWebSocketAutoResponse()?.request).toBe("ping");
    });
    // The feed still works after the client's message.
    const order = await placeGuestOrder();
    await deliverOrderEvents(order.id);
    await admin.waitFor(() => expect(admin.eventsFor(order.id)).toHaveLength(1));
  });
});

describe("order feed over SSE and polling", () => {
  it("streams the buffered events with their ids after Last-Event-ID, then live ones", async () => {
    const alice = await signUp();
    const first = await placeCustomerOrder(alice.token);
    const [cursor] = await deliverOrderEvents(first.id);
    const second = await placeCustomerOrder(alice.token);
    await markPaid(second.id);
    const later = await deliverOrderEvents(second.id);

    const res = await feedRequest({ bearer: alice.token, headers: { accept: "text/event-stream", "last-event-id": cursor!.id } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const frames = await readUntilReady(res);
    expect(frames.filter((f) => f.event === undefined).map((f) => f.id)).toEqual(later.map((e) => e.id));
    expect(frames.filter((f) => f.event === undefined).map((f) => f.data.type)).toEqual(["order.placed", "order.paid"]);
    expect(frames.at(-1)).toMatchObject({ event: "feed.ready", data: { replayed: 2, gap: false, position: later.at(-1)!.position } });

    // ?after wins over Last-Event-ID; a live event reaches an open stream.
    const live = await feedRequest({ bearer: alice.token, query: `?after=${later.at(-1)!.position}`, headers: { accept: "text/event-stream", "last-event-id": cursor!.id } });
    const reader = live.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("feed.ready")) text += (await reader.read()).value ?? "";
    expect(text).not.toContain("id: ");
    const third = await placeCustomerOrder(alice.token);
    const [thirdPlaced] = await deliverOrderEvents(third.id);
    while (!text.includes(`id: ${thirdPlaced!.id}`)) text += (await reader.read()).value ?? "";
    await reader.cancel();
    await vi.waitFor(async () => expect((await feed().connections()).streams).toBe(0), { timeout: 3000 });
  });

  it("returns a page of buffered events as JSON for polling clients, filtered by audience", async () => {
    const alice = await signUp();
    const order = await placeCustomerOrder(alice.token);
    const [placed] = await deliverOrderEvents(order.id);
    const mine = await call("GET", "/v1/orders/feed", { token: alice.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({ data: [expect.objectContaining({ id: placed!.id, type: "order.placed", data: expect.objectContaining({ id: order.id }) })], next_cursor: String(placed!.position), gap: false });
    const nothingNew = await call("GET", `/v1/orders/feed?after=${mine.body.next_cursor}`, { token: alice.token });
    expect(nothingNew.body.data).toEqual([]);
    const admin = await call("GET", "/v1/orders/feed?limit=100", { admin: true });
    expect(admin.body.data.map((e: any) => e.id)).toContain(placed!.id);
    const positions = admin.body.data.map((e: any) => e.position);
    expect(positions).toEqual([...positions].sort((x: number, y: number) => x - y));
  });

  it("is documented in the OpenAPI document with its 101 and 200 responses", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const route = doc.paths["/v1/orders/feed"].get;
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(["101", "200", "400", "401", "403"]));
    expect(Object.keys(route.responses["200"].content)).toEqual(["text/event-stream", "application/json"]);
    expect(doc.paths["/v1/orders/feed/tickets"].post.responses["201"]).toBeDefined();
    expect(doc.components.schemas.OrderFeedEvent).toBeDefined();
  });
});

describe("order feed replay buffer", () => {
  const buffered = (position: number, customerId: string | null = null): BufferedEvent => ({
    customerId,
    message: { id: `evt_${position}`, type: "order.placed", sequence: 1, position, timestamp: new Date(0).toISOString(), data: { id: `ord_${position}`, customerId } },
  });

  it("keeps the newest events up to its capacity, drops anything at or below its high-water mark, and reports gaps", async () => {
    const stub = env.ORDER_FEED.get(env.ORDER_FEED.idFromName("buffer-under-test"));
    await runInDurableObject(stub, (_instance: OrderFeedObject, state) => {
      const buffer = new FeedBuffer(state.storage.sql, (fn) => state.storage.transactionSync(fn), 3);
      expect(buffer.append([buffered(2, "cus_a"), buffered(1)]).map((e) => e.message.position)).toEqual([1, 2]);
      expect(buffer.append([buffered(2), buffered(1)])).toEqual([]);
      expect(buffer.append([buffered(5), buffered(4, "cus_a"), buffered(3)]).map((e) => e.message.position)).toEqual([3, 4, 5]);
      expect(buffer.after(0, { kind: "admin" }).map((e) => e.message.position)).toEqual([3, 4, 5]);
      expect(buffer.after(0, { kind: "customer", customerId: "cus_a" }).map((e) => e.message.position)).toEqual([4]);
      expect(buffer.latestFor({ kind: "customer", customerId: "cus_a" })).toBe(4);
      expect(buffer.latestFor({ kind: "admin" })).toBe(5);
      expect(buffer.hasGapAfter(1)).toBe(true);
      expect(buffer.hasGapAfter(2)).toBe(false);
      // Evicted long ago, still not accepted again.
      expect(buffer.append([buffered(1)])).toEqual([]);
      expect(buffer.state()).toEqual({ lastPosition: 5, evictedThrough: 2 });
    });
  });

  it("keeps at most 500 events in the shop's feed", async () => {
    await runInDurableObject(feed(), (_instance: OrderFeedObject, state) => {
      const count = state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM feed_events").one().n;
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(500);
    });
  });
});

describe("order feed: revoked credentials", () => {
  /** The close code once the server closes the socket, or "still open" after 5 s. */
  function closeCode(socket: WebSocket) {
    return new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => resolve("still open"), 5000);
      socket.addEventListener("close", (event) => {
        clearTimeout(timer);
        resolve(event.code);
      });
    });
  }

  it("closes the sockets, streams and unredeemed tickets of a token when the customer signs out, and only those", async () => {
    const alice = await signUp();
    const second = await signIn(alice.email, PASSWORD);
    expect(second.status, second.text).toBe(200);
    const other = second.body.token as string;

    const revokedSocket = await openSocket({ bearer: alice.token });
    const revokedClosed = closeCode(revokedSocket.socket);
    const ticket = await call("POST", "/v1/orders/feed/tickets", { token: alice.token });
    const viaTicket = await openSocket({ query: `?ticket=${ticket.body.ticket}` });
    const ticketClosed = closeCode(viaTicket.socket);
    const unredeemed = await call("POST", "/v1/orders/feed/tickets", { token: alice.token });
    const stream = await feedRequest({ bearer: alice.token, headers: { accept: "text/event-stream" } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    const kept = await openSocket({ bearer: other });

    const out = await call("POST", "/v1/customers/sign-out", { token: alice.token, body: {} });
    expect(out.body).toEqual({ revokedTokens: 1 });

    expect(await revokedClosed).toBe(4401);
    expect(await ticketClosed).toBe(4401);
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toContain("event: feed.revoked");
    const redeem = await feedRequest({ query: `?ticket=${unredeemed.body.ticket}`, headers: { upgrade: "websocket" } });
    expect(redeem.status).toBe(401);

    // The customer's other token keeps its connection and its events.
    const order = await placeCustomerOrder(other);
    await deliverOrderEvents(order.id);
    await kept.waitFor(() => expect(kept.eventsFor(order.id)).toHaveLength(1));
    expect(kept.socket.readyState).toBe(WebSocket.OPEN);
  });

  it("closes the sockets of an admin API key when the key is revoked, and not the sockets of other keys", async () => {
    const created = await call("POST", "/v1/api-keys", { admin: true, body: { name: "dashboard", scopes: ["orders:read"] } });
    expect(created.status, created.text).toBe(201);
    const dashboard = await openSocket({ bearer: created.body.secret });
    const closed = closeCode(dashboard.socket);
    const other = await openSocket({ bearer: ADMIN_KEY });

    const revoked = await call("POST", `/v1/api-keys/${created.body.apiKey.id}/revoke`, { admin: true });
    expect(revoked.status, revoked.text).toBe(200);
    expect(await closed).toBe(4401);

    const order = await placeGuestOrder();
    await deliverOrderEvents(order.id);
    await other.waitFor(() => expect(other.eventsFor(order.id)).toHaveLength(1));
  });

  it("closes the connections of every other token when the password changes, and keeps the one that changed it", async () => {
    const alice = await signUp();
    const second = await signIn(alice.email, PASSWORD);
    const elsewhere = await openSocket({ bearer: second.body.token });
    const closed = closeCode(elsewhere.socket);
    const here = await openSocket({ bearer: alice.token });

    const res = await call("POST", "/v1/me/password", { token: alice.token, body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase 2" } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.revokedTokens).toBe(1);
    expect(await closed).toBe(4401);

    const order = await placeCustomerOrder(alice.token);
    await deliverOrderEvents(order.id);
    await here.waitFor(() => expect(here.eventsFor(order.id)).toHaveLength(1));
  });
});
