import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toMessage } from "../../src/modules/events/relay";
import { deliver } from "../support/events-helpers";
import { call, unique } from "../support/helpers";

afterEach(() => vi.restoreAllMocks());

async function resetEvents(customerId: string) {
  const rows = (await env.DB.prepare("SELECT * FROM events WHERE resource_id = ? AND type = 'customer.password_reset_requested' ORDER BY position").bind(customerId).all()).results;
  return rows.map((r: any) => toMessage({ ...r, resourceType: r.resource_type, resourceId: r.resource_id, payload: JSON.parse(r.payload), createdAt: r.created_at }));
}

/** The log email provider prints the text in tests: the reset link is in it. */
async function sendAndReadLink(customerId: string): Promise<string[]> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  const events = await resetEvents(customerId);
  await deliver("edgeshop-events", events.map((body) => ({ body })));
  await deliver("edgeshop-events", events.map((body) => ({ body })));
  vi.restoreAllMocks();
  return lines.flatMap((l) => [...l.matchAll(/token=([A-Za-z0-9_%-]+)/g)].map((m) => decodeURIComponent(m[1]!)));
}

describe("customers: password reset", () => {
  it("answers 202 alike for known and unknown emails, mails a single-use link once, and signs out everywhere", async () => {
    const email = `${unique("reset")}@example.com`;
    const signUp = await call("POST", "/v1/customers", { body: { email, password: "old password 123" } });
    const customerId = signUp.body.customer.id as string;
    const oldToken = signUp.body.token as string;

    const known = await call("POST", "/v1/customers/password-reset", { body: { email: email.toUpperCase() } });
    const unknown = await call("POST", "/v1/customers/password-reset", { body: { email: `${unique("nobody")}@example.com` } });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    expect((await call("POST", "/v1/customers/password-reset", { body: { email: "not an email" } })).body.errors[0].pointer).toBe("/email");
    // The token is in no event.
    const [event] = await resetEvents(customerId);
    expect(JSON.stringify(event)).not.toMatch(/prst_/);

    const tokens = await sendAndReadLink(customerId);
    expect(tokens).toHaveLength(1);
    const sent = await env.DB.prepare("SELECT template, recipient, status FROM email_deliveries WHERE event_id = ?").bind(event!.id).all();
    expect(sent.results).toEqual([{ template: "password_reset", recipient: email, status: "sent" }]);

    // Single use: two concurrent resets with the same token, one wins.
    const [a, b] = await Promise.all([
      call("POST", "/v1/customers/password-reset/confirm", { body: { token: tokens[0], password: "new password 456" } }),
      call("POST", "/v1/customers/password-reset/confirm", { body: { token: tokens[0], password: "other password 789" } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const winner = a.status === 200 ? "new password 456" : "other password 789";
    expect((a.status === 200 ? a : b).body).toEqual({ reset: true, revokedTokens: 1 });
    expect((await call("GET", "/v1/me", { token: oldToken })).status).toBe(401);
    expect((await call("POST", "/v1/customers/sign-in", { body: { email, password: winner } })).status).toBe(200);
    expect((await call("POST", "/v1/customers/password-reset/confirm", { body: { token: tokens[0], password: "again password" } })).body.errors[0].pointer).toBe("/token");
  });

  it("refuses expired and unknown tokens, voids older links, and throttles requests per email", async () => {
    const email = `${unique("reset")}@example.com`;
    const customerId = (await call("POST", "/v1/customers", { body: { email, password: "old password 123" } })).body.customer.id as string;
    await call("POST", "/v1/customers/password-reset", { body: { email } });
    await call("POST", "/v1/customers/password-reset", { body: { email } });
    const [first, second] = await sendAndReadLink(customerId);
    expect(first && second).toBeTruthy();
    await env.DB.prepare("UPDATE password_resets SET expires_at = '2000-01-01T00:00:00.000Z' WHERE customer_id = ? AND request_event_id = (SELECT min(request_event_id) FROM password_resets WHERE customer_id = ?)").bind(customerId, customerId).run();
    const expired = await call("POST", "/v1/customers/password-reset/confirm", { body: { token: first, password: "new password 456" } });
    expect(expired.status).toBe(400);
    expect((await call("POST", "/v1/customers/password-reset/confirm", { body: { token: "prst_unknown_token_value", password: "new password 456" } })).status).toBe(400);
    expect((await call("POST", "/v1/customers/password-reset/confirm", { body: { token: second, password: "new password 456" } })).status).toBe(200);
    // A third request for this email is still allowed (3 in a burst), the fourth is throttled.
    expect((await call("POST", "/v1/customers/password-reset", { body: { email } })).status).toBe(202);
    const throttled = await call("POST", "/v1/customers/password-reset", { body: { email } });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBeTruthy();
    // GraphQL: same answer.
    const gql = await call("POST", "/graphql", { body: { query: `mutation { requestPasswordReset(email: "${unique("x")}@example.com") }` } });
    expect(gql.body.data.requestPasswordReset).toBe(true);
  });
});
