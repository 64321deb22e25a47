import { describe, expect, it, vi } from "vitest";
import { call, gql } from "../support/helpers";
import { asStaff, signedInStaff } from "../support/staff-helpers";

type Entry = { id: string; actor: { type: string; id: string; name: string }; action: string; resource: string | null; requestId: string; status: number; transport: string };

/** The audit log is written after the response: wait until the entry for this request id is there. */
async function entryFor(requestId: string, query = ""): Promise<Entry[]> {
  return vi.waitFor(async () => {
    const res = await call("GET", `/v1/audit-log?limit=100${query}`, { admin: true });
    const entries = (res.body.data as Entry[]).filter((e) => e.requestId === requestId);
    expect(entries.length).toBeGreaterThan(0);
    return entries;
  });
}

describe("audit log", () => {
  it("records a REST write by a staff session: who, the operationId, the resource, the request id and the status", async () => {
    const owner = await signedInStaff("owner");
    const created = await asStaff(owner, "POST", "/v1/categories", { body: { name: `Audited ${Date.now()}` }, headers: { "x-request-id": "req_audit_rest_0001" } });
    expect(created.status).toBe(201);
    const updated = await asStaff(owner, "PATCH", `/v1/categories/${created.body.id}`, { body: { name: `Audited again ${Date.now()}` }, headers: { "x-request-id": "req_audit_rest_0002" } });
    expect(updated.status).toBe(200);
    const [create] = await entryFor("req_audit_rest_0001");
    expect(create).toMatchObject({ actor: { type: "staff", id: owner.body.staff.id }, action: "createCategory", resource: null, status: 201, transport: "rest" });
    const [update] = await entryFor("req_audit_rest_0002");
    expect(update).toMatchObject({ action: "updateCategory", resource: created.body.id, status: 200 });
  });

  it("records refused writes too (a read-only member's 403), but not reads or anonymous requests", async () => {
    const reader = await signedInStaff("read_only");
    await asStaff(reader, "POST", "/v1/categories", { body: { name: "refused" }, headers: { "x-request-id": "req_audit_refused_01" } });
    const [entry] = await entryFor("req_audit_refused_01");
    expect(entry).toMatchObject({ actor: { type: "staff", id: reader.body.staff.id }, action: "createCategory", status: 403 });
    await asStaff(reader, "GET", "/v1/orders?limit=1", { headers: { "x-request-id": "req_audit_read_0001" } });
    await call("POST", "/v1/customers", { body: { email: `audit-${Date.now()}@example.com`, password: "correct horse battery" }, headers: { "x-request-id": "req_audit_anon_0001" } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const all = (await call("GET", "/v1/audit-log?limit=100", { admin: true })).body.data as Entry[];
    expect(all.some((e) => e.requestId === "req_audit_read_0001" || e.requestId === "req_audit_anon_0001")).toBe(false);
  });

  it("records API key writes with the key's name, and GraphQL mutations per field with their status", async () => {
    const key = await call("POST", "/v1/api-keys", { admin: true, body: { name: "Catalog bot", scopes: ["catalog:write"] } });
    const res = await call("POST", "/graphql", {
      token: key.body.secret,
      headers: { "x-request-id": "req_audit_gql_00001" },
      body: { query: `mutation { ok: createCategory(input: { name: "GQL audited ${Date.now()}" }) { id } nope: createWebhookEndpoint(input: { url: "https://example.com/h", eventTypes: ["order.placed"] }) { secret } }` },
    });
    // createWebhookEndpoint is refused (non-null field), so `data` is null; createCategory ran.
    expect(res.body.errors.map((e: { path: string[] }) => e.path[0])).toEqual(["nope"]);
    const entries = await vi.waitFor(async () => {
      const found = await entryFor("req_audit_gql_00001");
      expect(found).toHaveLength(2);
      return found;
    });
    const byAction = Object.fromEntries(entries.map((e) => [e.action, e]));
    expect(byAction.createCategory).toMatchObject({ actor: { type: "api_key", id: key.body.apiKey.id, name: "Catalog bot" }, status: 200, transport: "graphql" });
    expect(byAction.createWebhookEndpoint).toMatchObject({ status: 403 });
  });

  it("filters by actor and action, pages newest first, and needs audit:read", async () => {
    const key = await call("POST", "/v1/api-keys", { admin: true, body: { name: "Filter bot", scopes: ["catalog:write"] } });
    for (let i = 0; i < 3; i++) {
      await call("POST", "/v1/categories", { token: key.body.secret, body: { name: `Filtered ${Date.now()} ${i}` }, headers: { "x-request-id": `req_audit_filter_${i}0` } });
    }
    await entryFor("req_audit_filter_20");
    const page = await call("GET", `/v1/audit-log?actor=${key.body.apiKey.id}&action=createCategory&limit=2`, { admin: true });
    expect(page.body.data.map((e: Entry) => e.requestId)).toEqual(["req_audit_filter_20", "req_audit_filter_10"]);
    const next = await call("GET", `/v1/audit-log?actor=${key.body.apiKey.id}&limit=2&cursor=${page.body.next_cursor}`, { admin: true });
    expect(next.body.data.map((e: Entry) => e.requestId)).toEqual(["req_audit_filter_00"]);
    expect((await call("GET", "/v1/audit-log", { token: key.body.secret })).status).toBe(403);
    expect((await call("GET", "/v1/audit-log")).status).toBe(401);
    const gqlPage = await gql(`{ auditLog(first: 5, actor: "${key.body.apiKey.id}") { edges { node { action actor { type name } } } } }`, {}, { admin: true });
    expect(gqlPage.data.auditLog.edges[0].node).toEqual({ action: "createCategory", actor: { type: "api_key", name: "Filter bot" } });
  });
});
