import type { Env } from "../../env";
import { listeners } from "../../shared/listeners";

/**
 * What must happen when customer tokens are revoked besides the D1 write (which stops new requests at once):
 * long-lived connections opened with them must close too. The live order feed (orders) is one; orders depends
 * on customers, so the root hands the listener in (`src/app/wiring.ts`) rather than customers importing orders.
 */
export type TokensRevoked = { customerId: string; tokenIds: string[] };
export type TokensRevokedListener = (env: Env, revoked: TokensRevoked) => Promise<unknown>;

const revokedTokens = listeners<TokensRevoked>("customer token revocation");

export const onCustomerTokensRevoked = (listener: TokensRevokedListener): void => revokedTokens.on(listener);

/** Tell every listener; a failing listener is logged, never fails the sign-out or password change. */
export async function tokensRevoked(env: Env, customerId: string, tokenIds: string[]): Promise<void> {
  if (tokenIds.length > 0) await revokedTokens.emit(env, { customerId, tokenIds });
}
