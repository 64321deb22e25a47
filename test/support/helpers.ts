import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";

export const ADMIN_KEY = env.ADMIN_API_KEY!;
export const BASE = "http://edgeshop.test";

type Json = Record<string, unknown> | unknown[];

/** Call the Worker end to end through its real fetch handler. */
export async function call(
  method: string,
  path: string,
  options: { body?: Json | string; admin?: boolean; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers = new Headers(options.headers);
  if (options.admin) headers.set("authorization", `Bearer ${ADMIN_KEY}`);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const res = await exports.default.fetch(new Request(BASE + path, { method, headers, body }));
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: callers look at `text`
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** POST a GraphQL operation to /graphql. */
export async function gql(query: string, variables: Record<string, unknown> = {}, options: { admin?: boolean; token?: string } = {}) {
  const res = await call("POST", "/graphql", { body: { query, variables }, ...options });
  return res.body as { data?: any; errors?: { message: string; path?: string[]; extensions: Record<string, any> }[] };
}

let counter = 0;
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}
