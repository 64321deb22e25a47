import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { eventCatalogue } from "../../src/modules/events/catalogue";
import { eventTypes } from "../../src/modules/events/outbox";
import { webhookEndpoints } from "../../src/modules/webhooks/tables";
import { call, gql, unique } from "../support/helpers";
import { adminKeyWith, db, deliver, mockReceivers, recordEvent } from "../support/events-helpers";

const url = () => `https://hooks.example.com/${unique("api")}`;
const countEndpoints = async () => (await db().select({ id: webhookEndpoints.id }).from(webhookEndpoints)).length;

let receivers: ReturnType<typeof mockReceivers> | undefined;
afterEach(() => receivers?.restore());

describe("webhook endpoints over REST", () => {
  it("registers an endpoint, shows the secret once, updates, rotates and deletes it", async () => {
    const created = await call("POST", "/v1/webhook-endpoints", { admin: true, body: { url: url(), eventTypes: ["order.paid", "order.placed", "order.paid"], description: "ERP" } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.endpoint).toMatchObject({ status: "enabled", eventTypes: ["order.paid", "order.placed"], description: "ERP", consecutiveFailures: 0, disabledReason: null });
    const id = created.body.endpoint.id as string;
    expect(id).toMatch(/^whep_/);

    const fetched = await call("GET", `/v1/webhook-endpoints/${id}`, { admin: true });
    expect(fetched.status).toBe(200);
    expect(fetched.text).not.toContain(created.body.secret);
    expect(fetched.body).not.toHaveProperty("secret");

    const list = await call("GET", "/v1/webhook-endpoints?limit=100", { admin: true });
    expect(list.body.data.map((e: any) => e.id)).toContain(id);

    const disabled = await call("PATCH", `/v1/webhook-endpoints/${id}`, { admin: true, body: { enabled: false, eventTypes: ["*", "order.paid"] } });
    expect(disabled.body).toMatchObject({ status: "disabled", disabledReason: "Disabled by an admin.", eventTypes: ["*"] });
    const enabled = await call("PATCH", `/v1/webhook-endpoints/${id}`, { admin: true, body: { enabled: true } });
    expect(enabled.body).toMatchObject({ status: "enabled", disabledReason: null });

    const rotations = await Promise.all([1, 2, 3, 4].map(() => call("POST", `/v1/webhook-endpoints/${id}/rotate-secret`, { admin: true })));
    expect(rotations.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(rotations.some((r) => r.status === 200)).toBe(true);

    expect((await call("DELETE", `/v1/webhook-endpoints/${id}`, { admin: true })).status).toBe(204);
    expect((await call("GET", `/v1/webhook-endpoints/${id}`, { admin: true })).status).toBe(404);
  });

  it("refuses bad input and SSRF targets, writing nothing", async () => {
    const before = await countEndpoints();
    const cases: [unknown, string][] = [
      [{ url: "https://127.0.0.1/hook", eventTypes: ["*"] }, "/url"],
      [{ url: "https://2130706433/hook", eventTypes: ["*"] }, "/url"],
      [{ url: "https://[::ffff:169.254.169.254]/", eventTypes: ["*"] }, "/url"],
      [{ url: "http://hooks.example.com/plain", eventTypes: ["*"] }, "/url"],
      [{ url: url(), eventTypes: ["order.exploded"] }, "/eventTypes/0"],
      [{ url: url(), eventTypes: [] }, "/eventTypes"],
      [{ url: url(), eventTypes: ["*"], secret: "whsec_mine" }, ""],
    ];
    for (const [body, pointer] of cases) {
      const res = await call("POST", "/v1/webhook-endpoints", { admin: true, body: body as any });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors.map((e: any) => e.pointer)).toContain(pointer);
    }
    const created = await call("POST", "/v1/webhook-endpoints", { admin: true, body: { url: url(), eventTypes: ["*"] } });
    const patch = await call("PATCH", `/v1/webhook-endpoints/${created.body.endpoint.id}`, { admin: true, body: { url: "https://10.0.0.5/x" } });
    expect(patch.status).toBe(400);
    expect((await call("GET", `/v1/webhook-endpoints/${created.body.endpoint.id}`, { admin: true })).body.url).not.toContain("10.0.0.5");
    expect(await countEndpoints()).toBe(before + 1);
  });

  it("requires an admin key with the right scope", async () => {
    const body = { url: url(), eventTypes: ["*"] };
    expect((await call("POST", "/v1/webhook-endpoints", { body })).status).toBe(401);
    expect((await call("GET", "/v1/webhook-endpoints")).status).toBe(401);
    const reader = await adminKeyWith(["events:read"]);
    const writer = await adminKeyWith(["webhooks:write"]);
    const denied = await call("POST", "/v1/webhook-endpoints", { token: reader, body });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain("webhooks:write");
    expect((await call("POST", "/v1/webhook-endpoints", { token: writer, body })).status).toBe(201);
    expect((await call("GET", "/v1/events", { token: writer })).status).toBe(403);
    expect((await call("GET", "/v1/events", { token: reader })).status).toBe(200);
    expect((await call("GET", "/v1/events")).status).toBe(401);
  });
});

describe("deliveries, redelivery and the pull API", () => {
  it("lists deliveries per endpoint and event with their attempt log, and redelivers over REST and GraphQL", async () => {
    receivers = mockReceivers(() => new Response("nope", { status: 500 }));
    const created = await call("POST", "/v1/webhook-endpoints", { admin: true, body: { url: url(), eventTypes: ["customer.created"] } });
    const { endpoint, secret } = created.body;
    const event = await recordEvent("customer.created", { id: "cus_api", email: "c@example.com", createdAt: new Date().toISOString() });
    await deliver("edgeshop-events", [{ body: event }]);

    const byEndpoint = await call("GET", `/v1/webhook-deliveries?endpointId=${endpoint.id}`, { admin: true });
    expect(byEndpoint.body.data).toHaveLength(1);
    const delivery = byEndpoint.body.data[0];
    expect(delivery).toMatchObject({ eventId: event.id, eventType: "customer.created", status: "pending", attempts: 1, lastStatusCode: 500 });
    const byEvent = await call("GET", `/v1/webhook-deliveries?eventId=${event.id}&status=pending`, { admin: true });
    expect(byEvent.body.data.map((d: any) => d.id)).toContain(delivery.id);

    const detail = await call("GET", `/v1/webhook-deliveries/${delivery.id}`, { admin: true });
    expect(detail.body.attemptLog).toEqual([
      expect.objectContaining({ statusCode: 500, outcome: "retry", responseExcerpt: "nope", url: endpoint.url, requestId: expect.stringMatching(/^req_/) }),
    ]);

    receivers.reply(() => new Response(null, { status: 204 }));
    const redelivered = await call("POST", `/v1/webhook-deliveries/${delivery.id}/redeliver`, { admin: true });
    expect(redelivered.status).toBe(202);
    // The attempt runs in waitUntil after the response.
    let status = "pending";
    for (let i = 0; i < 50 && status !== "succeeded"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await call("GET", `/v1/webhook-deliveries/${delivery.id}`, { admin: true })).body.status;
    }
    expect(status).toBe("succeeded");
    const last = receivers.received.filter((r) => r.url === endpoint.url).at(-1)!;
    expect(new Webhook(secret).verify(last.body, last.headers)).toMatchObject({ type: "customer.created" });

    const q = `query($id: ID!) { webhookEndpoint(id: $id) { id status deliveries(first: 5) { edges { node { id status attempts attemptLog { statusCode outcome requestId } } } } } }`;
    const viaGraphql = await gql(q, { id: endpoint.id }, { admin: true });
    const node = viaGraphql.data.webhookEndpoint.deliveries.edges[0].node;
    expect(node).toMatchObject({ id: delivery.id, status: "SUCCEEDED", attempts: 2 });
    expect(node.attemptLog.map((a: any) => a.outcome)).toEqual(["RETRY", "SUCCEEDED"]);

    const again = await gql(`mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status nextAttemptAt } }`, { id: delivery.id }, { admin: true });
    expect(again.data.redeliverWebhook).toMatchObject({ id: delivery.id, status: "PENDING" });

    await call("PATCH", `/v1/webhook-endpoints/${endpoint.id}`, { admin: true, body: { enabled: false } });
    const blocked = await call("POST", `/v1/webhook-deliveries/${delivery.id}/redeliver`, { admin: true });
    expect(blocked.status).toBe(409);
    expect((await call("POST", "/v1/webhook-deliveries/whdl_missing/redeliver", { admin: true })).status).toBe(404);
  });

  it("pages the event feed after a cursor, filters by type, and refuses bad cursors and types", async () => {
    const first = await call("GET", "/v1/events?limit=100", { admin: true });
    expect(first.status).toBe(200);
    const cursor = first.body.next_cursor;
    const a = await recordEvent("order.placed", { id: "ord_feed1", lines: [] });
    const b = await recordEvent("inventory.out_of_stock", { sku: "S", available: 0, onHand: 0 });
    const c = await recordEvent("order.paid", { id: "ord_feed1" });

    const all = await call("GET", `/v1/events?after=${cursor ?? ""}&limit=100`.replace("after=&", ""), { admin: true });
    const tail = all.body.data.slice(-3).map((e: any) => e.id);
    expect(tail).toEqual([a.id, b.id, c.id]);
    expect(all.body.has_more).toBe(false);
    expect(all.body.next_cursor).toBeTruthy();

    const orders = await call("GET", `/v1/events?after=${all.body.next_cursor}`, { admin: true });
    expect(orders.body).toEqual({ data: [], next_cursor: all.body.next_cursor, has_more: false });
    const d = await recordEvent("order.refunded", { id: "ord_feed1" });
    const resumed = await call("GET", `/v1/events?after=${all.body.next_cursor}&types=order.refunded,order.paid`, { admin: true });
    expect(resumed.body.data.map((e: any) => e.id)).toEqual([d.id]);

    const paged = await call("GET", `/v1/events?types=order.placed,order.paid&limit=1`, { admin: true });
    expect(paged.body.data).toHaveLength(1);
    expect(paged.body.has_more).toBe(true);

    expect((await call("GET", "/v1/events?types=order.exploded", { admin: true })).body.errors[0].pointer).toBe("/types");
    const badCursor = await call("GET", "/v1/events?after=garbage", { admin: true });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors[0].pointer).toBe("/after");
    expect((await call("GET", `/v1/events/${a.id}`, { admin: true })).body).toMatchObject({ id: a.id, type: "order.placed", sequence: 1 });
    expect((await call("GET", "/v1/events/evt_missing", { admin: true })).status).toBe(404);

    const viaGraphql = await gql(`query($after: String) { events(first: 10, after: $after, types: ["order.placed", "order.refunded"]) { edges { node { id type sequence data resourceId } } pageInfo { endCursor hasNextPage } } }`, { after: cursor }, { admin: true });
    expect(viaGraphql.data.events.edges.map((e: any) => e.node.id)).toEqual([a.id, d.id]);
    expect(JSON.parse(viaGraphql.data.events.edges[0].node.data)).toEqual({ id: "ord_feed1", lines: [] });
    const denied = await gql(`{ events(first: 1) { edges { node { id } } } }`);
    expect(denied.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
  });
});

