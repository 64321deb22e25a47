// Server-rendered HTML for the demo storefront: hono/html templates (every interpolation is escaped),
// one stylesheet and one small script from the Worker's static assets, no client framework.
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
export interface Money {
  amount: number;
  currency: string;
}
export interface Card {
  slug: string;
  title: string;
  images: readonly unknown[];
  priceRange: { min: Money; max: Money } | null;
}
export interface NavCategory {
  slug: string;
  name: string;
  children: { slug: string; name: string }[];
}

const formats = new Map<string, Intl.NumberFormat>();
export function money(value: Money | null | undefined): string {
  if (!value) return "";
  let format = formats.get(value.currency);
  if (!format) formats.set(value.currency, (format = new Intl.NumberFormat("en-GB", { style: "currency", currency: value.currency })));
  return format.format(value.amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** Only images this Worker serves (uploaded to R2, root-relative) are shown; others become a tile. */
export function imageUrl(image: unknown, width: number): string | undefined {
  const url = typeof image === "string" ? image : (image as { url?: string } | null)?.url;
  if (!url || !url.startsWith("/")) return undefined;
  return `${url}${url.includes("?") ? "&" : "?"}w=${width}`;
}
function imageAlt(image: unknown, fallback: string): string {
  return (typeof image === "object" && image && (image as { alt?: string }).alt) || fallback;
}

/** A tile for products without a stored image: a calm colour from the title, and its initials. */
function tile(title: string, size: "card" | "hero"): Html {
  let hash = 0;
  for (const ch of title) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  const hue = Math.abs(hash) % 12;
  const initials = title
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0])
    .join("");
  return html`<div class="tile tile-${size} hue-${hue}" role="img" aria-label="${title}"><span aria-hidden="true">${initials}</span></div>`;
}

export function picture(images: readonly unknown[], title: string, size: "card" | "hero"): Html {
  const first = images[0];
  const width = size === "card" ? 320 : 640;
  const src = imageUrl(first, width);
  if (!src) return tile(title, size);
  return html`<img src="${src}" srcset="${src} 1x, ${imageUrl(first, width * 2)} 2x" alt="${imageAlt(first, title)}" width="${width}" height="${width}" loading="${size === "card" ? "lazy" : "eager"}" decoding="async" />`;
}

export function priceFrom(range: Card["priceRange"]): string {
  if (!range) return "";
  return range.min.amount === range.max.amount ? money(range.min) : `from ${money(range.min)}`;
}

export function productGrid(products: Card[], label: string): Html {
  if (!products.length) return html`<p class="empty">Nothing here yet.</p>`;
  return html`<ul class="grid" aria-label="${label}">
    ${products.map(
      (p) => html`<li class="card">
        <a href="/p/${encodeURIComponent(p.slug)}">
          ${picture(p.images, p.title, "card")}
          <span class="card-title">${p.title}</span>
          <span class="price">${priceFrom(p.priceRange)}</span>
        </a>
      </li>`,
    )}
  </ul>`;
}

export interface LayoutData {
  title: string;
  nav: NavCategory[];
  cartCount: number;
  signedIn: boolean;
  query?: string;
  flash?: string;
  noindex?: boolean;
}

export function layout(data: LayoutData, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${data.title} · Edgeshop demo store</title>
<meta name="description" content="The Edgeshop reference storefront: server-rendered at the edge on Edgeshop's GraphQL API.">
${data.noindex ? raw('<meta name="robots" content="noindex">') : ""}
<link rel="stylesheet" href="/static/storefront/storefront.css">
<link rel="icon" href="data:,">
<script src="/static/storefront/storefront.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <div class="bar">
    <a class="logo" href="/">Edgeshop<span> demo store</span></a>
    <form class="search" role="search" action="/search" method="get">
      <label class="visually-hidden" for="q">Search products</label>
      <input id="q" name="q" type="search" value="${data.query ?? ""}" placeholder="Search products" autocomplete="off">
      <button type="submit">Search</button>
    </form>
    <nav class="account" aria-label="Your account">
      <a href="/account">${data.signedIn ? "Account" : "Sign in"}</a>
      <a href="/cart" class="cart-link">Cart <span class="count" aria-label="${data.cartCount} items">${data.cartCount}</span></a>
    </nav>
  </div>
  <nav class="categories" aria-label="Categories">
    <ul>
      ${data.nav.map(
        (c) => html`<li>
          <details>
            <summary>${c.name}</summary>
            <ul>
              <li><a href="/c/${c.slug}">All ${c.name}</a></li>
              ${c.children.map((k) => html`<li><a href="/c/${k.slug}">${k.name}</a></li>`)}
            </ul>
          </details>
        </li>`,
      )}
    </ul>
  </nav>
</header>
<main id="main" tabindex="-1">
${data.flash ? html`<p class="flash" role="status">${data.flash}</p>` : ""}
${body}
</main>
<footer class="site">
  <p>The Edgeshop reference storefront: rendered by the Worker on every request from the public GraphQL API, with persisted documents. <a href="/docs">API reference</a> · <a href="/admin">Back office</a></p>
</footer>
</body>
</html>`;
}

export function errorPage(title: string, message: string): Html {
  return html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to the shop</a></p>`;
}
