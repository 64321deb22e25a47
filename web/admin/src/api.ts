// The admin talks to Edgeshop only through the public API, with the typed client in clients/rest.
// Two ways to authenticate: a staff session (HttpOnly cookie + CSRF token, the normal way) or, in
// development only, an admin API key kept in sessionStorage (the bootstrap key, for set-up).
import { ApiError, createEdgeshopClient, unwrap, type Problem, type Schemas } from "../../../clients/rest";
import type { ApiKey, AuditEntry, Staff } from "./contract";

export { ApiError, unwrap };
export type { Problem, Schemas };

const KEY_STORAGE = "edgeshop.admin.apiKey";

export type Session =
  | { kind: "staff"; staff: Staff; csrfToken: string }
  | { kind: "key"; label: string; scopes: string[] };

let session: Session | undefined;
const listeners = new Set<() => void>();

export function getSession(): Session | undefined {
  return session;
}
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function setSession(next: Session | undefined): void {
  session = next;
  for (const listener of listeners) listener();
}

/** The Worker marks the admin shell with its environment; the API-key sign-in exists only in development. */
export const isDevelopment = document.querySelector('meta[name="edgeshop-environment"]')?.getAttribute("content") === "development";

export const api = createEdgeshopClient({
  baseUrl: location.origin,
  bearer: () => (session?.kind === "key" ? (sessionStorage.getItem(KEY_STORAGE) ?? undefined) : undefined),
  csrfToken: () => (session?.kind === "staff" ? session.csrfToken : undefined),
});

/**
 * Calls for the staff, API key, audit log and image endpoints of the browser contract
 * (coord/contracts/staff-and-browser.md). They go through the same client's fetch, with types
 * from ./contract until those routes are in the generated schema.
 */
export async function call<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const key = session?.kind === "key" ? sessionStorage.getItem(KEY_STORAGE) : null;
  if (key) headers.set("authorization", `Bearer ${key}`);
  if (session?.kind === "staff" && method !== "GET") headers.set("x-csrf-token", session.csrfToken);
  let payload: BodyInit | undefined;
  if (body instanceof Blob) payload = body;
  else if (body !== undefined) {
    headers.set("content-type", "application/json");
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { ...init, method, headers, body: payload, credentials: "same-origin" });
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) unwrap({ error: data, response });
  return data as T;
}

export const staffApi = {
  me: () => call<{ staff: Staff; csrfToken: string }>("GET", "/v1/staff/me"),
  signIn: (email: string, password: string) => call<{ staff: Staff; csrfToken: string; expiresAt: string }>("POST", "/v1/staff/sign-in", { email, password }),
  signOut: () => call<unknown>("POST", "/v1/staff/sign-out"),
  signOutEverywhere: () => call<unknown>("POST", "/v1/staff/sign-out-everywhere"),
  list: (cursor?: string) => call<Page<Staff>>("GET", `/v1/staff${query({ limit: 50, cursor })}`),
  create: (input: { email: string; name: string; role: string; password: string }) => call<{ staff: Staff } | Staff>("POST", "/v1/staff", input),
  update: (id: string, input: { name?: string; role?: string; disabled?: boolean }) => call<{ staff: Staff } | Staff>("PATCH", `/v1/staff/${encodeURIComponent(id)}`, input),
};

export const keysApi = {
  list: (cursor?: string) => call<Page<ApiKey>>("GET", `/v1/api-keys${query({ limit: 50, cursor })}`),
  create: (input: { name: string; scopes: string[]; expiresAt?: string }) => call<{ apiKey: ApiKey; secret: string }>("POST", "/v1/api-keys", input),
  revoke: (id: string) => call<unknown>("POST", `/v1/api-keys/${encodeURIComponent(id)}/revoke`),
};

export const auditApi = {
  list: (filter: { actor?: string; action?: string; cursor?: string }) => call<Page<AuditEntry>>("GET", `/v1/audit-log${query({ limit: 50, ...filter })}`),
};

export const imagesApi = {
  upload: (productId: string, file: File, alt: string) =>
    call<{ image: { id: string; url: string } }>("POST", `/v1/products/${encodeURIComponent(productId)}/images${query({ alt })}`, file, {
      headers: { "content-type": file.type },
    }),
  remove: (productId: string, imageId: string) => call<unknown>("DELETE", `/v1/products/${encodeURIComponent(productId)}/images/${encodeURIComponent(imageId)}`),
};

/** A page of any list endpoint: the contract allows `items` or the resource's plural, plus `data`. */
export interface Page<T> {
  data?: T[];
  items?: T[];
  next_cursor: string | null;
  [plural: string]: unknown;
}
export function itemsOf<T>(page: Page<T>): T[] {
  if (page.data) return page.data;
  if (page.items) return page.items;
  const list = Object.values(page).find(Array.isArray);
  return (list as T[] | undefined) ?? [];
}

export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : "";
}

/** Restore a session on load: a staff cookie first, then (development) a stored API key. */
export async function restoreSession(): Promise<void> {
  try {
    const me = await staffApi.me();
    setSession({ kind: "staff", staff: me.staff, csrfToken: me.csrfToken });
    return;
  } catch {
    // no staff session
  }
  if (isDevelopment && sessionStorage.getItem(KEY_STORAGE)) {
    setSession({ kind: "key", label: "API key", scopes: ["admin:*"] });
    const probe = await api.GET("/v1/orders", { params: { query: { limit: 1 } } });
    if (probe.response.status === 401) {
      sessionStorage.removeItem(KEY_STORAGE);
      setSession(undefined);
    }
  }
}

export async function signInStaff(email: string, password: string): Promise<void> {
  const result = await staffApi.signIn(email, password);
  setSession({ kind: "staff", staff: result.staff, csrfToken: result.csrfToken });
}

/** Development only: use an admin API key (e.g. the bootstrap key from .dev.vars) until staff exist. */
export async function signInWithKey(key: string): Promise<void> {
  sessionStorage.setItem(KEY_STORAGE, key);
  setSession({ kind: "key", label: `API key ${key.slice(0, 12)}…`, scopes: ["admin:*"] });
  try {
    unwrap(await api.GET("/v1/orders", { params: { query: { limit: 1 } } }));
  } catch (error) {
    sessionStorage.removeItem(KEY_STORAGE);
    setSession(undefined);
    throw error;
  }
}

export async function signOut(everywhere = false): Promise<void> {
  if (session?.kind === "staff") await (everywhere ? staffApi.signOutEverywhere() : staffApi.signOut()).catch(() => undefined);
  sessionStorage.removeItem(KEY_STORAGE);
  setSession(undefined);
}

export function idempotencyKey(): string {
  return crypto.randomUUID();
}
