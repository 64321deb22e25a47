// The demo storefront at `/`: server-rendered pages for browsing, cart, checkout, order status and
// the customer account. Plain HTML forms (POST, then redirect), so it works without JavaScript;
// /static/storefront/storefront.js only adds the live order status.
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import {
  StorefrontAccountDocument,
  StorefrontAddLineDocument,
  StorefrontCartDocument,
  StorefrontCategoryDocument,
  StorefrontCheckoutDocument,
  StorefrontCreateCartDocument,
  StorefrontHomeDocument,
  StorefrontNavigationDocument,
  StorefrontOrderDocument,
  StorefrontProductDocument,
  StorefrontRemoveLineDocument,
  StorefrontSearchDocument,
  StorefrontSignInDocument,
  StorefrontSignOutDocument,
  StorefrontSignUpDocument,
  StorefrontUpdateLineDocument,
  type CartFieldsFragment,
  type ProductSort,
} from "../../clients/graphql";
import type { Env } from "../env";
import { caller, StorefrontError, type ApiFetch, type Caller } from "./api";
import { readSession, rememberOrder, saveCart, saveCustomer, type ShopperSession } from "./session";
import { accountPage, cartPage, categoryPage, homePage, orderPage, productPage, searchPage, signInPage } from "./pages";
import { errorPage, layout, type NavCategory } from "./views";

/** Every storefront HTML page: strict CSP (no inline script or style), never framed, never sniffed. */
export const STOREFRONT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

type StorefrontEnv = { Bindings: Env; Variables: { session: ShopperSession; api: Caller } };

// The category tree changes rarely: an isolate keeps it for a minute (shared, public data).
let navCache: { at: number; nav: NavCategory[] } | undefined;

