import { describe, expect, it } from "vitest";
import { SIGN_IN_THROTTLE } from "../../src/modules/customers/config";
import { call } from "../support/helpers";
import { gqlAs, PASSWORD, signIn, signUp, uniqueEmail, uniqueIp } from "../support/customers-helpers";

const EMAIL_BURST = SIGN_IN_THROTTLE.perEmail.capacity;
const IP_BURST = SIGN_IN_THROTTLE.perIp.capacity;

describe("sign-in throttling", () => {
  it(`allows ${EMAIL_BURST} failures per email, then answers 429 with Retry-After from any IP, even for the right password`, async () => {
    const { email } = await signUp();
    for (let i = 0; i < EMAIL_BURST; i++) expect((await signIn(email, `wrong ${i}`, uniqueIp())).status).toBe(401);

    const limited = await signIn(email, PASSWORD, uniqueIp());
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toContain("application/problem+json");
    expect(limited.body.type).toBe("https://edgeshop.dev/problems/throttled");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(1 / SIGN_IN_THROTTLE.perEmail.refillPerSecond));
    expect(limited.body.retryAfterSeconds).toBe(retryAfter);

    const gql = await gqlAs(`mutation ($input: SignInInput!) { signIn(input: $input) { token } }`, { input: { email, password: PASSWORD } }, { ip: uniqueIp() });
    expect(gql.errors![0]!.extensions.code).toBe("THROTTLED");
    expect(gql.errors![0]!.extensions.retryAfterSeconds).toBeGreaterThan(0);

    // Other accounts are not affected.
    const other = await signUp();
    expect((await signIn(other.email, PASSWORD, uniqueIp())).status).toBe(200);
  });

  it("answers a throttled unknown email exactly like a throttled registered one", async () => {
    const { email } = await signUp();
    const unknown = uniqueEmail("ghost");
    for (let i = 0; i < EMAIL_BURST; i++) {
      await signIn(email, "wrong", uniqueIp());
      await signIn(unknown, "wrong", uniqueIp());
    }
    const a = await signIn(email, "wrong", uniqueIp());
    const b = await signIn(unknown, "wrong", uniqueIp());
    expect([a.status, b.status]).toEqual([429, 429]);
    // Only the wait (which depends on when each bucket was drained) and the request id may differ.
    const strip = (body: Record<string, unknown>) => ({ ...body, request_id: undefined, retryAfterSeconds: undefined });
    expect(strip(a.body)).toEqual(strip(b.body));
  });

  it(`allows ${IP_BURST} failures per client IP across emails, then 429 for that IP only`, async () => {
    const ip = uniqueIp();
    const { email } = await signUp();
    for (let i = 0; i < IP_BURST; i++) expect((await signIn(uniqueEmail("spray"), "wrong", ip)).status).toBe(401);
    const limited = await signIn(email, PASSWORD, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await signIn(email, PASSWORD, uniqueIp())).status).toBe(200);
  });

  it("counts only failures: successful sign-ins do not use up the allowance", async () => {
    const { email } = await signUp();
    const ip = uniqueIp();
    for (let i = 0; i < EMAIL_BURST + 3; i++) expect((await signIn(email, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < EMAIL_BURST; i++) expect((await signIn(email, "wrong", ip)).status).toBe(401);
    expect((await signIn(email, "wrong", ip)).status).toBe(429);
  });

  it("holds under concurrent guessing: at most the burst is checked, the rest are refused", async () => {
    const { email } = await signUp();
    const results = await Promise.all(Array.from({ length: 15 }, () => signIn(email, "wrong", uniqueIp())));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(EMAIL_BURST);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15 - EMAIL_BURST);
  });

  it("throttles wrong current passwords on password change against the same email allowance", async () => {
    const { email, token } = await signUp();
    for (let i = 0; i < EMAIL_BURST; i++) {
      const res = await call("POST", "/v1/me/password", { token, body: { currentPassword: "wrong wrong", newPassword: "a new passphrase" }, headers: { "cf-connecting-ip": uniqueIp() } });
      expect(res.status).toBe(400);
    }
    const limited = await call("POST", "/v1/me/password", { token, body: { currentPassword: PASSWORD, newPassword: "a new passphrase" }, headers: { "cf-connecting-ip": uniqueIp() } });
    expect(limited.status).toBe(429);
    expect((await signIn(email, PASSWORD, uniqueIp())).status).toBe(429);
  });

  it("uses 'unknown' as the client when CF-Connecting-IP is missing", async () => {
    for (let i = 0; i < IP_BURST; i++) await call("POST", "/v1/customers/sign-in", { body: { email: uniqueEmail("noip"), password: "wrong" } });
    const res = await call("POST", "/v1/customers/sign-in", { body: { email: uniqueEmail("noip"), password: "wrong" } });
    expect(res.status).toBe(429);
  });
});
