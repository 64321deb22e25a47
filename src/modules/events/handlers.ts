import type { Env } from "../../env";
import type { EventType } from "./outbox";
import type { EventMessage } from "./relay";

/**
 * A module's reaction to events. `name` is part of the idempotency key (event id, handler name):
 * never rename a handler that has run in production, or it runs again for redelivered events.
 */
export interface EventHandler {
  name: string;
  /** The event types it wants, or "*" for all. */
  types: readonly EventType[] | "*";
  handle(env: Env, event: EventMessage): Promise<void>;
}

/**
 * The registry is static wiring (which module reacts to what), filled once at import time by
 * the composition root (`src/app/subscribers.ts`); it holds no request state.
 */
const registry: EventHandler[] = [];

/** Register a handler; returns a function that removes it (for tests). */
export function registerEventHandler(handler: EventHandler): () => void {
  if (registry.some((h) => h.name === handler.name)) throw new Error(`Event handler '${handler.name}' is already registered.`);
  registry.push(handler);
  return () => {
    const index = registry.indexOf(handler);
    if (index >= 0) registry.splice(index, 1);
  };
}

export function handlersFor(type: string): EventHandler[] {
  return registry.filter((h) => h.types === "*" || (h.types as readonly string[]).includes(type));
}