export function storefrontRoutes(fetchApi: ApiFetch) {
  const app = new Hono<StorefrontEnv>();

  app.use("*", async (c, next) => {
    const session = readSession(c);
    c.set("session", session);
    c.set("api", caller(fetchApi, c.req.raw, session, c.env, workerContext(c)));
    // Form posts must come from this origin (the cookies are SameSite=Lax as well).
    if (c.req.method === "POST") {
      const origin = c.req.header("origin");
      if (origin && origin !== new URL(c.req.url).origin) return c.text("Cross-site form posts are refused.", 403);
    }
    await next();
    c.header("content-security-policy", STOREFRONT_CSP);
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "same-origin");
    if (!c.res.headers.has("cache-control")) c.header("cache-control", "no-store");
  });

  const nav = async (api: Caller): Promise<NavCategory[]> => {
    if (navCache && Date.now() - navCache.at < 60_000) return navCache.nav;
    const data = await api.run(StorefrontNavigationDocument, {});
    navCache = { at: Date.now(), nav: data.categories.map((c) => ({ slug: c.slug, name: c.name, children: c.children })) };
    return navCache.nav;
  };

  const loadCart = async (c: Context<StorefrontEnv>): Promise<CartFieldsFragment | undefined> => {
    const { cart } = c.get("session");
    if (!cart) return undefined;
    try {
      const data = await c.get("api").run(StorefrontCartDocument, { id: cart.id });
      return data.cart && data.cart.status === "OPEN" ? data.cart : undefined;
    } catch {
      return undefined;
    }
  };

  const render = async (c: Context<StorefrontEnv>, title: string, body: ReturnType<typeof html>, options: { status?: number; query?: string; cart?: CartFieldsFragment } = {}) => {
    const [categories, cart] = await Promise.all([nav(c.get("api")), options.cart ? options.cart : loadCart(c)]);
    const page = layout(
      {
        title,
        nav: categories,
        cartCount: cart?.lines.reduce((n, l) => n + l.quantity, 0) ?? 0,
        signedIn: !!c.get("session").customerToken,
        query: options.query,
        flash: c.req.query("flash") ?? undefined,
      },
      body,
    );
    return c.html(page, (options.status ?? 200) as 200);
  };

  const notFound = (c: Context<StorefrontEnv>, what: string) => render(c, "Not found", errorPage("Not found", `We could not find that ${what}.`), { status: 404 });

  app.get("/", async (c) => {
    const data = await c.get("api").run(StorefrontHomeDocument, { first: 10 });
    return render(c, "New in", homePage(data.products.edges.map((e) => e.node)));
  });

  app.get("/c/:slug", async (c) => {
    const sort = (["NEWEST", "PRICE_ASC", "PRICE_DESC", "TITLE_ASC"] as ProductSort[]).find((s) => s === c.req.query("sort")) ?? "NEWEST";
    const after = c.req.query("after") || undefined;
    const data = await c.get("api").run(StorefrontCategoryDocument, { slug: c.req.param("slug"), first: 24, after, sort });
    if (!data.category) return notFound(c, "category");
    return render(c, data.category.name, categoryPage(data.category, sort, after));
  });

  app.get("/search", async (c) => {
    const q = (c.req.query("q") ?? "").trim();
    const after = c.req.query("after") || undefined;
    const hits = q ? (await c.get("api").run(StorefrontSearchDocument, { query: q, first: 24, after })).search : undefined;
    return render(c, q ? `Search: ${q}` : "Search", searchPage(q, hits), { query: q });
  });

  app.get("/p/:slug", async (c) => {
    const data = await c.get("api").run(StorefrontProductDocument, { slug: c.req.param("slug") });
    if (!data.product) return notFound(c, "product");
    return render(c, data.product.title, productPage(data.product, c.req.query("error")));
  });

  app.get("/cart", async (c) => {
    const cart = await loadCart(c);
    return render(c, "Your cart", cartPage(cart, crypto.randomUUID(), c.req.query("error")), { cart });
  });

  app.post("/cart/lines", async (c) => {
    const form = await c.req.parseBody();
    const variantId = String(form.variantId ?? "");
    const quantity = Math.max(1, Math.min(99, Number(form.quantity) || 1));
    const back = String(form.back ?? "/cart");
    const api = c.get("api");
    try {
      const existing = await loadCart(c);
      if (existing) {
        await api.run(StorefrontAddLineDocument, { cartId: existing.id, variantId, quantity });
      } else {
        const created = await api.run(StorefrontCreateCartDocument, { input: { lines: [{ variantId, quantity }] } });
        saveCart(c, { id: created.createCart.cart.id, token: created.createCart.cartToken });
      }
      return c.redirect(`/cart?flash=${encodeURIComponent("Added to your cart.")}`, 303);
    } catch (error) {
      return c.redirect(`${back.startsWith("/") ? back : "/cart"}?error=${encodeURIComponent(messageOf(error))}`, 303);
    }
  });

  app.post("/cart/lines/:lineId", async (c) => {
    const form = await c.req.parseBody();
    const cart = c.get("session").cart;
    if (!cart) return c.redirect("/cart", 303);
    try {
      const quantity = Number(form.quantity);
      if (form.remove !== undefined || quantity === 0) await c.get("api").run(StorefrontRemoveLineDocument, { cartId: cart.id, lineId: c.req.param("lineId") });
      else await c.get("api").run(StorefrontUpdateLineDocument, { cartId: cart.id, lineId: c.req.param("lineId"), quantity: Math.max(1, Math.min(99, quantity || 1)) });
      return c.redirect(`/cart?flash=${encodeURIComponent("Cart updated.")}`, 303);
    } catch (error) {
      return c.redirect(`/cart?error=${encodeURIComponent(messageOf(error))}`, 303);
    }
  });

  app.post("/checkout", async (c) => {
    const form = await c.req.parseBody();
    const session = c.get("session");
    const cart = session.cart;
    if (!cart) return c.redirect("/cart", 303);
    const field = (name: string) => String(form[name] ?? "").trim();
    try {
      const data = await c.get("api").run(StorefrontCheckoutDocument, {
        cartId: cart.id,
        idempotencyKey: field("idempotencyKey") || crypto.randomUUID(),
        email: field("email"),
        shippingAddress: { name: field("name"), line1: field("line1"), line2: field("line2") || null, city: field("city"), postalCode: field("postalCode"), country: field("country") },
      });
      const order = data.checkout.order;
      rememberOrder(c, session, order.id, data.checkout.orderToken);
      saveCart(c, undefined);
      return c.redirect(`/orders/${order.id}?flash=${encodeURIComponent(`Thank you! Order ${order.number} is placed.`)}`, 303);
    } catch (error) {
      return c.redirect(`/cart?error=${encodeURIComponent(messageOf(error))}`, 303);
    }
  });

  const loadOrder = async (c: Context<StorefrontEnv>, id: string) => {
    try {
      return (await c.get("api").run(StorefrontOrderDocument, { id }, { orderToken: c.get("session").orderTokens[id] })).order;
    } catch (error) {
      if (error instanceof StorefrontError && ["NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED"].includes(error.code)) return null;
      throw error;
    }
  };

  app.get("/orders/:id", async (c) => {
    const order = await loadOrder(c, c.req.param("id"));
    if (!order) return notFound(c, "order (open it from the browser you ordered with, or sign in)");
    return render(c, `Order ${order.number}`, orderPage(order, !!c.get("session").customerToken));
  });

  // Polled by storefront.js for guests (customers get the live feed): just the status.
  app.get("/orders/:id/status", async (c) => {
    const order = await loadOrder(c, c.req.param("id"));
    if (!order) return c.json({ error: "not found" }, 404);
    return c.json({ id: order.id, number: order.number, status: order.status, updatedAt: order.updatedAt });
  });

  // A signed-in customer's browser opens the order feed with a single-use ticket, never the token.
  app.post("/orders/feed-ticket", async (c) => {
    const token = c.get("session").customerToken;
    if (!token) return c.json({ error: "sign in to follow orders live" }, 401);
    const res = await fetchApi(new Request(new URL("/v1/orders/feed/tickets", c.req.url), { method: "POST", headers: { authorization: `Bearer ${token}` } }), c.env, workerContext(c));
    return c.json(await res.json(), res.status as 201);
  });

  app.get("/account", async (c) => {
    if (!c.get("session").customerToken) return render(c, "Sign in", signInPage(c.req.query("error")));
    try {
      const data = await c.get("api").run(StorefrontAccountDocument, {});
      if (!data.me) throw new StorefrontError("UNAUTHENTICATED", "Signed out.");
      return render(c, "Your account", accountPage(data.me, data.orders.edges.map((e) => e.node)));
    } catch {
      saveCustomer(c, undefined);
      return render(c, "Sign in", signInPage("Your session has ended. Please sign in again."));
    }
  });

  app.post("/account/:action{sign-in|sign-up}", async (c) => {
    const form = await c.req.parseBody();
    const session = c.get("session");
    const email = String(form.email ?? "").trim();
    const password = String(form.password ?? "");
    try {
      const auth =
        c.req.param("action") === "sign-in"
          ? (await c.get("api").run(StorefrontSignInDocument, { input: { email, password, cartToken: session.cart?.token ?? null } })).signIn
          : (await c.get("api").run(StorefrontSignUpDocument, { input: { email, password, name: String(form.name ?? "").trim() || null } })).signUp;
      saveCustomer(c, auth.token, auth.expiresAt);
      // A guest cart became (or merged into) the customer's cart; there is no "current cart" query yet.
      if (session.cart?.token) saveCart(c, undefined);
      return c.redirect(`/account?flash=${encodeURIComponent(`Welcome, ${auth.customer.name ?? auth.customer.email}.`)}`, 303);
    } catch (error) {
      return c.redirect(`/account?error=${encodeURIComponent(messageOf(error))}`, 303);
    }
  });

  app.post("/account/sign-out", async (c) => {
    await c
      .get("api")
      .run(StorefrontSignOutDocument, {})
      .catch(() => undefined);
    saveCustomer(c, undefined);
    saveCart(c, undefined);
    return c.redirect("/", 303);
  });

  app.onError((error, c) => {
    if (error instanceof StorefrontError && error.code === "THROTTLED") return c.html(layoutless("Busy", "Too many requests right now. Please try again in a moment."), 429);
    console.error(JSON.stringify({ level: "error", msg: "storefront", error: String(error) }));
    return c.html(layoutless("Something went wrong", "Please try again."), 500);
  });

  return app;
}

function layoutless(title: string, message: string) {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="/static/storefront/storefront.css"></head><body><main id="main">${errorPage(title, message)}</main></body></html>`;
}

function messageOf(error: unknown): string {
  if (error instanceof StorefrontError) {
    if (error.errors?.length) return error.errors.map((e) => `${e.pointer.split("/").pop()}: ${e.detail}`).join("; ");
    return error.message;
  }
  return "Something went wrong. Please try again.";
}

/** Hono types its execution context on its own; at run time it is the Worker's. */
function workerContext(c: Context<StorefrontEnv>): ExecutionContext {
  return c.executionCtx as unknown as ExecutionContext;
}
