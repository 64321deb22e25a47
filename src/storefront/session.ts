// The shopper's state lives in three HttpOnly cookies: the cart (id + guest token), the customer's
// bearer token, and the tokens of recent guest orders. Nothing else is kept between requests.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

const CART = "edgeshop_cart";
const CUSTOMER = "edgeshop_customer";
const ORDERS = "edgeshop_orders";

export interface ShopperSession {
  cart?: { id: string; token?: string };
  customerToken?: string;
  orderTokens: Record<string, string>;
}

export function readSession(c: Context): ShopperSession {
  const [cartId, cartToken] = (getCookie(c, CART) ?? "").split(".");
  const orderTokens: Record<string, string> = {};
  for (const pair of (getCookie(c, ORDERS) ?? "").split(",")) {
    const [id, token] = pair.split(":");
    if (id && token) orderTokens[id] = token;
  }
  return { cart: cartId ? { id: cartId, ...(cartToken ? { token: cartToken } : {}) } : undefined, customerToken: getCookie(c, CUSTOMER) || undefined, orderTokens };
}

const options = (c: Context, maxAge: number) => ({
  path: "/",
  httpOnly: true,
  sameSite: "Lax" as const,
  // Secure wherever the shop is served over https (always in production); plain http only on a dev machine.
  secure: new URL(c.req.url).protocol === "https:",
  maxAge,
});

export function saveCart(c: Context, cart: { id: string; token?: string | null } | undefined): void {
  if (!cart) deleteCookie(c, CART, { path: "/" });
  else setCookie(c, CART, cart.token ? `${cart.id}.${cart.token}` : cart.id, options(c, 60 * 60 * 24 * 30));
}

export function saveCustomer(c: Context, token: string | undefined, expiresAt?: string): void {
  if (!token) deleteCookie(c, CUSTOMER, { path: "/" });
  else setCookie(c, CUSTOMER, token, options(c, expiresAt ? Math.max(60, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000)) : 60 * 60 * 24 * 30));
}

/** Keep the five most recent guest orders' tokens, so their status pages stay readable. */
export function rememberOrder(c: Context, session: ShopperSession, orderId: string, token: string): void {
  const entries = Object.entries({ ...session.orderTokens, [orderId]: token }).slice(-5);
  setCookie(c, ORDERS, entries.map(([id, t]) => `${id}:${t}`).join(","), options(c, 60 * 60 * 24 * 90));
}
