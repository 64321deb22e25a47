import type { Env } from "../../env";
import { log } from "../../shared/log";

/**
 * What must happen when customer tokens are revoked besides the D1 write (which stops new requests at once):
 * long-lived connections opened with them must close too. The live order feed (orders) is one; orders depends
 * on customers, so the root hands the listener in (`src/app/wiring.ts`) rather than customers importing orders.
 */
export type TokensRevokedListener = (env: Env, revoked: { customerId: string; tokenIds: string[] }) => Promise<unknown>;

const listeners: TokensRevokedListener[] = [];

export function onCustomerTokensRevoked(listener: TokensRevokedListener): void {
  listeners.push(listener);
}

/** Tell every listener; a failing listener is logged, never fails the sign-out or password change. */
export async function tokensRevoked(env: Env, customerId: string, tokenIds: string[]): Promise<void> {
  if (tokenIds.length === 0) return;
  await Promise.all(
    listeners.map((listener) =>
      listener(env, { customerId, tokenIds }).catch((error: unknown) => log.warn("token revocation listener failed", { customer_id: customerId, error: String(error) })),
    ),
  );
}
