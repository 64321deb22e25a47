// The storefront's page bodies. Each takes the data of one typed document and returns escaped HTML.
import { html, raw } from "hono/html";
import type {
  CartFieldsFragment,
  OrderFieldsFragment,
  ProductCardFragment,
  ProductSort,
  StorefrontAccountQuery,
  StorefrontCategoryQuery,
  StorefrontProductQuery,
  StorefrontSearchQuery,
} from "../../clients/graphql";
import { money, picture, priceFrom, productGrid } from "./views";

type Category = NonNullable<StorefrontCategoryQuery["category"]>;
type Product = NonNullable<StorefrontProductQuery["product"]>;

const SORTS: [ProductSort, string][] = [
  ["NEWEST", "Newest"],
  ["PRICE_ASC", "Price, low to high"],
  ["PRICE_DESC", "Price, high to low"],
  ["TITLE_ASC", "Name"],
];
const COUNTRIES: [string, string][] = [
  ["DE", "Germany"],
  ["FR", "France"],
  ["NL", "Netherlands"],
  ["GB", "United Kingdom"],
  ["US", "United States"],
  ["AT", "Austria"],
  ["BE", "Belgium"],
  ["ES", "Spain"],
  ["IT", "Italy"],
];
const STEPS = ["PLACED", "PAID", "FULFILLED"] as const;

const alert = (message: string | undefined) => (message ? html`<p class="alert" role="alert">${message}</p>` : "");

export function homePage(products: ProductCardFragment[]) {
  return html`<section class="hero" aria-labelledby="hero-title">
      <h1 id="hero-title">Good things, close to you</h1>
      <p>A demo shop served from the edge: every page is rendered by the Worker from Edgeshop's GraphQL API.</p>
    </section>
    <section aria-labelledby="new-title">
      <h2 id="new-title">New in</h2>
      ${productGrid(products, "New products")}
    </section>`;
}

export function categoryPage(category: Category, sort: ProductSort, after: string | undefined) {
  const page = category.products;
  return html`<nav class="crumbs" aria-label="Breadcrumb">
      <ol>
        <li><a href="/">Shop</a></li>
        ${category.parent ? html`<li><a href="/c/${category.parent.slug}">${category.parent.name}</a></li>` : ""}
        <li aria-current="page">${category.name}</li>
      </ol>
    </nav>
    <h1>${category.name}</h1>
    ${category.description ? html`<p class="lead">${category.description}</p>` : ""}
    ${category.children.length
      ? html`<ul class="chips" aria-label="Subcategories">
          ${category.children.map((c) => html`<li><a href="/c/${c.slug}">${c.name}</a></li>`)}
        </ul>`
      : ""}
    <form class="sort" method="get" action="/c/${category.slug}">
      <label for="sort">Sort by</label>
      <select id="sort" name="sort">
        ${SORTS.map(([value, label]) => html`<option value="${value}" ${value === sort ? raw("selected") : ""}>${label}</option>`)}
      </select>
      <button type="submit" class="secondary">Apply</button>
    </form>
    ${productGrid(
      page.edges.map((e) => e.node),
      `Products in ${category.name}`,
    )}
    <nav class="pager" aria-label="Pages">
      ${after ? html`<a href="/c/${category.slug}?sort=${sort}">First page</a>` : ""}
      ${page.pageInfo.hasNextPage && page.pageInfo.endCursor ? html`<a rel="next" href="/c/${category.slug}?sort=${sort}&after=${encodeURIComponent(page.pageInfo.endCursor)}">Next page</a>` : ""}
    </nav>`;
}

