import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call } from "../support/helpers";
import { gqlAs, PASSWORD, signIn, signUp } from "../support/customers-helpers";

const berlin = { name: "Ada Lovelace", line1: "Unter den Linden 1", city: "Berlin", postalCode: "10117", country: "de" };
const paris = { name: "Ada Lovelace", line1: "1 Rue de Rivoli", city: "Paris", postalCode: "75001", country: "FR" };

const addressCount = async (customerId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM customer_addresses WHERE customer_id = ?").bind(customerId).first<{ n: number }>())!.n;

describe("profile", () => {
  it("updates name, phone and marketing consent (REST), recording when consent changed", async () => {
    const { token } = await signUp({ name: "Ada" });
    const res = await call("PATCH", "/v1/me", { token, body: { name: "Ada King", phone: "+4915123456789", marketingConsent: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Ada King", phone: "+4915123456789", marketingConsent: true });
    expect(Date.parse(res.body.marketingConsentUpdatedAt)).toBeGreaterThan(Date.now() - 60_000);

    const cleared = await call("PATCH", "/v1/me", { token, body: { name: null, marketingConsent: true } });
    expect(cleared.body.name).toBeNull();
    expect(cleared.body.phone).toBe("+4915123456789");
    // Same consent again is not a change of consent.
    expect(cleared.body.marketingConsentUpdatedAt).toBe(res.body.marketingConsentUpdatedAt);
    expect((await call("GET", "/v1/me", { token })).body).toEqual(cleared.body);
  });

  it("updates the profile through GraphQL and reads it back with me", async () => {
    const { token } = await signUp();
    const res = await gqlAs(`mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { name phone marketingConsent } }`, { input: { name: "Grace Hopper", phone: null } }, { token });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateProfile).toEqual({ name: "Grace Hopper", phone: null, marketingConsent: false });
    const me = await gqlAs(`{ me { name } }`, {}, { token });
    expect(me.data.me.name).toBe("Grace Hopper");
  });

  it("rejects a bad profile update and changes nothing", async () => {
    const { token } = await signUp({ name: "Ada" });
    const before = (await call("GET", "/v1/me", { token })).body;
    const rest = await call("PATCH", "/v1/me", { token, body: { name: "Ada 2", phone: "12345", email: "new@example.com" } });
    expect(rest.status).toBe(400);
    expect(rest.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(expect.arrayContaining(["/phone"]));
    const gql = await gqlAs(`mutation { updateProfile(input: { name: "" }) { name } }`, {}, { token });
    expect(gql.errors![0]!.extensions.code).toBe("VALIDATION_FAILED");
    expect((await call("GET", "/v1/me", { token })).body).toEqual(before);
  });
});

describe("password change", () => {
  it("needs the current password, then revokes every other token but the presented one", async () => {
    const { email, token } = await signUp();
    const other = (await signIn(email, PASSWORD)).body.token as string;

    const wrong = await call("POST", "/v1/me/password", { token, body: { currentPassword: "nope nope", newPassword: "a brand new passphrase" } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ pointer: "/currentPassword", detail: "Incorrect." }]);
    expect((await call("GET", "/v1/me", { token: other })).status).toBe(200);
    expect((await signIn(email, PASSWORD)).status).toBe(200);

    const ok = await call("POST", "/v1/me/password", { token, body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" } });
    expect(ok.status).toBe(200);
    expect(ok.body.revokedTokens).toBe(2);
    expect((await call("GET", "/v1/me", { token })).status).toBe(200);
    expect((await call("GET", "/v1/me", { token: other })).status).toBe(401);
    expect((await signIn(email, PASSWORD)).status).toBe(401);
    expect((await signIn(email, "a brand new passphrase")).status).toBe(200);
  });

  it("changes the password through GraphQL", async () => {
    const { email, token } = await signUp();
    const res = await gqlAs(
      `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { revokedTokens customer { email } } }`,
      { input: { currentPassword: PASSWORD, newPassword: "graphql passphrase 1" } },
      { token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.changePassword).toEqual({ revokedTokens: 0, customer: { email } });
    expect((await signIn(email, "graphql passphrase 1")).status).toBe(200);
    const tooShort = await gqlAs(`mutation { changePassword(input: { currentPassword: "graphql passphrase 1", newPassword: "x" }) { revokedTokens } }`, {}, { token });
    expect(tooShort.errors![0]!.extensions.errors[0].pointer).toBe("/newPassword");
  });
});

describe("addresses", () => {
  it("adds, lists, updates and deletes addresses, keeping one default of each kind (REST)", async () => {
    const { token } = await signUp();
    const first = await call("POST", "/v1/me/addresses", { token, body: berlin });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ ...berlin, country: "DE", company: null, isDefaultShipping: true, isDefaultBilling: true });
    expect(first.body.id).toMatch(/^addr_/);

    const second = await call("POST", "/v1/me/addresses", { token, body: { ...paris, isDefaultShipping: true } });
    expect(second.body).toMatchObject({ isDefaultShipping: true, isDefaultBilling: false });

    const list = await call("GET", "/v1/me/addresses", { token });
    expect(list.body.data.map((a: { id: string; isDefaultShipping: boolean; isDefaultBilling: boolean }) => [a.id, a.isDefaultShipping, a.isDefaultBilling])).toEqual([
      [first.body.id, false, true],
      [second.body.id, true, false],
    ]);

    const updated = await call("PATCH", `/v1/me/addresses/${first.body.id}`, { token, body: { line2: "3rd floor", isDefaultShipping: true, postalCode: null } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ line2: "3rd floor", postalCode: null, isDefaultShipping: true, isDefaultBilling: true, city: "Berlin" });
    expect((await call("GET", "/v1/me/addresses", { token })).body.data.filter((a: { isDefaultShipping: boolean }) => a.isDefaultShipping)).toHaveLength(1);

    expect((await call("DELETE", `/v1/me/addresses/${second.body.id}`, { token })).status).toBe(204);
    expect((await call("DELETE", `/v1/me/addresses/${second.body.id}`, { token })).status).toBe(404);
    expect((await call("GET", "/v1/me/addresses", { token })).body.data).toHaveLength(1);
  });

  it("manages addresses through GraphQL and exposes them on me", async () => {
    const { token } = await signUp();
    const added = await gqlAs(`mutation ($input: CustomerAddressInput!) { addAddress(input: $input) { id country isDefaultShipping } }`, { input: paris }, { token });
    expect(added.errors).toBeUndefined();
    const id = added.data.addAddress.id;
    expect(added.data.addAddress).toMatchObject({ country: "FR", isDefaultShipping: true });

    const updated = await gqlAs(`mutation ($id: ID!) { updateAddress(id: $id, input: { company: "Analytical Engines Ltd", isDefaultBilling: false }) { company isDefaultBilling } }`, { id }, { token });
    expect(updated.data.updateAddress).toEqual({ company: "Analytical Engines Ltd", isDefaultBilling: false });

    const me = await gqlAs(`{ me { addresses { id } defaultShippingAddress { id } defaultBillingAddress { id } } }`, {}, { token });
    expect(me.data.me).toEqual({ addresses: [{ id }], defaultShippingAddress: { id }, defaultBillingAddress: null });

    const deleted = await gqlAs(`mutation ($id: ID!) { deleteAddress(id: $id) { deletedId } }`, { id }, { token });
    expect(deleted.data.deleteAddress.deletedId).toBe(id);
  });

  it("validates countries and fields with pointers and writes nothing on bad input", async () => {
    const { token, customer } = await signUp();
    const bad = await call("POST", "/v1/me/addresses", { token, body: { ...berlin, country: "XX", phone: "123" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/country", "/phone"]);
    const missing = await call("POST", "/v1/me/addresses", { token, body: { name: "Ada", country: "DE" } });
    expect(missing.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/city", "/line1"]);
    const gql = await gqlAs(`mutation ($input: CustomerAddressInput!) { addAddress(input: $input) { id } }`, { input: { ...berlin, country: "Germany" } }, { token });
    expect(gql.errors![0]!.extensions.errors[0].pointer).toBe("/country");
    expect(await addressCount(customer.id)).toBe(0);

    const ok = await call("POST", "/v1/me/addresses", { token, body: berlin });
    const badUpdate = await call("PATCH", `/v1/me/addresses/${ok.body.id}`, { token, body: { country: "EU", city: "Brussels" } });
    expect(badUpdate.status).toBe(400);
    expect((await call("GET", "/v1/me/addresses", { token })).body.data[0]).toEqual(ok.body);
  });

  it("stays correct when one customer adds addresses concurrently: one default of each kind", async () => {
    const { token } = await signUp();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call("POST", "/v1/me/addresses", { token, body: { ...berlin, line1: `Street ${i}`, isDefaultShipping: true } })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const list = (await call("GET", "/v1/me/addresses", { token })).body.data as { isDefaultShipping: boolean }[];
    expect(list).toHaveLength(8);
    expect(list.filter((a) => a.isDefaultShipping)).toHaveLength(1);
  });
});

describe("one customer cannot reach another's data", () => {
  it("answers 404 for another customer's address ids and leaves them untouched (REST and GraphQL)", async () => {
    const alice = await signUp({ name: "Alice" });
    const mallory = await signUp({ name: "Mallory" });
    const address = (await call("POST", "/v1/me/addresses", { token: alice.token, body: berlin })).body;

    const patch = await call("PATCH", `/v1/me/addresses/${address.id}`, { token: mallory.token, body: { city: "Hamburg" } });
    const del = await call("DELETE", `/v1/me/addresses/${address.id}`, { token: mallory.token });
    const missing = await call("PATCH", `/v1/me/addresses/addr_01nonexistent0000000000000`, { token: mallory.token, body: { city: "Hamburg" } });
    expect(patch.status).toBe(404);
    expect(del.status).toBe(404);
    expect(patch.body.type).toBe(missing.body.type);

    const gUpdate = await gqlAs(`mutation ($id: ID!) { updateAddress(id: $id, input: { city: "Hamburg" }) { id } }`, { id: address.id }, { token: mallory.token });
    const gDelete = await gqlAs(`mutation ($id: ID!) { deleteAddress(id: $id) { deletedId } }`, { id: address.id }, { token: mallory.token });
    expect(gUpdate.errors![0]!.extensions.code).toBe("NOT_FOUND");
    expect(gDelete.errors![0]!.extensions.code).toBe("NOT_FOUND");

    expect((await call("GET", "/v1/me/addresses", { token: mallory.token })).body.data).toEqual([]);
    expect((await call("GET", "/v1/me/addresses", { token: alice.token })).body.data).toEqual([address]);
    const malloryMe = await gqlAs(`{ me { id name addresses { id } } }`, {}, { token: mallory.token });
    expect(malloryMe.data.me).toEqual({ id: mallory.customer.id, name: "Mallory", addresses: [] });
  });

  it("does not let a customer read other customers through the admin fields", async () => {
    const alice = await signUp();
    const mallory = await signUp();
    expect((await call("GET", `/v1/customers/${alice.customer.id}`, { token: mallory.token })).status).toBe(403);
    const gql = await gqlAs(`query ($id: ID!) { customer(id: $id) { email } }`, { id: alice.customer.id }, { token: mallory.token });
    expect(gql.errors![0]!.extensions.code).toBe("FORBIDDEN");
    const list = await gqlAs(`{ customers(first: 5) { edges { node { email } } } }`, {}, { token: mallory.token });
    expect(list.errors![0]!.extensions.code).toBe("FORBIDDEN");
  });
});

describe("admin reads", () => {
  it("lists customers newest first with cursor pagination and gets one with addresses", async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await signUp());
    await call("POST", "/v1/me/addresses", { token: created[0]!.token, body: berlin });

    const page1 = await call("GET", "/v1/customers?limit=2", { admin: true });
    expect(page1.status).toBe(200);
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.data[0].id).toBe(created[2]!.customer.id);
    expect(page1.body.data[0]).not.toHaveProperty("passwordHash");
    const page2 = await call("GET", `/v1/customers?limit=2&cursor=${page1.body.next_cursor}`, { admin: true });
    expect(page2.body.data[0].id).toBe(created[0]!.customer.id);

    const byEmail = await call("GET", `/v1/customers?email=${encodeURIComponent(created[1]!.email.toUpperCase())}`, { admin: true });
    expect(byEmail.body.data.map((c: { id: string }) => c.id)).toEqual([created[1]!.customer.id]);

    const one = await call("GET", `/v1/customers/${created[0]!.customer.id}`, { admin: true });
    expect(one.body.addresses).toHaveLength(1);
    expect((await call("GET", "/v1/customers/cus_missing", { admin: true })).status).toBe(404);

    const gql = await gqlAs(`{ customers(first: 2) { edges { node { id addresses { city } } } pageInfo { hasNextPage endCursor } } }`, {}, { admin: true });
    expect(gql.errors).toBeUndefined();
    expect(gql.data.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(page1.body.data.map((c: { id: string }) => c.id));
    expect(gql.data.customers.pageInfo.hasNextPage).toBe(true);
    const single = await gqlAs(`query ($id: ID!) { customer(id: $id) { email addresses { city } } }`, { id: created[0]!.customer.id }, { admin: true });
    expect(single.data.customer).toEqual({ email: created[0]!.email, addresses: [{ city: "Berlin" }] });
  });

  it("needs the customers:read scope", async () => {
    const keyId = "key_catalog_only";
    const key = `esk_admin_catalog_only_${Date.now()}`;
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    await env.DB.prepare("INSERT INTO admin_api_keys (id, name, key_hash, scopes, created_at) VALUES (?, 'catalog', ?, '[\"catalog:write\"]', ?)").bind(keyId, hash, new Date().toISOString()).run();
    const res = await call("GET", "/v1/customers", { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain("customers:read");
  });
});
