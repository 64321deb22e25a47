import type { Database } from "./db/client";
import { createDb } from "./db/client";
import type { Env } from "./env";
import { ServiceError } from "./shared/errors";

/**
 * Who is calling. Resolved once per request by the auth middleware; services authorise against it.
 * A customer's `tokenId` names the bearer token the request presented (what sign-out revokes).
 */
export type Actor =
  | { kind: "anonymous" }
  | AdminActor
  | { kind: "customer"; customerId: string; tokenId?: string };

/**
 * An admin API key or a signed-in staff member: both carry scopes, so `requireAdmin` treats them alike.
 * `keyId` identifies the credential for rate limits, idempotency scopes and logs (`bootstrap`, a
 * `key_…` id, or the `stf_…` id of a staff member); `principal` says who it is for the audit log.
 */
export interface AdminActor {
  kind: "admin";
  keyId: string;
  scopes: readonly string[];
  principal?: { type: "bootstrap" | "api_key" | "staff"; id: string; name: string };
  /** A staff session authenticated by its cookie (not a bearer token): unsafe requests need the CSRF token. */
  session?: { id: string; viaCookie: boolean; csrfValid: boolean; csrfToken: string; expiresAt: string };
}

export type AdminScope =
  | "catalog:write"
  | "customers:read"
  | "inventory:write"
  | "orders:read"
  | "orders:write"
  | "webhooks:write"
  | "events:read"
  | "events:write"
  | "promotions:write"
  | "gift_cards:write"
  | "pricing:read"
  | "pricing:write"
  | "staff:write"
  | "keys:write"
  | "catalog:read"
  | "inventory:read"
  | "webhooks:read"
  | "staff:read"
  | "keys:read"
  | "audit:read"
  | "admin:*";

/** Every scope there is, in the order the API documents them. */
export const ADMIN_SCOPES: readonly AdminScope[] = [
  "admin:*",
  "catalog:read",
  "catalog:write",
  "inventory:read",
  "inventory:write",
  "orders:read",
  "orders:write",
  "customers:read",
  "webhooks:read",
  "webhooks:write",
  "events:read",
  "events:write",
  "pricing:read",
  "pricing:write",
  "promotions:write",
  "gift_cards:write",
  "staff:read",
  "staff:write",
  "keys:read",
  "keys:write",
  "audit:read",
];

/** Where a request came from (`request.cf` country and ASN), as risk scoring reads it. */
export type ClientNetwork = { country?: string | undefined; asn?: number | undefined };

/**
 * Everything a service needs for one request. Built once per request and passed down;
 * nothing request-scoped lives at module scope because isolates are reused across requests.
 */
export interface ServiceContext {
  env: Env;
  db: Database;
  actor: Actor;
  requestId: string;
  /** The caller's IP (`CF-Connecting-IP`), for per-client throttling; absent outside HTTP. */
  clientIp?: string;
  /** Where the request came from (`request.cf` country and ASN), for risk scoring; absent outside Cloudflare. */
  readonly clientNetwork?: ClientNetwork | undefined;
  /** Guest credentials: the secret cart token (`X-Cart-Token`) and order token (`X-Order-Token`), if sent. */
  cartToken?: string | undefined;
  orderToken?: string | undefined;
  /** The market catalog reads are for (`X-Market`: handle or id) when a read names none; absent: the default market. */
  market?: string | undefined;
  /** Work that may finish after the response (ExecutionContext.waitUntil). */
  waitUntil(promise: Promise<unknown>): void;
}

export function createServiceContext(args: {
  env: Env;
  actor: Actor;
  requestId: string;
  clientIp?: string;
  /**
   * The client's network, or how to read it: given as a function it is read on first use (reading a
   * request's `cf` object is not free, and only checkout's risk scoring needs it).
   */
  clientNetwork?: ClientNetwork | (() => ClientNetwork | undefined);
  waitUntil?: (promise: Promise<unknown>) => void;
  cartToken?: string | undefined;
  orderToken?: string | undefined;
  market?: string | undefined;
  /** Opens the request's database handle on first use (e.g. a D1 Session); defaults to plain D1. */
  db?: () => Database;
}): ServiceContext {
  let db: Database | undefined;
  let network = args.clientNetwork;
  return {
    env: args.env,
    get db() {
      return (db ??= args.db ? args.db() : createDb(args.env.DB));
    },
    actor: args.actor,
    requestId: args.requestId,
    ...(args.clientIp && { clientIp: args.clientIp }),
    get clientNetwork() {
      if (typeof network === "function") network = network();
      return network;
    },
    cartToken: args.cartToken,
    orderToken: args.orderToken,
    ...(args.market && { market: args.market }),
    waitUntil: args.waitUntil ?? ((p) => void p.catch(() => undefined)),
  };
}

export function isAdmin(actor: Actor): actor is AdminActor {
  return actor.kind === "admin";
}

/** Whether an admin actor holds any of these scopes (`admin:*` holds them all). */
export function hasAnyScope(actor: AdminActor, scopes: readonly AdminScope[]): boolean {
  return actor.scopes.includes("admin:*") || scopes.some((scope) => actor.scopes.includes(scope));
}

/** Whether a caller holding `held` may hand out every scope of `wanted` (no one grants more than they have). */
export function mayGrant(held: readonly string[], wanted: readonly string[]): boolean {
  return held.includes("admin:*") || wanted.every((scope) => scope !== "admin:*" && held.includes(scope));
}

/** Orders and carts hold shoppers' emails and addresses: reading them takes an orders scope. */
export const ORDER_READ_SCOPES: readonly AdminScope[] = ["orders:read", "orders:write"];

/** Markets, price lists, customer groups, tax and shipping configuration: read with either pricing scope. */
export const PRICING_READ_SCOPES: readonly AdminScope[] = ["pricing:read", "pricing:write"];

/** Throws 401 for anonymous callers, 403 for callers holding none of these scopes (requireAdmin with a list). */
export function requireAnyScope(actor: Actor, scopes: readonly AdminScope[]): void {
  requireAdmin(actor, scopes);
}

/**
 * Throws 401 for anonymous callers and 403 for callers without the scope. A list means any one of
 * them: reads accept their `:read` scope or the matching `:write` scope.
 */
export function requireAdmin(actor: Actor, scope: AdminScope | readonly AdminScope[]): AdminActor {
  if (actor.kind === "anonymous") throw new ServiceError("UNAUTHENTICATED", "An admin API key or a staff session is required.");
  if (actor.kind !== "admin") throw new ServiceError("FORBIDDEN", "This operation needs an admin API key or a staff session.");
  const scopes = typeof scope === "string" ? [scope] : scope;
  if (!hasAnyScope(actor, scopes)) {
    const who = actor.principal?.type === "staff" ? "Your role" : "This API key";
    throw new ServiceError("FORBIDDEN", `${who} lacks the '${scopes.join("' or '")}' scope.`);
  }
  return actor;
}

/** Who made a change, as recorded on transitions and payment operations: `admin:<key id>`, `customer:<id>`, `anonymous`. */
export function actorLabel(actor: Actor): string {
  return actor.kind === "admin" ? `admin:${actor.keyId}` : actor.kind === "customer" ? `customer:${actor.customerId}` : "anonymous";
}
/** Reading what a write scope manages: `catalog:read` or `catalog:write`, and so on. */
export const readScope = (area: "catalog" | "inventory" | "orders" | "webhooks" | "events" | "staff" | "keys"): readonly AdminScope[] =>
  area === "orders" ? ORDER_READ_SCOPES : [`${area}:read` as AdminScope, `${area}:write` as AdminScope];
