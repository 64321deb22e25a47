import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { ADMIN_KEY, BASE } from "./helpers";

/**
 * Call the Worker with some vars overridden (e.g. tighter limits, ENVIRONMENT=production), waiting
 * for its waitUntil work (cache writes, purges, refunds) before returning.
 */
export async function callWith(
  overrides: Record<string, unknown>,
  method: string,
  path: string,
  options: { body?: unknown; admin?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers = new Headers(options.headers);
  if (options.admin) headers.set("authorization", `Bearer ${ADMIN_KEY}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const ctx = createExecutionContext();
  const request = new Request(BASE + path, { method, headers, body }) as Request<unknown, IncomingRequestCfProperties>;
  const res = await worker.fetch(request, { ...env, ...overrides }, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** POST a GraphQL operation with overridden vars; `ip` names the client's cost bucket. */
export function gqlWith(
  overrides: Record<string, unknown>,
  body: { query?: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown>; operationName?: string },
  options: { admin?: boolean; ip?: string; headers?: Record<string, string> } = {},
) {
  return callWith(overrides, "POST", "/graphql", {
    body,
    ...(options.admin && { admin: true }),
    headers: { ...(options.ip && { "cf-connecting-ip": options.ip }), ...options.headers },
  });
}

let ipCounter = 0;
/** A fresh client IP per test, so buckets do not leak between tests of one file. */
export function freshIp(): string {
  ipCounter += 1;
  return `198.51.100.${ipCounter}-${crypto.randomUUID().slice(0, 8)}`;
}

export async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}
