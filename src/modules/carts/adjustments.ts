import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { notFound } from "../../shared/errors";
import { addCartGiftCard, removeCartGiftCard } from "../gift-cards";
import { addCartCode, removeCartCode } from "../promotions";
import type { Cart } from "./schemas";
import { getCart, loadOpenCart } from "./service";
import { carts } from "./tables";

/**
 * Discount codes and gift cards on a cart: carts decides who may change the cart (its customer or
 * the holder of its token, while it is open); promotions and gift-cards decide what a code or a
 * card is. Every change answers with the cart priced anew.
 */

const touch = (ctx: ServiceContext, cartId: string) => ctx.db.update(carts).set({ updatedAt: new Date().toISOString() }).where(eq(carts.id, cartId));

export async function applyDiscountCode(ctx: ServiceContext, cartId: string, rawInput: unknown): Promise<Cart> {
  await loadOpenCart(ctx, cartId);
  await addCartCode(ctx.db, cartId, rawInput);
  await touch(ctx, cartId);
  return getCart(ctx, cartId);
}

export async function removeDiscountCode(ctx: ServiceContext, cartId: string, code: string): Promise<Cart> {
  await loadOpenCart(ctx, cartId);
  if (!(await removeCartCode(ctx.db, cartId, code))) throw notFound("Discount code on this cart", code.toUpperCase());
  await touch(ctx, cartId);
  return getCart(ctx, cartId);
}

export async function applyGiftCard(ctx: ServiceContext, cartId: string, rawInput: unknown): Promise<Cart> {
  await loadOpenCart(ctx, cartId);
  // The cart pays in its market's currency: a card in another one is refused now rather than shown useless.
  const { market } = await getCart(ctx, cartId);
  await addCartGiftCard(ctx, { id: cartId, currency: market.currency }, rawInput);
  await touch(ctx, cartId);
  return getCart(ctx, cartId);
}

export async function removeGiftCard(ctx: ServiceContext, cartId: string, giftCardId: string): Promise<Cart> {
  await loadOpenCart(ctx, cartId);
  if (!(await removeCartGiftCard(ctx.db, cartId, giftCardId))) throw notFound("Gift card on this cart", giftCardId);
  await touch(ctx, cartId);
  return getCart(ctx, cartId);
}
