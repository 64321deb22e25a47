import type { Env } from "../env";
import { log } from "./log";

/**
 * Listeners for something a module announces to modules that depend on it (a revoked credential, say), handed in
 * by the composition root (src/app/wiring.ts) so that no module imports one that depends on it. `emit` runs every
 * listener; one that fails is logged and never fails the caller, whose own write has already happened.
 */
export function listeners<T>(what: string) {
  const registered: ((env: Env, payload: T) => Promise<unknown>)[] = [];
  return {
    on(listener: (env: Env, payload: T) => Promise<unknown>): void {
      registered.push(listener);
    },
    async emit(env: Env, payload: T): Promise<void> {
      await Promise.all(registered.map((listener) => listener(env, payload).catch((error: unknown) => log.warn(`${what} listener failed`, { error: String(error) }))));
    },
  };
}