describe("webhook endpoints over GraphQL", () => {
  it("creates, lists, updates, rotates and deletes, with the same validation and auth as REST", async () => {
    const create = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id url status eventTypes } } }`;
    const made = await gql(create, { input: { url: url(), eventTypes: ["product.created"], description: "gql" } }, { admin: true });
    expect(made.data.createWebhookEndpoint.secret).toMatch(/^whsec_/);
    const id = made.data.createWebhookEndpoint.endpoint.id;

    const ssrf = await gql(create, { input: { url: "https://169.254.169.254/", eventTypes: ["*"] } }, { admin: true });
    expect(ssrf.errors![0]!.extensions).toMatchObject({ code: "VALIDATION_FAILED", errors: [expect.objectContaining({ pointer: "/url" })] });
    expect((await gql(create, { input: { url: url(), eventTypes: ["*"] } })).errors![0]!.extensions.code).toBe("UNAUTHENTICATED");

    const list = await gql(`{ webhookEndpoints(first: 50) { edges { node { id } } } }`, {}, { admin: true });
    expect(list.data.webhookEndpoints.edges.map((e: any) => e.node.id)).toContain(id);

    const updated = await gql(`mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: false, description: "paused" }) { status disabledReason description } }`, { id }, { admin: true });
    expect(updated.data.updateWebhookEndpoint).toEqual({ status: "DISABLED", disabledReason: "Disabled by an admin.", description: "paused" });

    const rotated = await gql(`mutation($id: ID!) { rotateWebhookSecret(id: $id, overlapSeconds: 600) { secret endpoint { previousSecretExpiresAt } } }`, { id }, { admin: true });
    expect(rotated.data.rotateWebhookSecret.secret).toMatch(/^whsec_/);
    expect(rotated.data.rotateWebhookSecret.endpoint.previousSecretExpiresAt).toBeTruthy();
    const tooLong = await gql(`mutation($id: ID!) { rotateWebhookSecret(id: $id, overlapSeconds: 99999999) { secret } }`, { id }, { admin: true });
    expect(tooLong.errors![0]!.extensions.code).toBe("VALIDATION_FAILED");

    expect((await gql(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id }, { admin: true })).data.deleteWebhookEndpoint).toBe(true);
    expect((await gql(`query($id: ID!) { webhookEndpoint(id: $id) { id } }`, { id }, { admin: true })).errors![0]!.extensions.code).toBe("NOT_FOUND");
  });
});

describe("event catalogue", () => {
  it("serves an AsyncAPI 3 document generated from the payload schemas", async () => {
    const res = await call("GET", "/asyncapi.json");
    expect(res.status).toBe(200);
    expect(res.body.asyncapi).toBe("3.0.0");
    expect(Object.keys(res.body.channels).sort()).toEqual([...eventTypes].sort());
    const message = res.body.components.messages.productCreated;
    expect(message.payload.properties.type.const).toBe("product.created");
    expect(message.payload.properties.data.required).toEqual(expect.arrayContaining(["id", "slug", "title", "status"]));
    expect(res.body.components.messages.orderPlaced.payload.properties.data.required).toContain("lines");
  });

  it("matches what the catalog actually records", async () => {
    const product = await call("POST", "/v1/products", { admin: true, body: { title: "Catalogue tee", slug: unique("cat-tee") } });
    await call("PATCH", `/v1/products/${product.body.id}`, { admin: true, body: { title: "Catalogue tee 2" } });
    await call("DELETE", `/v1/products/${product.body.id}`, { admin: true });
    const feed = await call("GET", "/v1/events?types=product.created,product.updated,product.deleted&limit=100", { admin: true });
    const mine = feed.body.data.filter((e: any) => e.resource.id === product.body.id);
    expect(mine.map((e: any) => [e.type, e.sequence])).toEqual([["product.created", 1], ["product.updated", 2], ["product.deleted", 3]]);
    for (const e of mine) expect(eventCatalogue[e.type as "product.created"].data.safeParse(e.data).success, e.type).toBe(true);
  });
});