export function searchPage(q: string, hits: StorefrontSearchQuery["search"] | undefined) {
  if (!q) return html`<h1>Search</h1><p>Type what you are looking for in the search box above.</p>`;
  const results = hits?.edges ?? [];
  return html`<h1>Results for “${q}”</h1>
    <p class="muted">${results.length ? `${results.length}${hits?.pageInfo.hasNextPage ? "+" : ""} products` : "No products match."}</p>
    <ul class="results">
      ${results.map(
        ({ node }) => html`<li>
          <a href="/p/${encodeURIComponent(node.product.slug)}">
            ${picture(node.product.images, node.product.title, "card")}
            <span>
              <span class="card-title">${raw(node.titleHighlight)}</span>
              <span class="snippet">${raw(node.descriptionSnippet)}</span>
              <span class="price">${priceFrom(node.product.priceRange)}</span>
            </span>
          </a>
        </li>`,
      )}
    </ul>
    ${hits?.pageInfo.hasNextPage && hits.pageInfo.endCursor ? html`<nav class="pager" aria-label="Pages"><a rel="next" href="/search?q=${encodeURIComponent(q)}&after=${encodeURIComponent(hits.pageInfo.endCursor)}">More results</a></nav>` : ""}`;
}

export function productPage(p: Product, error: string | undefined) {
  // A variant without a price in the market (price null) is not sold there: shown, not offered.
  const buyable = (v: (typeof p.variants)[number]) => v.availability.inStock && v.price !== null;
  const firstAvailable = p.variants.find(buyable) ?? p.variants[0];
  return html`<nav class="crumbs" aria-label="Breadcrumb">
      <ol>
        <li><a href="/">Shop</a></li>
        ${p.categories[0] ? html`<li><a href="/c/${p.categories[0].slug}">${p.categories[0].name}</a></li>` : ""}
        <li aria-current="page">${p.title}</li>
      </ol>
    </nav>
    <article class="product">
      <div class="gallery">${picture(p.images, p.title, "hero")}</div>
      <div class="buy">
        <h1>${p.title}</h1>
        <p class="price big" data-price>${priceFrom(p.priceRange)}</p>
        ${alert(error)}
        <form method="post" action="/cart/lines" class="variant-picker">
          <input type="hidden" name="back" value="/p/${p.slug}">
          <fieldset>
            <legend>Choose a variant</legend>
            ${p.variants.map(
              (v) => html`<label class="variant ${v.availability.inStock ? "" : "sold-out"}">
                <input type="radio" name="variantId" value="${v.id}" required ${v.id === firstAvailable?.id && buyable(v) ? raw("checked") : ""} ${buyable(v) ? "" : raw("disabled")} data-price="${money(v.price)}">
                <span class="variant-name">${v.options.length ? v.options.map((o) => o.value).join(" / ") : v.title}</span>
                <span class="variant-price">${v.price && v.compareAtPrice && v.compareAtPrice.amount > v.price.amount ? html`<s>${money(v.compareAtPrice)}</s> ` : ""}${money(v.price)}</span>
                <span class="stock">${v.availability.inStock ? (v.availability.available <= 5 ? `Only ${v.availability.available} left` : "In stock") : "Sold out"}</span>
              </label>`,
            )}
          </fieldset>
          <div class="qty">
            <label for="quantity">Quantity</label>
            <input id="quantity" name="quantity" type="number" min="1" max="99" value="1" inputmode="numeric">
          </div>
          <button type="submit" ${p.variants.some((v) => v.availability.inStock) ? "" : raw("disabled")}>Add to cart</button>
        </form>
        ${p.description ? html`<div class="description"><h2 class="visually-hidden">Description</h2><p>${p.description}</p></div>` : ""}
        ${p.attributes.length
          ? html`<dl class="attributes">
              ${p.attributes.map((a) => html`<div><dt>${a.name}</dt><dd>${a.value}</dd></div>`)}
            </dl>`
          : ""}
      </div>
    </article>
    ${p.recommendations.length
      ? html`<section aria-labelledby="recs-title" class="recs">
          <h2 id="recs-title">You may also like</h2>
          ${productGrid(
            p.recommendations.map((r) => r.product),
            "Recommended products",
          )}
          <p class="muted small">${p.recommendations[0]?.reason.text}</p>
        </section>`
      : ""}`;
}

