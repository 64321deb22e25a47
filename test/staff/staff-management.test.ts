import { describe, expect, it } from "vitest";
import { call, gql } from "../support/helpers";
import { asStaff, createStaffMember, signIn, signedInStaff, STAFF_PASSWORD } from "../support/staff-helpers";

describe("managing staff", () => {
  it("the bootstrap key creates the first owner; the owner lists and pages staff", async () => {
    const owner = await createStaffMember("owner");
    expect(owner.staff).toMatchObject({ role: "owner", scopes: ["admin:*"], disabled: false, lastSignInAt: null });
    expect(owner.staff).not.toHaveProperty("passwordHash");
    const session = await signIn(owner.email, owner.password);
    await createStaffMember("support");
    const first = await asStaff(session, "GET", "/v1/staff?limit=1", { csrf: false });
    expect(first.body.data).toHaveLength(1);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await asStaff(session, "GET", `/v1/staff?limit=1&cursor=${first.body.next_cursor}`, { csrf: false });
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
  });

  it("refuses a taken email (409), a short password and an unknown role (400 with pointers)", async () => {
    const { email } = await createStaffMember("support");
    const taken = await call("POST", "/v1/staff", { admin: true, body: { email: email.toUpperCase(), name: "Again", role: "support", password: STAFF_PASSWORD } });
    expect(taken.status).toBe(409);
    const bad = await call("POST", "/v1/staff", { admin: true, body: { email: "new@staff.test", name: "", role: "boss", password: "short" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/name", "/password", "/role"]);
  });

  it("concurrent creations of one email make one member", async () => {
    const email = `race-${Date.now()}@staff.test`;
    const answers = await Promise.all(Array.from({ length: 4 }, () => call("POST", "/v1/staff", { admin: true, body: { email, name: "Race", role: "support", password: STAFF_PASSWORD } })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it("a role change applies to the member's next request; disabling ends their sessions", async () => {
    const member = await signedInStaff("read_only");
    expect((await asStaff(member, "POST", "/v1/categories", { body: { name: `promoted-${Date.now()}` } })).status).toBe(403);
    const promoted = await call("PATCH", `/v1/staff/${member.staff.id}`, { admin: true, body: { role: "catalog", name: "Promoted" } });
    expect(promoted.body).toMatchObject({ role: "catalog", name: "Promoted" });
    expect((await asStaff(member, "POST", "/v1/categories", { body: { name: `promoted-${Date.now()}` } })).status).toBe(201);
    const disabled = await call("PATCH", `/v1/staff/${member.staff.id}`, { admin: true, body: { disabled: true } });
    expect(disabled.body.disabled).toBe(true);
    expect((await asStaff(member, "GET", "/v1/staff/me")).status).toBe(401);
    expect((await call("POST", "/v1/staff/sign-in", { body: { email: member.email, password: member.password } })).status).toBe(401);
    await call("PATCH", `/v1/staff/${member.staff.id}`, { admin: true, body: { disabled: false } });
    expect((await signIn(member.email, member.password)).body.staff.disabled).toBe(false);
  });

  it("nobody gives a role above their own scopes", async () => {
    const keyRes = await call("POST", "/v1/api-keys", { admin: true, body: { name: "staff manager", scopes: ["staff:write", "staff:read"] } });
    const manager = keyRes.body.secret as string;
    const owner = await call("POST", "/v1/staff", { token: manager, body: { email: `o-${Date.now()}@staff.test`, name: "O", role: "owner", password: STAFF_PASSWORD } });
    expect(owner.status).toBe(403);
    expect(owner.body.errors).toEqual([{ pointer: "/role", detail: "Above your own scopes." }]);
    const target = await createStaffMember("support");
    expect((await call("PATCH", `/v1/staff/${target.staff.id}`, { token: manager, body: { role: "catalog" } })).status).toBe(403);
  });

  it("the last enabled owner cannot be demoted or disabled, even by two owners at once", async () => {
    // Fresh owners: disable every other owner first so that exactly two remain enabled.
    const a = await createStaffMember("owner");
    const b = await createStaffMember("owner");
    const all = await call("GET", "/v1/staff?limit=100", { admin: true });
    for (const s of all.body.data) {
      if (s.role === "owner" && ![a.staff.id, b.staff.id].includes(s.id) && !s.disabled) {
        await call("PATCH", `/v1/staff/${s.id}`, { admin: true, body: { disabled: true } });
      }
    }
    const answers = await Promise.all([
      call("PATCH", `/v1/staff/${a.staff.id}`, { admin: true, body: { role: "support" } }),
      call("PATCH", `/v1/staff/${b.staff.id}`, { admin: true, body: { disabled: true } }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const owners = (await call("GET", "/v1/staff?limit=100", { admin: true })).body.data.filter((s: { role: string; disabled: boolean }) => s.role === "owner" && !s.disabled);
    expect(owners).toHaveLength(1);
  });

  it("unknown ids are 404 and unknown fields 400", async () => {
    expect((await call("PATCH", "/v1/staff/stf_nope", { admin: true, body: { name: "X" } })).status).toBe(404);
    const member = await createStaffMember("support");
    const res = await call("PATCH", `/v1/staff/${member.staff.id}`, { admin: true, body: { email: "other@staff.test" } });
    expect(res.status).toBe(400);
  });

  it("GraphQL mirrors it: createStaff, updateStaff, staffMembers", async () => {
    const email = `gql-${Date.now()}@staff.test`;
    const created = await gql(
      "mutation($i: CreateStaffInput!) { createStaff(input: $i) { id email role scopes disabled } }",
      { i: { email, name: "Gee", role: "READ_ONLY", password: STAFF_PASSWORD } },
      { admin: true },
    );
    expect(created.data.createStaff).toMatchObject({ email, role: "READ_ONLY", disabled: false });
    expect(created.data.createStaff.scopes).toContain("audit:read");
    const updated = await gql("mutation($id: ID!) { updateStaff(id: $id, input: { role: SUPPORT }) { role } }", { id: created.data.createStaff.id }, { admin: true });
    expect(updated.data.updateStaff.role).toBe("SUPPORT");
    const list = await gql("{ staffMembers(first: 50) { edges { node { email } } } }", {}, { admin: true });
    expect(list.data.staffMembers.edges.map((e: { node: { email: string } }) => e.node.email)).toContain(email);
    const anonymous = await gql("{ staffMembers(first: 1) { edges { node { id } } } }");
    expect(anonymous.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
  });
});
