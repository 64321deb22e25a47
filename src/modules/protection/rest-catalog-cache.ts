import type { MiddlewareHandler } from "hono";
import { cacheKey, currentGeneration, edgeCache, hotEntry, hotResponse, marketSlot, rememberHot } from "./catalog-cache";
import { toBase64Url } from "../../shared/crypto";
import type { AppEnv } from "../../http/types";

/**
 * Public catalog reads: strong ETags with `If-None-Match` → 304, `Cache-Control`, and an edge copy in
 * the Cache API (`caches.default`). Authenticated callers and callers reading with a D1 bookmark
 * never share the edge copy: admins see drafts, and a bookmark asks for data at least that new.
 */
export const PUBLIC_CACHE_CONTROL = "public, max-age=30, s-maxage=60";
export const PRIVATE_CACHE_CONTROL = "private, no-cache";
export const CACHE_STATUS_HEADER = "x-edge-cache";

/** `"` + base64url(SHA-256(body)) + `"`: the same bytes always get the same tag, in every isolate. */
export async function strongEtag(body: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return `"${toBase64Url(digest)}"`;
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

/** Cache keys by X-Market and URL, for the generation they were made in (not request-scoped: the same for every caller). */
const keys = new Map<string, string>();
let keysGeneration = "";
const MAX_REMEMBERED_KEYS = 1000;

/** For catalog GET routes: put it closest to the handler, after auth and rate limiting. */
export const catalogReadCache = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (c.req.method !== "GET") return next();
  const shared = c.get("services").actor.kind === "anonymous" && !c.get("d1Session")?.hasClientBookmark;
  const ifNoneMatch = c.req.header("if-none-match");
  const cache = shared ? edgeCache() : undefined;
  let key: string | undefined;
  if (cache) {
    // Catalog reads are priced per market: the key's slot is the market the read resolves to
    // (`?market=`, else X-Market, else the default), whichever way the request named it. The key of a
    // URL and X-Market is remembered within the generation (markets changing start a new one).
    const generation = await currentGeneration(cache);
    if (keysGeneration !== generation) {
      keys.clear();
      keysGeneration = generation;
    }
    const xMarket = c.req.header("x-market");
    const memo = `${xMarket ?? ""} ${c.req.url}`;
    key = keys.get(memo);
    if (!key) {
      const url = new URL(c.req.url);
      const services = c.get("services");
      key = cacheKey(generation, url, await marketSlot(() => services.db, url.searchParams.get("market") || xMarket, generation));
      if (keys.size >= MAX_REMEMBERED_KEYS) keys.clear();
      keys.set(memo, key);
    }
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
  // The body's bytes are read once and serve the ETag, the response and the edge copy (decoding a
  // listing's ~60 KB to a string and encoding it again twice was measurable on every origin read).
  const bytes = new Uint8Array(await c.res.arrayBuffer());
  const headers = new Headers(c.res.headers);
  headers.set("etag", await strongEtag(bytes));
  headers.set("cache-control", shared ? PUBLIC_CACHE_CONTROL : PRIVATE_CACHE_CONTROL);
  headers.set("vary", "Authorization, X-D1-Bookmark, X-Market");
  if (shared) headers.set(CACHE_STATUS_HEADER, "MISS");
  const response = new Response(bytes, { status: 200, headers });
  // An origin read (`no-cache`) whose body is the one this isolate put into the edge copy moments ago
  // (its hot copy, HOT_TTL_MS) leaves the edge copy alone: rewriting identical bytes costs a Cache API
  // write per read and changes nothing a client could see.
  if (cache && key && hotEntry(key)?.headers.find(([name]) => name === "etag")?.[1] !== headers.get("etag")) {
    rememberHot(key, new TextDecoder().decode(bytes), headers);
    c.executionCtx.waitUntil(cache.put(key, response.clone()));
  }
  // Replace (not merge into) the handler's response: Hono copies old headers onto a new c.res.
  c.res = undefined;
  c.res = etagMatches(ifNoneMatch, headers.get("etag")!) ? notModified(response) : response;
};
