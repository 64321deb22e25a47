import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { call, gql } from "../support/helpers";
import { asStaff, signedInStaff } from "../support/staff-helpers";

async function createKey(body: Record<string, unknown>, options: { token?: string } = {}) {
  return call("POST", "/v1/api-keys", { ...(options.token ? { token: options.token } : { admin: true }), body });
}

describe("admin API keys", () => {
  it("create shows the secret once; the list shows the prefix, never the secret or its hash", async () => {
    const res = await createKey({ name: "ERP sync", scopes: ["orders:read", "orders:write"] });
    expect(res.status).toBe(201);
    const { apiKey, secret } = res.body;
    expect(secret).toMatch(/^esk_admin_[\w-]{40,}$/);
    expect(apiKey).toMatchObject({ name: "ERP sync", prefix: secret.slice(0, 16), scopes: ["orders:read", "orders:write"], createdBy: "bootstrap", expiresAt: null, revokedAt: null, lastUsedAt: null });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const list = await call("GET", "/v1/api-keys?limit=100", { admin: true });
    const listed = list.body.data.find((k: { id: string }) => k.id === apiKey.id);
    expect(listed).toEqual(apiKey);
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain("key_hash");
  });

  it("a key works with its scopes only, and records its last use at most once a minute", async () => {
    const { body } = await createKey({ name: "reader", scopes: ["orders:read"] });
    expect((await call("GET", "/v1/orders?limit=1", { token: body.secret })).status).toBe(200);
    expect((await call("POST", "/v1/categories", { token: body.secret, body: { name: "no" } })).status).toBe(403);
    const lastUsed = () => env.DB.prepare("SELECT last_used_at FROM admin_api_keys WHERE id = ?").bind(body.apiKey.id).first<{ last_used_at: string | null }>();
    // Written after the response (waitUntil).
    const first = await vi.waitFor(async () => {
      const row = await lastUsed();
      expect(row?.last_used_at).toEqual(expect.any(String));
      return row;
    });
    await Promise.all(Array.from({ length: 5 }, () => call("GET", "/v1/orders?limit=1", { token: body.secret })));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await lastUsed())?.last_used_at).toBe(first?.last_used_at);
  });

  it("an expired key and a revoked key are 401", async () => {
    const { body } = await createKey({ name: "soon", scopes: ["orders:read"], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await env.DB.prepare("UPDATE admin_api_keys SET expires_at = ? WHERE id = ?").bind(new Date(Date.now() - 1000).toISOString(), body.apiKey.id).run();
    const expired = await call("GET", "/v1/orders?limit=1", { token: body.secret });
    expect(expired.status).toBe(401);
    const live = await createKey({ name: "to revoke", scopes: ["orders:read"] });
    const revoked = await call("POST", `/v1/api-keys/${live.body.apiKey.id}/revoke`, { admin: true });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const after = await call("GET", "/v1/orders?limit=1", { token: live.body.secret });
    expect(after.status).toBe(401);
    expect(after.body.detail).toBe(expired.body.detail);
  });

  it("concurrent revocations agree on one revokedAt", async () => {
    const { body } = await createKey({ name: "raced", scopes: ["orders:read"] });
    const answers = await Promise.all(Array.from({ length: 5 }, () => call("POST", `/v1/api-keys/${body.apiKey.id}/revoke`, { admin: true })));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(new Set(answers.map((r) => r.body.revokedAt)).size).toBe(1);
  });

  it("concurrent revocation and use: after the revoke answers, the key is refused", async () => {
    const { body } = await createKey({ name: "in use", scopes: ["orders:read"] });
    const [revoke, ...uses] = await Promise.all([
      call("POST", `/v1/api-keys/${body.apiKey.id}/revoke`, { admin: true }),
      ...Array.from({ length: 6 }, () => call("GET", "/v1/orders?limit=1", { token: body.secret })),
    ]);
    expect(revoke.status).toBe(200);
    for (const use of uses) expect([200, 401]).toContain(use.status);
    expect((await call("GET", "/v1/orders?limit=1", { token: body.secret })).status).toBe(401);
  });

  it("refuses bad input: no scopes, an unknown scope, a past expiry", async () => {
    const res = await createKey({ name: "", scopes: ["root"], expiresAt: "yesterday" });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/expiresAt", "/name", "/scopes/0"]);
    const past = await createKey({ name: "past", scopes: ["orders:read"], expiresAt: "2020-01-01T00:00:00Z" });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([{ pointer: "/expiresAt", detail: "Must be in the future." }]);
    expect((await call("POST", "/v1/api-keys/key_nope/revoke", { admin: true })).status).toBe(404);
  });

  it("nobody mints a key above their scopes; staff managing keys are recorded as its creator", async () => {
    const { body } = await createKey({ name: "key manager", scopes: ["keys:write", "orders:read"] });
    const escalate = await createKey({ name: "root", scopes: ["admin:*"] }, { token: body.secret });
    expect(escalate.status).toBe(403);
    expect(escalate.body.errors[0].pointer).toBe("/scopes");
    expect((await createKey({ name: "narrow", scopes: ["orders:read"] }, { token: body.secret })).status).toBe(201);
    const owner = await signedInStaff("owner");
    const made = await asStaff(owner, "POST", "/v1/api-keys", { body: { name: "by staff", scopes: ["catalog:write"] } });
    expect(made.body.apiKey.createdBy).toBe(owner.body.staff.id);
  });

  it("GraphQL mirrors it: createApiKey, apiKeys, revokeApiKey", async () => {
    const created = await gql("mutation { createApiKey(input: { name: \"gql key\", scopes: [\"events:read\"] }) { secret apiKey { id prefix scopes } } }", {}, { admin: true });
    const { secret, apiKey } = created.data.createApiKey;
    expect(apiKey.prefix).toBe(secret.slice(0, 16));
    const list = await gql("{ apiKeys(first: 100) { edges { node { id lastUsedAt } } } }", {}, { admin: true });
    expect(list.data.apiKeys.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(apiKey.id);
    const revoked = await gql("mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }", { id: apiKey.id }, { admin: true });
    expect(revoked.data.revokeApiKey.revokedAt).toEqual(expect.any(String));
    expect((await call("GET", "/v1/events?limit=1", { token: secret })).status).toBe(401);
  });
});