export function cartPage(cart: CartFieldsFragment | undefined, idempotencyKey: string, error: string | undefined) {
  if (!cart || cart.lines.length === 0) {
    return html`<h1>Your cart</h1>${alert(error)}<p>Your cart is empty. <a href="/">Find something you like</a>.</p>`;
  }
  const a = cart.shippingAddress;
  return html`<h1>Your cart</h1>
    ${alert(error)}
    <div class="cart">
      <section aria-labelledby="items-title">
        <h2 id="items-title" class="visually-hidden">Items</h2>
        <ul class="lines">
          ${cart.lines.map(
            (l) => html`<li>
              <div class="line-main">
                <span class="line-title">${l.title}</span>
                <span class="muted small">${l.sku} · ${money(l.unitPrice)} each</span>
              </div>
              <form method="post" action="/cart/lines/${l.id}" class="line-form">
                <label for="qty-${l.id}" class="visually-hidden">Quantity of ${l.title}</label>
                <input id="qty-${l.id}" name="quantity" type="number" min="0" max="99" value="${l.quantity}" inputmode="numeric">
                <button type="submit" class="secondary">Update</button>
                <button type="submit" name="remove" value="1" class="link">Remove<span class="visually-hidden"> ${l.title}</span></button>
              </form>
              <span class="line-total">${money(l.lineTotal)}</span>
            </li>`,
          )}
        </ul>
        ${cart.totals
          ? html`<dl class="totals">
              <div><dt>Subtotal</dt><dd>${money(cart.totals.subtotal)}</dd></div>
              <div><dt>Shipping</dt><dd>${money(cart.totals.shipping)}</dd></div>
              <div><dt>Tax</dt><dd>${money(cart.totals.tax)}</dd></div>
              <div class="grand"><dt>Total</dt><dd>${money(cart.totals.total)}</dd></div>
            </dl>`
          : ""}
        <p class="muted small">Items are held for you for ${cart.holdMinutes} minutes.</p>
      </section>
      <section aria-labelledby="checkout-title" class="checkout">
        <h2 id="checkout-title">Checkout</h2>
        <form method="post" action="/checkout">
          <input type="hidden" name="idempotencyKey" value="${idempotencyKey}">
          <div class="field"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required value="${cart.email ?? ""}"></div>
          <div class="field"><label for="name">Full name</label><input id="name" name="name" autocomplete="name" required value="${a?.name ?? ""}"></div>
          <div class="field"><label for="line1">Address</label><input id="line1" name="line1" autocomplete="address-line1" required value="${a?.line1 ?? ""}"></div>
          <div class="field"><label for="line2">Address line 2 <span class="muted">(optional)</span></label><input id="line2" name="line2" autocomplete="address-line2" value="${a?.line2 ?? ""}"></div>
          <div class="row">
            <div class="field"><label for="postalCode">Postal code</label><input id="postalCode" name="postalCode" autocomplete="postal-code" required value="${a?.postalCode ?? ""}"></div>
            <div class="field"><label for="city">City</label><input id="city" name="city" autocomplete="address-level2" required value="${a?.city ?? ""}"></div>
          </div>
          <div class="field">
            <label for="country">Country</label>
            <select id="country" name="country" autocomplete="country">
              ${COUNTRIES.map(([code, name]) => html`<option value="${code}" ${code === (a?.country ?? "DE") ? raw("selected") : ""}>${name}</option>`)}
            </select>
          </div>
          <p class="muted small">Payment: bank transfer. We send the details with your confirmation.</p>
          <button type="submit" class="wide">Place order</button>
        </form>
      </section>
    </div>`;
}

