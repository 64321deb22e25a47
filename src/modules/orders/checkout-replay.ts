import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { sha256Hex, timingSafeEqualStrings } from "../../shared/crypto";
import { log } from "../../shared/log";
import { keyring, open, seal, SecretKeyError } from "../../shared/secret-box";
import type { CartRow } from "../carts";
import type { PlacedOrder } from "./schemas";
import { getOrder } from "./service";
import { orders } from "./tables";

/**
 * Checkout replays after a crash. The Idempotency-Key layer replays a stored response, but a Worker that dies
 * after writing the order and before storing its response leaves nothing to replay: once the key's lease has
 * expired, the retry runs checkout again and finds the cart completed. So the order keeps SHA-256(cart id, key)
 * and its order token sealed (AES-GCM, src/shared/secret-box.ts): the same key on the same cart gets the same
 * answer, order token included, which is the only way a guest ever learns it.
 */
const replays = new WeakSet<PlacedOrder>();

/** Whether `checkout` answered with an earlier checkout's order (REST adds `idempotent-replayed: true`). */
export const isReplay = (placed: PlacedOrder): boolean => replays.has(placed);

const keyHash = (cartId: string, key: string) => sha256Hex(`${cartId}\n${key}`);
const boundTo = (cartId: string) => `order-token:${cartId}`;

/** What the order row keeps so that a retry with the same key can be answered; nothing without a key. */
export async function replayable(ctx: ServiceContext, cartId: string, orderToken: string, key: string | undefined): Promise<{ checkoutKeyHash: string | null; orderTokenSealed: string | null }> {
  if (!key) return { checkoutKeyHash: null, orderTokenSealed: null };
  try {
    return { checkoutKeyHash: await keyHash(cartId, key), orderTokenSealed: await seal(await keyring(ctx.env), orderToken, boundTo(cartId)) };
  } catch (error) {
    // A missing SECRETS_KEY must not stop sales: the order is placed, only this replay is lost.
    if (!(error instanceof SecretKeyError)) throw error;
    log.error("checkout replay unavailable: the order token cannot be sealed", { request_id: ctx.requestId, error: error.message });
    return { checkoutKeyHash: null, orderTokenSealed: null };
  }
}

/** The earlier checkout's answer when this cart was checked out with this key; null otherwise. */
export async function replayCheckout(ctx: ServiceContext, cart: CartRow, key: string | undefined): Promise<PlacedOrder | null> {
  if (!key || cart.status !== "completed" || !cart.orderId) return null;
  const row = await ctx.db.select({ checkoutKeyHash: orders.checkoutKeyHash, orderTokenSealed: orders.orderTokenSealed }).from(orders).where(eq(orders.id, cart.orderId)).get();
  if (!row?.checkoutKeyHash || !row.orderTokenSealed || !timingSafeEqualStrings(row.checkoutKeyHash, await keyHash(cart.id, key))) return null;
  let orderToken: string;
  try {
    orderToken = await open(await keyring(ctx.env), row.orderTokenSealed, boundTo(cart.id));
  } catch (error) {
    log.warn("checkout replay: the order token does not open (SECRETS_KEY rotated since?)", { request_id: ctx.requestId, order_id: cart.orderId, error: String(error) });
    return null;
  }
  const placed: PlacedOrder = { order: await getOrder({ ...ctx, orderToken }, cart.orderId), orderToken };
  replays.add(placed);
  return placed;
}
