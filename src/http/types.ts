import type { ServiceContext } from "../context";
import type { D1SessionScope } from "../db/session";
import type { Env } from "../env";

/** Hono environment of the app: bindings plus what middleware puts on the context per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The per-request service context, built by the auth middleware. */
    services: ServiceContext;
    /** The request's D1 Session (read replication with the client's bookmark), set by `d1Session`. */
    d1Session: D1SessionScope;
  };
}