export function orderPage(order: OrderFieldsFragment, signedIn: boolean) {
  const reached = order.status === "ON_HOLD" ? -1 : STEPS.indexOf(order.status as (typeof STEPS)[number]);
  const closed = ["CANCELLED", "REFUNDED"].includes(order.status);
  return html`<h1>Order ${order.number}</h1>
    <div class="order-status" data-order-id="${order.id}" data-live="${signedIn ? "feed" : "poll"}" data-status="${order.status}">
      <p class="status-text" aria-live="polite">Status: <strong data-status-label>${order.status.replace("_", " ").toLowerCase()}</strong> <span class="live" hidden>● live</span></p>
      ${closed
        ? ""
        : html`<ol class="steps">
            ${STEPS.map((s, i) => html`<li class="${i <= reached ? "done" : ""}" data-step="${s}">${s === "PLACED" ? "Placed" : s === "PAID" ? "Paid" : "Shipped"}</li>`)}
          </ol>`}
      ${order.status === "ON_HOLD" ? html`<p class="muted">We are checking a few details before we go ahead. This usually takes a few minutes.</p>` : ""}
    </div>
    <ul class="lines compact">
      ${order.lines.map((l) => html`<li><span class="line-title">${l.quantity} × ${l.title}</span><span class="line-total">${money(l.lineTotal)}</span></li>`)}
    </ul>
    <dl class="totals">
      <div><dt>Subtotal</dt><dd>${money(order.totals.subtotal)}</dd></div>
      <div><dt>Shipping</dt><dd>${money(order.totals.shipping)}</dd></div>
      <div><dt>Tax</dt><dd>${money(order.totals.tax)}</dd></div>
      <div class="grand"><dt>Total</dt><dd>${money(order.totals.total)}</dd></div>
    </dl>
    <p>Shipping to ${order.shippingAddress.name}, ${order.shippingAddress.line1}, ${order.shippingAddress.postalCode} ${order.shippingAddress.city}, ${order.shippingAddress.country}. A confirmation goes to ${order.email}.</p>
    <p><a href="/">Continue shopping</a></p>`;
}

export function signInPage(error: string | undefined) {
  return html`<h1>Your account</h1>
    ${alert(error)}
    <div class="two">
      <form method="post" action="/account/sign-in" aria-labelledby="sign-in-title" class="panel">
        <h2 id="sign-in-title">Sign in</h2>
        <div class="field"><label for="si-email">Email</label><input id="si-email" name="email" type="email" autocomplete="username" required></div>
        <div class="field"><label for="si-password">Password</label><input id="si-password" name="password" type="password" autocomplete="current-password" required></div>
        <button type="submit">Sign in</button>
      </form>
      <form method="post" action="/account/sign-up" aria-labelledby="sign-up-title" class="panel">
        <h2 id="sign-up-title">New here? Create an account</h2>
        <div class="field"><label for="su-name">Name</label><input id="su-name" name="name" autocomplete="name"></div>
        <div class="field"><label for="su-email">Email</label><input id="su-email" name="email" type="email" autocomplete="email" required></div>
        <div class="field"><label for="su-password">Password</label><input id="su-password" name="password" type="password" autocomplete="new-password" minlength="10" required aria-describedby="su-password-hint"><p class="hint" id="su-password-hint">At least 10 characters.</p></div>
        <button type="submit" class="secondary">Create account</button>
      </form>
    </div>`;
}

type Account = NonNullable<StorefrontAccountQuery["me"]>;
type AccountOrder = StorefrontAccountQuery["orders"]["edges"][number]["node"];

export function accountPage(me: Account, orders: AccountOrder[]) {
  return html`<h1>Hello, ${me.name ?? me.email}</h1>
    <section aria-labelledby="orders-title">
      <h2 id="orders-title">Your orders</h2>
      ${orders.length
        ? html`<ul class="lines compact">
            ${orders.map(
              (o) => html`<li><a href="/orders/${o.id}">${o.number}</a><span class="muted">${o.status.replace("_", " ").toLowerCase()} · ${new Date(o.placedAt).toLocaleDateString("en-GB")}</span><span class="line-total">${money(o.totals.total)}</span></li>`,
            )}
          </ul>`
        : html`<p>No orders yet.</p>`}
    </section>
    <form method="post" action="/account/sign-out"><button type="submit" class="secondary">Sign out</button></form>`;
}
