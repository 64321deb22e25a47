import type { Actor } from "../../context";
import { ServiceError } from "../../shared/errors";

export type CustomerActor = Extract<Actor, { kind: "customer" }>;

/** 401 for anonymous callers, 403 for admins: `/me` is about a signed-in customer. */
export function requireCustomer(actor: Actor): CustomerActor {
  if (actor.kind === "customer") return actor;
  if (actor.kind === "anonymous") throw new ServiceError("UNAUTHENTICATED", "Sign in as a customer (Authorization: Bearer ectok_…).");
  throw new ServiceError("FORBIDDEN", "Only a signed-in customer has a profile; admins use /v1/customers.");
}

