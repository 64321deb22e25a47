// The admin talks to Edgeshop only through the public API, with the typed client in clients/rest.
// Two ways to authenticate: a staff session (HttpOnly cookie + CSRF token, the normal way) or, in
// development only, an admin API key kept in sessionStorage (the bootstrap key, for set-up).
import { ApiError, createEdgeshopClient, unwrap, type Problem, type Schemas } from "../../../clients/rest";

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

export type Staff = Schemas["Staff"];
export type ApiKey = Schemas["ApiKey"];
export type AuditEntry = Schemas["AuditEntry"];
export type Role = Staff["role"];
export type Scope = Schemas["CreateApiKeyInput"]["scopes"][number];

/** Every role and scope the API knows, in the order people read them (the compiler checks they are all there). */
export const ROLES = ["owner", "catalog", "orders", "support", "read_only"] as const satisfies readonly Role[];
export const SCOPES = [
  "admin:*",
  "catalog:read",
  "catalog:write",
  "inventory:read",
  "inventory:write",
  "pricing:read",
  "pricing:write",
  "promotions:write",
  "gift_cards:write",
  "orders:read",
  "orders:write",
  "customers:read",
  "webhooks:read",
  "webhooks:write",
  "events:read",
  "events:write",
  "staff:read",
  "staff:write",
  "keys:read",
  "keys:write",
  "audit:read",
] as const satisfies readonly Scope[];
/** Fails to compile when the API gains a role or a scope these lists miss. */
type Complete<All, Listed extends All> = [Exclude<All, Listed>] extends [never] ? true : false;
type Expect<T extends true> = T;
export type ListsAreComplete = [Expect<Complete<Role, (typeof ROLES)[number]>>, Expect<Complete<Scope, (typeof SCOPES)[number]>>];

const id = (value: string) => ({ params: { path: { id: value } } });

export const staffApi = {
  me: async () => unwrap(await api.GET("/v1/staff/me")),
  signIn: async (email: string, password: string) => unwrap(await api.POST("/v1/staff/sign-in", { body: { email, password } })),
  signOut: async () => unwrap(await api.POST("/v1/staff/sign-out")),
  signOutEverywhere: async () => unwrap(await api.POST("/v1/staff/sign-out-everywhere")),
  list: async (cursor?: string) => unwrap(await api.GET("/v1/staff", { params: { query: { limit: 50, cursor } } })),
  create: async (body: Schemas["CreateStaffInput"]) => unwrap(await api.POST("/v1/staff", { body })),
  update: async (staffId: string, body: Schemas["UpdateStaffInput"]) => unwrap(await api.PATCH("/v1/staff/{id}", { ...id(staffId), body })),
};

export const keysApi = {
  list: async (cursor?: string) => unwrap(await api.GET("/v1/api-keys", { params: { query: { limit: 50, cursor } } })),
  create: async (body: Schemas["CreateApiKeyInput"]) => unwrap(await api.POST("/v1/api-keys", { body })),
  revoke: async (keyId: string) => unwrap(await api.POST("/v1/api-keys/{id}/revoke", id(keyId))),
};

export const auditApi = {
  list: async (filter: { actor?: string; action?: string; cursor?: string }) => unwrap(await api.GET("/v1/audit-log", { params: { query: { limit: 50, ...filter } } })),
};

export const imagesApi = {
  // The body is the file itself: the generated type says `string` (binary), the browser sends the Blob as is.
  upload: async (productId: string, file: File, alt: string) =>
    unwrap(
      await api.POST("/v1/products/{idOrSlug}/images", {
        params: { path: { idOrSlug: productId }, query: { alt } },
        body: file as unknown as string,
        bodySerializer: (body: unknown) => body as Blob,
        headers: { "content-type": file.type },
      }),
    ),
  remove: async (productId: string, imageId: string) => unwrap(await api.DELETE("/v1/products/{idOrSlug}/images/{imageId}", { params: { path: { idOrSlug: productId, imageId } } })),
};

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
