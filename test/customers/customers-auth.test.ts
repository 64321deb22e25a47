import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PASSWORD_ITERATIONS } from "../../src/modules/customers/config";
import { call } from "../support/helpers";
import { gqlAs, PASSWORD, signIn, signUp, uniqueEmail, uniqueIp } from "../support/customers-helpers";

const countCustomers = async (email: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM customers WHERE email = ?").bind(email).first<{ n: number }>())!.n;

describe("sign-up", () => {
  it("creates a customer, returns a working token and records customer.created in the same batch", async () => {
    const email = uniqueEmail("Ada");
    const res = await call("POST", "/v1/customers", { body: { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: "Ada Lovelace" } });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^ectok_[A-Za-z0-9_-]{40,}$/);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    expect(res.body.customer).toMatchObject({ email: email.toLowerCase(), name: "Ada Lovelace", phone: null, marketingConsent: false });
    expect(res.body.customer.id).toMatch(/^cus_/);

    const me = await call("GET", "/v1/me", { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(res.body.customer);

    const row = await env.DB.prepare("SELECT * FROM customers WHERE id = ?").bind(res.body.customer.id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ password_algorithm: "pbkdf2-sha256", password_iterations: PASSWORD_ITERATIONS });
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(String(row!.password_salt).length).toBeGreaterThanOrEqual(22);

    const tokenRow = await env.DB.prepare("SELECT * FROM customer_tokens WHERE customer_id = ?").bind(res.body.customer.id).first<Record<string, unknown>>();
    expect(tokenRow!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(tokenRow)).not.toContain(res.body.token);

    const event = await env.DB.prepare("SELECT type, payload FROM events WHERE resource_id = ?").bind(res.body.customer.id).first<{ type: string; payload: string }>();
    expect(event!.type).toBe("customer.created");
    expect(JSON.parse(event!.payload).data).toEqual({ id: res.body.customer.id, email: email.toLowerCase(), createdAt: res.body.customer.createdAt });
  });

  it("signs up through GraphQL with the same rules", async () => {
    const email = uniqueEmail("gql");
    const res = await gqlAs(`mutation ($input: SignUpInput!) { signUp(input: $input) { token expiresAt customer { id email name marketingConsent marketingConsentUpdatedAt } } }`, {
      input: { email, password: PASSWORD, name: "Grace", marketingConsent: true },
    });
    expect(res.errors).toBeUndefined();
    const { token, customer } = res.data.signUp;
    expect(customer).toMatchObject({ email, name: "Grace", marketingConsent: true });
    expect(customer.marketingConsentUpdatedAt).not.toBeNull();
    const me = await gqlAs(`{ me { id email } }`, {}, { token });
    expect(me.data.me).toEqual({ id: customer.id, email });
  });

  it("rejects bad input with pointers and writes nothing, through both transports", async () => {
    const email = uniqueEmail("bad");
    const rest = await call("POST", "/v1/customers", { body: { email, password: "short", phone: "0151 123", extra: 1 } });
    expect(rest.status).toBe(400);
    expect(rest.body.type).toBe("https://edgeshop.dev/problems/validation-failed");
    expect(rest.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(expect.arrayContaining(["/password", "/phone"]));
    const notEmail = await call("POST", "/v1/customers", { body: { email: "not-an-email", password: PASSWORD } });
    expect(notEmail.status).toBe(400);
    expect(notEmail.body.errors[0].pointer).toBe("/email");

    const gql = await gqlAs(`mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`, { input: { email, password: "short" } });
    expect(gql.errors![0]!.extensions.code).toBe("VALIDATION_FAILED");
    expect(gql.errors![0]!.extensions.errors[0].pointer).toBe("/password");
    expect(await countCustomers(email)).toBe(0);
  });

  it("answers a taken email exactly like a new one, creates nothing and issues no usable token", async () => {
    const first = await signUp();
    const again = await call("POST", "/v1/customers", { body: { email: first.email, password: "another password 123", name: "Mallory" } });
    const fresh = await call("POST", "/v1/customers", { body: { email: uniqueEmail(), password: "another password 123", name: "Mallory" } });
    expect(again.status).toBe(fresh.status);
    expect(Object.keys(again.body).sort()).toEqual(Object.keys(fresh.body).sort());
    expect(Object.keys(again.body.customer).sort()).toEqual(Object.keys(fresh.body.customer).sort());
    expect(again.body.token).toMatch(/^ectok_/);
    expect(again.body.token.length).toBe(fresh.body.token.length);
    expect(again.body.customer.id).not.toBe(first.customer.id);

    expect(await countCustomers(first.email)).toBe(1);
    expect((await call("GET", "/v1/me", { token: again.body.token })).status).toBe(401);
    // The real owner is untouched.
    expect((await signIn(first.email, PASSWORD)).status).toBe(200);

    const gql = await gqlAs(`mutation ($input: SignUpInput!) { signUp(input: $input) { token customer { email } } }`, { input: { email: first.email, password: PASSWORD } });
    expect(gql.errors).toBeUndefined();
    expect(gql.data.signUp.customer.email).toBe(first.email);
    expect(await countCustomers(first.email)).toBe(1);
  });

  it("creates exactly one customer when the same email signs up concurrently", async () => {
    const email = uniqueEmail("race");
    const results = await Promise.all(Array.from({ length: 12 }, () => call("POST", "/v1/customers", { body: { email, password: PASSWORD } })));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(await countCustomers(email)).toBe(1);
    const working = await Promise.all(results.map((r) => call("GET", "/v1/me", { token: r.body.token })));
    expect(working.filter((r) => r.status === 200)).toHaveLength(1);
    const id = working.find((r) => r.status === 200)!.body.id;
    const events = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE resource_id = ? AND type = 'customer.created'").bind(id).first<{ n: number }>();
    expect(events!.n).toBe(1);
  });
});

describe("sign-in and tokens", () => {
  it("signs in with the right password through REST and GraphQL, ignoring email case", async () => {
    const { email, customer } = await signUp();
    const rest = await signIn(` ${email.toUpperCase()}`, PASSWORD);
    expect(rest.status).toBe(200);
    expect(rest.body.customer.id).toBe(customer.id);
    expect((await call("GET", "/v1/me", { token: rest.body.token })).body.id).toBe(customer.id);

    const gql = await gqlAs(`mutation ($input: SignInInput!) { signIn(input: $input) { token customer { id } } }`, { input: { email, password: PASSWORD } }, { ip: uniqueIp() });
    expect(gql.errors).toBeUndefined();
    expect(gql.data.signIn.customer.id).toBe(customer.id);
    expect(gql.data.signIn.token).not.toBe(rest.body.token);
  });

  it("fails alike for an unknown email and a wrong password", async () => {
    const { email } = await signUp();
    const wrong = await signIn(email, "not the password");
    const unknown = await signIn(uniqueEmail("nobody"), "not the password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, request_id: undefined });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(wrong.body.detail).toBe("The email or password is incorrect.");

    const q = `mutation ($input: SignInInput!) { signIn(input: $input) { token } }`;
    const gWrong = await gqlAs(q, { input: { email, password: "not the password" } }, { ip: uniqueIp() });
    const gUnknown = await gqlAs(q, { input: { email: uniqueEmail("nobody"), password: "not the password" } }, { ip: uniqueIp() });
    expect(gWrong.errors![0]!.message).toBe(gUnknown.errors![0]!.message);
    expect(gWrong.errors![0]!.extensions).toEqual(gUnknown.errors![0]!.extensions);
    expect(gWrong.errors![0]!.extensions.code).toBe("UNAUTHENTICATED");
  });

  it("signs out the presented token only, and everywhere on request", async () => {
    const { email, token: first } = await signUp();
    const second = (await signIn(email, PASSWORD)).body.token as string;
    const third = (await signIn(email, PASSWORD)).body.token as string;

    const out = await call("POST", "/v1/customers/sign-out", { token: first });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ revokedTokens: 1 });
    expect((await call("GET", "/v1/me", { token: first })).status).toBe(401);
    expect((await call("GET", "/v1/me", { token: second })).status).toBe(200);

    const everywhere = await gqlAs(`mutation { signOut(everywhere: true) { revokedTokens } }`, {}, { token: second });
    expect(everywhere.data.signOut.revokedTokens).toBe(2);
    for (const token of [second, third]) {
      const res = await call("GET", "/v1/me", { token });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    // A revoked token is refused before GraphQL runs, like on every other route.
    const gql = await call("POST", "/graphql", { body: { query: `mutation { signOut { revokedTokens } }` }, token: third });
    expect(gql.status).toBe(401);
    expect(gql.body.type).toBe("https://edgeshop.dev/problems/unauthenticated");
  });

  it("answers unknown, expired and revoked tokens with the same 401", async () => {
    const { token, customer } = await signUp();
    const unknown = await call("GET", "/v1/me", { token: "ectok_nope" });
    await env.DB.prepare("UPDATE customer_tokens SET expires_at = ? WHERE customer_id = ?").bind(new Date(Date.now() - 1000).toISOString(), customer.id).run();
    const expired = await call("GET", "/v1/me", { token });
    expect(unknown.status).toBe(401);
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toBe(unknown.body.detail);
  });

  it("records when a token was last used", async () => {
    const { token, customer } = await signUp();
    await call("GET", "/v1/me", { token });
    const row = await env.DB.prepare("SELECT created_at, last_used_at FROM customer_tokens WHERE customer_id = ?").bind(customer.id).first<{ last_used_at: string | null }>();
    expect(row!.last_used_at).not.toBeNull();
  });

  it("keeps customers off admin endpoints and admins off /me", async () => {
    const { token } = await signUp();
    expect((await call("GET", "/v1/customers", { token })).status).toBe(403);
    expect((await call("GET", "/v1/me", { admin: true })).status).toBe(403);
    expect((await call("GET", "/v1/me")).status).toBe(401);
    const me = await gqlAs(`{ me { id } }`);
    expect(me.data.me).toBeNull();
  });
});

describe("documentation", () => {
  it("documents the customer routes, their security and the 429 in the OpenAPI document", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    expect(doc.components.securitySchemes.customerToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/customers", "/v1/customers/sign-in", "/v1/customers/sign-out", "/v1/me", "/v1/me/password", "/v1/me/addresses", "/v1/me/addresses/{id}", "/v1/customers/{id}"]));
    expect(doc.paths["/v1/customers/sign-in"].post.responses["429"].description).toContain("throttled");
    expect(doc.paths["/v1/me"].get.security).toEqual([{ customerToken: [] }]);
    expect(doc.paths["/v1/customers"].post.description).toContain("same 201");
  });
});
