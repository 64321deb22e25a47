import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/**
 * SQLite-backed Durable Object for per-client rate limits (production-grade issue).
 * Declared now so that the binding and its migration tag exist from the first deploy; it has no
 * behaviour yet and nothing calls it.
 */
export class RateLimiterObject extends DurableObject<Env> {}
