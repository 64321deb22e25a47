import { describe, expect, it } from "vitest";
import { call, gql } from "../support/helpers";
import { asStaff, createStaffMember, signIn, signedInStaff, STAFF_PASSWORD } from "../support/staff-helpers";

describe("staff sign-in", () => {
  it("sets a __Host- HttpOnly Secure SameSite=Strict cookie and answers the member, a CSRF token and the expiry", async () => {
    const { email, password, staff } = await createStaffMember("catalog");
    const res = await call("POST", "/v1/staff/sign-in", { body: { email: email.toUpperCase(), password } });
    expect(res.status).toBe(200);
    expect(res.body.staff).toMatchObject({ id: staff.id, email, role: "catalog", disabled: false });
    expect(res.body.staff.scopes).toEqual(expect.arrayContaining(["catalog:write", "inventory:write", "orders:read"]));
    expect(res.body.staff.lastSignInAt).toEqual(expect.any(String));
    expect(res.body.csrfToken).toMatch(/^[\w-]{40,}$/);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-edgeshop_staff="))!;
    expect(cookie).toMatch(/^__Host-edgeshop_staff=essess_[\w-]+; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 401 with the same body for an unknown email, a wrong password and a disabled member", async () => {
    const { email, staff } = await createStaffMember("support");
    const disabled = await createStaffMember("support");
    await call("PATCH", `/v1/staff/${disabled.staff.id}`, { admin: true, body: { disabled: true } });
    const answers = await Promise.all([
      call("POST", "/v1/staff/sign-in", { body: { email: "nobody@staff.test", password: STAFF_PASSWORD } }),
      call("POST", "/v1/staff/sign-in", { body: { email, password: "wrong password here" } }),
      call("POST", "/v1/staff/sign-in", { body: { email: disabled.email, password: disabled.password } }),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie()).toEqual([]);
      const { request_id: _ignored, ...rest } = res.body;
      expect(rest).toEqual({ type: "https://edgeshop.dev/problems/unauthenticated", title: "Authentication is required.", status: 401, detail: "The email or password is incorrect.", instance: "/v1/staff/sign-in" });
    }
    expect(staff.id).toMatch(/^stf_/);
  });

  it("throttles failed sign-ins per email with 429 and Retry-After, even for the right password", async () => {
    const { email, password } = await createStaffMember("support");
    const ip = { "cf-connecting-ip": "203.0.113.77" };
    const failures = await Promise.all(Array.from({ length: 8 }, () => call("POST", "/v1/staff/sign-in", { body: { email, password: "not the password" }, headers: ip })));
    expect(failures.filter((r) => r.status === 401)).toHaveLength(5);
    expect(failures.filter((r) => r.status === 429)).toHaveLength(3);
    const right = await call("POST", "/v1/staff/sign-in", { body: { email, password }, headers: ip });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("refuses bad input with pointers", async () => {
    const res = await call("POST", "/v1/staff/sign-in", { body: { email: "not-an-email", password: "" } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/email", "/password"]);
  });
});

describe("staff session", () => {
  it("GET /v1/staff/me answers the member and the same CSRF token, by cookie or bearer", async () => {
    const session = await signedInStaff("orders");
    const me = await asStaff(session, "GET", "/v1/staff/me", { csrf: false });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ staff: { email: session.email, role: "orders" }, csrfToken: session.csrfToken });
    const token = session.cookie.split("=")[1]!;
    const byBearer = await call("GET", "/v1/staff/me", { token });
    expect(byBearer.body.csrfToken).toBe(session.csrfToken);
    expect((await call("GET", "/v1/staff/me")).status).toBe(401);
  });

  it("authenticates /v1 and /graphql like an admin key with the role's scopes", async () => {
    const session = await signedInStaff("catalog");
    expect((await asStaff(session, "GET", "/v1/orders?limit=1", { csrf: false })).status).toBe(200);
    const created = await asStaff(session, "POST", "/v1/categories", { body: { name: `Staff category ${Date.now()}` } });
    expect(created.status).toBe(201);
    const hook = await asStaff(session, "POST", "/v1/webhook-endpoints", { body: { url: "https://example.com/hook", eventTypes: ["order.placed"] } });
    expect(hook.status).toBe(403);
    expect(hook.body.detail).toMatch(/Your role lacks the 'webhooks:write' scope/);
  });

  it("a read-only member reads everything and writes nothing (403 forbidden), over REST and GraphQL", async () => {
    const session = await signedInStaff("read_only");
    for (const path of ["/v1/orders?limit=1", "/v1/customers?limit=1", "/v1/webhook-endpoints", "/v1/events?limit=1", "/v1/staff", "/v1/api-keys", "/v1/audit-log"]) {
      expect((await asStaff(session, "GET", path, { csrf: false })).status, path).toBe(200);
    }
    const writes = await Promise.all([
      asStaff(session, "POST", "/v1/categories", { body: { name: "Nope" } }),
      asStaff(session, "POST", "/v1/staff", { body: { email: "x@staff.test", name: "X", role: "read_only", password: STAFF_PASSWORD } }),
      asStaff(session, "POST", "/v1/api-keys", { body: { name: "nope", scopes: ["catalog:read"] } }),
    ]);
    for (const res of writes) {
      expect(res.status).toBe(403);
      expect(res.body.type).toBe("https://edgeshop.dev/problems/forbidden");
    }
    const res = await call("POST", "/graphql", {
      headers: { cookie: session.cookie, "x-csrf-token": session.csrfToken },
      body: { query: 'mutation { createCategory(input: { name: "Nope" }) { id } }' },
    });
    expect(res.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });
});

describe("CSRF", () => {
  it("refuses cookie-authenticated REST writes without the token or with a wrong one (403), and writes nothing", async () => {
    const session = await signedInStaff("owner");
    const name = `csrf-${Date.now()}`;
    for (const csrf of [false, "wrong-token", ""] as const) {
      const res = await asStaff(session, "POST", "/v1/categories", { body: { name }, csrf });
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/CSRF/);
    }
    const list = await call("GET", "/v1/categories");
    expect(JSON.stringify(list.body)).not.toContain(name);
    expect((await asStaff(session, "POST", "/v1/categories", { body: { name } })).status).toBe(201);
  });

  it("needs no token for bearer-authenticated writes, nor for reads", async () => {
    const session = await signedInStaff("owner");
    const token = session.cookie.split("=")[1]!;
    expect((await call("POST", "/v1/categories", { token, body: { name: `bearer-${Date.now()}` } })).status).toBe(201);
    expect((await asStaff(session, "GET", "/v1/staff", { csrf: false })).status).toBe(200);
  });

  it("refuses cookie-authenticated GraphQL mutations without the token; queries pass", async () => {
    const session = await signedInStaff("owner");
    const mutation = await call("POST", "/graphql", { headers: { cookie: session.cookie }, body: { query: 'mutation { createCategory(input: { name: "csrf gql" }) { id } }' } });
    expect(mutation.body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", reason: "csrf" });
    expect(mutation.body.data).toBeNull();
    const query = await call("POST", "/graphql", { headers: { cookie: session.cookie }, body: { query: "{ staffMe { staff { email role } csrfToken } }" } });
    expect(query.body.data.staffMe).toEqual({ staff: { email: session.email, role: "OWNER" }, csrfToken: session.csrfToken });
    const withToken = await call("POST", "/graphql", {
      headers: { cookie: session.cookie, "x-csrf-token": session.csrfToken },
      body: { query: `mutation { createCategory(input: { name: "csrf gql ${Date.now()}" }) { id } }` },
    });
    expect(withToken.body.data.createCategory.id).toMatch(/^cat_/);
  });
});

describe("sign-out", () => {
  it("ends this session and clears the cookie; another session of the member lives on", async () => {
    const { email, password } = await createStaffMember("support");
    const a = await signIn(email, password);
    const b = await signIn(email, password);
    const out = await asStaff(a, "POST", "/v1/staff/sign-out");
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ revokedSessions: 1 });
    expect(out.headers.getSetCookie().some((c) => /^__Host-edgeshop_staff=; Max-Age=0/.test(c))).toBe(true);
    expect((await asStaff(a, "GET", "/v1/staff/me")).status).toBe(401);
    expect((await asStaff(b, "GET", "/v1/staff/me")).status).toBe(200);
  });

  it("everywhere ends every session of the member", async () => {
    const { email, password } = await createStaffMember("support");
    const sessions = await Promise.all([signIn(email, password), signIn(email, password), signIn(email, password)]);
    const out = await asStaff(sessions[0]!, "POST", "/v1/staff/sign-out-everywhere");
    expect(out.body).toEqual({ revokedSessions: 3 });
    for (const s of sessions) expect((await asStaff(s, "GET", "/v1/staff/me")).status).toBe(401);
  });

  it("a stale cookie on a public read is ignored and cleared, not a 401", async () => {
    const session = await signedInStaff("support");
    await asStaff(session, "POST", "/v1/staff/sign-out");
    const res = await call("GET", "/v1/products?limit=1", { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__Host-edgeshop_staff=;"))).toBe(true);
  });

  it("concurrent sign-out-everywhere and requests: nothing fails oddly, and afterwards every session is dead", async () => {
    const { email, password } = await createStaffMember("orders");
    const sessions = await Promise.all(Array.from({ length: 4 }, () => signIn(email, password)));
    const requests = sessions.flatMap((s) => [asStaff(s, "GET", "/v1/orders?limit=1"), asStaff(s, "GET", "/v1/staff/me")]);
    const [out, ...answers] = await Promise.all([asStaff(sessions[1]!, "POST", "/v1/staff/sign-out-everywhere"), ...requests]);
    expect(out.status).toBe(200);
    for (const res of answers) expect([200, 401]).toContain(res.status);
    const after = await Promise.all(sessions.map((s) => asStaff(s, "GET", "/v1/orders?limit=1")));
    // Cookies of dead sessions are ignored (anonymous): the admin read is now a 401.
    for (const res of after) expect(res.status).toBe(401);
  });

  it("GraphQL signInStaff sets the cookie; signOutStaff(everywhere) ends the sessions", async () => {
    const { email, password } = await createStaffMember("support");
    const res = await call("POST", "/graphql", { body: { query: "mutation($e: String!, $p: String!) { signInStaff(email: $e, password: $p) { csrfToken staff { role } } }", variables: { e: email, p: password } } });
    expect(res.body.data.signInStaff.staff.role).toBe("SUPPORT");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-edgeshop_staff="))!.split(";")[0]!;
    const session = { cookie, csrfToken: res.body.data.signInStaff.csrfToken };
    const out = await call("POST", "/graphql", { headers: { cookie, "x-csrf-token": session.csrfToken }, body: { query: "mutation { signOutStaff(everywhere: true) { revokedSessions } }" } });
    expect(out.body.data.signOutStaff.revokedSessions).toBe(1);
    expect((await asStaff(session, "GET", "/v1/staff/me")).status).toBe(401);
    const wrong = await gql("mutation { signInStaff(email: \"nobody@staff.test\", password: \"whatever-it-is\") { csrfToken } }");
    expect(wrong.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
  });
});
