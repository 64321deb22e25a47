import type { MiddlewareHandler } from "hono";
import type { Env } from "../env";
import type { AppEnv } from "./types";

/**
 * Public catalog reads: strong ETags with `If-None-Match` → 304, `Cache-Control`, and an edge copy in
 * the Cache API (`caches.default`). Authenticated callers and callers reading with a D1 bookmark
 * never share the edge copy: admins see drafts, and a bookmark asks for data at least that new.
 */
export const PUBLIC_CACHE_CONTROL = "public, max-age=30, s-maxage=60";
export const PRIVATE_CACHE_CONTROL = "private, no-cache";
export const CACHE_STATUS_HEADER = "x-edge-cache";

// Entries live under a synthetic origin so they can never collide with a real URL of the shop.
const CACHE_ORIGIN = "https://catalog-cache.edgeshop.internal";
const GENERATION_KEY = `${CACHE_ORIGIN}/generation`;

// @types/node's CacheStorage shadows the Workers one, which has `default` (the zone's cache).
const edgeCache = (): Cache => (caches as unknown as { default: Cache }).default;

/**
 * Every cached catalog entry is keyed by the current catalog generation. A purge starts a new
 * generation, which drops every listing, search and detail at once: a product change can move it in
 * any listing or search result, and listings have unbounded query strings that cannot be enumerated.
 */
async function currentGeneration(cache: Cache, now = Date.now()): Promise<string> {
  if (remembered && remembered.until > now) return remembered.generation;
  const marker = await cache.match(GENERATION_KEY);
  const generation = marker?.headers.get("x-generation") ?? (await startGeneration(cache));
  remembered = { generation, until: now + GENERATION_MEMO_MS };
  return generation;
}

/**
 * The isolate remembers the generation for a moment, saving a cache lookup on every read. A purge in
 * this isolate is seen at once; one in another isolate of the colo within GENERATION_MEMO_MS.
 * Not request-scoped: it only caches a value that is the same for every request.
 */
const GENERATION_MEMO_MS = 1000;
let remembered: { generation: string; until: number } | undefined;

async function startGeneration(cache: Cache): Promise<string> {
  const generation = `${Date.now().toString(36)}${crypto.randomUUID().slice(0, 8)}`;
  remembered = { generation, until: Date.now() + GENERATION_MEMO_MS };
  await cache.put(
    GENERATION_KEY,
    new Response("", { headers: { "x-generation": generation, "cache-control": "public, max-age=31536000" } }),
  );
  return generation;
}

/**
 * Forget the cached catalog after a product (or category) changed. Catalog writes call it through
 * `ctx.waitUntil`; the events consumer (feat/events) should call it too for every `product.*` event,
 * so changes made elsewhere (other colos, imports) are purged as well.
 *
 * The Cache API is per data centre: this purges the colo it runs in, other colos expire their copies
 * after `s-maxage` (60 s). A zone-wide purge by Cache-Tag would need the Cloudflare API and a token.
 */
export async function purgeCatalogCache(_env: Pick<Env, never> | Env, _changed: { productId?: string; slug?: string } = {}): Promise<void> {
  await startGeneration(edgeCache());
}

function cacheKey(generation: string, url: URL): string {
  const params = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const search = params.length ? `?${new URLSearchParams(params).toString()}` : "";
  return `${CACHE_ORIGIN}/${generation}${url.pathname}${search}`;
}

/** `"` + base64url(SHA-256(body)) + `"`: the same bytes always get the same tag, in every isolate. */
export async function strongEtag(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  return `"${btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}"`;
}

/** RFC 9110 §13.1.2: If-None-Match uses the weak comparison; `*` matches any current representation. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => candidate.trim() === "*" || bare(candidate) === bare(etag));
}

function notModified(response: Response): Response {
  const headers = new Headers();
  for (const name of ["etag", "cache-control", "vary", CACHE_STATUS_HEADER]) {
    const value = response.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(null, { status: 304, headers });
}

function wantsOrigin(cacheControl: string | undefined): boolean {
  return !!cacheControl && /\b(no-cache|no-store|max-age=0)\b/i.test(cacheControl);
}

/**
 * The hottest entries are also kept in isolate memory for a few seconds, so a popular product page
 * does not pay a Cache API lookup per request. Entries are keyed by generation like the edge copy,
 * so a purge in this isolate takes effect at once; elsewhere within GENERATION_MEMO_MS. Bounded in
 * entries and bytes; not request-scoped (the same bytes for every anonymous caller).
 */
const HOT_TTL_MS = 5000;
const HOT_MAX_ENTRIES = 200;
const HOT_MAX_BODY_CHARS = 256 * 1024;
const hot = new Map<string, { body: string; headers: [string, string][]; until: number }>();

function rememberHot(key: string, body: string, headers: Headers, now = Date.now()): void {
  if (body.length > HOT_MAX_BODY_CHARS) return;
  hot.delete(key);
  if (hot.size >= HOT_MAX_ENTRIES) hot.delete(hot.keys().next().value!);
  hot.set(key, { body, headers: [...headers], until: now + HOT_TTL_MS });
}

function hotResponse(key: string, now = Date.now()): Response | undefined {
  const entry = hot.get(key);
  if (!entry) return undefined;
  if (entry.until <= now) {
    hot.delete(key);
    return undefined;
  }
  return new Response(entry.body, { status: 200, headers: entry.headers });
}

/** For catalog GET routes: put it closest to the handler, after auth and rate limiting. */
export const catalogReadCache = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (c.req.method !== "GET") return next();
  const shared = c.get("services").actor.kind === "anonymous" && !c.get("d1Session")?.hasClientBookmark;
  const ifNoneMatch = c.req.header("if-none-match");
  const cache = shared ? edgeCache() : undefined;
  let key: string | undefined;
  if (cache) {
    key = cacheKey(await currentGeneration(cache), new URL(c.req.url));
    // A client's `Cache-Control: no-cache` revalidates at the origin (and refreshes the edge copy).
    if (!wantsOrigin(c.req.header("cache-control"))) {
      let response = hotResponse(key);
      if (!response) {
        const hit = await cache.match(key);
        if (hit) {
          const body = await hit.text();
          rememberHot(key, body, hit.headers);
          response = new Response(body, hit);
        }
      }
      if (response) {
        response.headers.set(CACHE_STATUS_HEADER, "HIT");
        return etagMatches(ifNoneMatch, response.headers.get("etag") ?? "") ? notModified(response) : response;
      }
    }
  }

  await next();
  if (c.res.status !== 200) return;
  const body = await c.res.text();
  const headers = new Headers(c.res.headers);
  headers.set("etag", await strongEtag(body));
  headers.set("cache-control", shared ? PUBLIC_CACHE_CONTROL : PRIVATE_CACHE_CONTROL);
  headers.set("vary", "Authorization, X-D1-Bookmark");
  if (shared) headers.set(CACHE_STATUS_HEADER, "MISS");
  const response = new Response(body, { status: 200, headers });
  if (cache && key) {
    rememberHot(key, body, headers);
    c.executionCtx.waitUntil(cache.put(key, response.clone()));
  }
  // Replace (not merge into) the handler's response: Hono copies old headers onto a new c.res.
  c.res = undefined;
  c.res = etagMatches(ifNoneMatch, headers.get("etag")!) ? notModified(response) : response;
};

/** Drop the in-memory copies (tests use it to prove the Cache API copy on its own). */
export function forgetHotCatalogEntries(): void {
  hot.clear();
}
