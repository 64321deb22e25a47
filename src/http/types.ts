import type { ServiceContext } from "../context";
import type { Env } from "../env";

/** Hono environment of the app: bindings plus what middleware puts on the context per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The per-request service context, built by the auth middleware. */
    services: ServiceContext;
  };
}
