import { env } from "cloudflare:workers";
import { call, unique } from "./helpers";

export const PASSWORD = "correct horse battery staple";

/** A distinct client IP per test keeps the per-IP sign-in buckets of different tests apart. */
let ipCounter = 0;
export function uniqueIp(): string {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

export function uniqueEmail(prefix = "shopper"): string {
  return `${unique(prefix)}@example.com`;
}

export async function signUp(overrides: Record<string, unknown> = {}) {
  const email = (overrides.email as string | undefined) ?? uniqueEmail();
  const res = await call("POST", "/v1/customers", { body: { email, password: PASSWORD, ...overrides } });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${res.text}`);
  return { email, token: res.body.token as string, customer: res.body.customer as { id: string; email: string } };
}

/**
 * A customer whose account is months old. The risk model (docs/intelligence.md) holds or refuses
 * checkouts from accounts created minutes earlier (what its training data taught); tests of other
 * features that sign up and buy at once use an established account instead.
 */
export async function establishedCustomer(overrides: Record<string, unknown> = {}) {
  const customer = await signUp(overrides);
  const since = new Date(Date.now() - 90 * 86_400_000).toISOString();
  await env.DB.prepare("UPDATE customers SET created_at = ? WHERE id = ?").bind(since, customer.customer.id).run();
  return customer;
}

export function signIn(email: string, password: string, ip = uniqueIp()) {
  return call("POST", "/v1/customers/sign-in", { body: { email, password }, headers: { "cf-connecting-ip": ip } });
}

/** GraphQL with an optional customer token and client IP. */
export async function gqlAs(query: string, variables: Record<string, unknown> = {}, options: { token?: string; ip?: string; admin?: boolean } = {}) {
  const res = await call("POST", "/graphql", {
    body: { query, variables },
    ...(options.token && { token: options.token }),
    ...(options.admin && { admin: true }),
    headers: options.ip ? { "cf-connecting-ip": options.ip } : {},
  });
  return res.body as { data?: any; errors?: { message: string; path?: string[]; extensions: Record<string, any> }[] };
}
