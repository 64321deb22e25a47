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
  | { kind: "admin"; keyId: string; scopes: readonly string[] }
  | { kind: "customer"; customerId: string; tokenId?: string };

export type AdminScope =
  | "catalog:write"
  | "customers:read"
  | "inventory:write"
  | "orders:read"
  | "orders:write"
  | "webhooks:write"
  | "events:read"
  | "events:write"
  | "admin:*";

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
  clientNetwork?: { country?: string | undefined; asn?: number | undefined };
  /** Guest credentials: the secret cart token (`X-Cart-Token`) and order token (`X-Order-Token`), if sent. */
  cartToken?: string | undefined;
  orderToken?: string | undefined;
  /** Work that may finish after the response (ExecutionContext.waitUntil). */
  waitUntil(promise: Promise<unknown>): void;
}

export function createServiceContext(args: {
  env: Env;
  actor: Actor;
  requestId: string;
  clientIp?: string;
  clientNetwork?: { country?: string | undefined; asn?: number | undefined };
  waitUntil?: (promise: Promise<unknown>) => void;
  cartToken?: string | undefined;
  orderToken?: string | undefined;
  /** Opens the request's database handle on first use (e.g. a D1 Session); defaults to plain D1. */
  db?: () => Database;
}): ServiceContext {
  let db: Database | undefined;
  return {
    env: args.env,
    get db() {
      return (db ??= args.db ? args.db() : createDb(args.env.DB));
    },
    actor: args.actor,
    requestId: args.requestId,
    ...(args.clientIp && { clientIp: args.clientIp }),
    ...(args.clientNetwork && { clientNetwork: args.clientNetwork }),
    cartToken: args.cartToken,
    orderToken: args.orderToken,
    waitUntil: args.waitUntil ?? ((p) => void p.catch(() => undefined)),
  };
}

export function isAdmin(actor: Actor): actor is Extract<Actor, { kind: "admin" }> {
  return actor.kind === "admin";
}

/** Whether an admin actor holds any of these scopes (`admin:*` holds them all). */
export function hasAnyScope(actor: Extract<Actor, { kind: "admin" }>, scopes: readonly AdminScope[]): boolean {
  return actor.scopes.includes("admin:*") || scopes.some((scope) => actor.scopes.includes(scope));
}

/** Orders and carts hold shoppers' emails and addresses: reading them takes an orders scope. */
export const ORDER_READ_SCOPES: readonly AdminScope[] = ["orders:read", "orders:write"];

/** Throws 401 for anonymous callers and 403 for callers without the scope. */
export function requireAdmin(actor: Actor, scope: AdminScope): void {
  if (actor.kind === "anonymous") throw new ServiceError("UNAUTHENTICATED", "An admin API key is required.");
  if (actor.kind !== "admin") throw new ServiceError("FORBIDDEN", "This operation needs an admin API key.");
  if (!actor.scopes.includes(scope) && !actor.scopes.includes("admin:*")) {
    throw new ServiceError("FORBIDDEN", `This API key lacks the '${scope}' scope.`);
  }
}

/** Who made a change, as recorded on transitions and payment operations: `admin:<key id>`, `customer:<id>`, `anonymous`. */
export function actorLabel(actor: Actor): string {
  return actor.kind === "admin" ? `admin:${actor.keyId}` : actor.kind === "customer" ? `customer:${actor.customerId}` : "anonymous";
}
