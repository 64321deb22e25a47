import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";

/**
 * SQLite-backed Durable Object for per-SKU stock and reservations (checkout issue).
 * Declared now so that the binding and its migration tag exist from the first deploy; it has no
 * behaviour yet and nothing calls it.
 */
export class InventoryObject extends DurableObject<Env> {}
