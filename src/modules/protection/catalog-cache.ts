import type { Database } from "../../db/client";
import type { Env } from "../../env";

/**
 * Where cached public catalog responses live: the colo's Cache API (`caches.default`) plus a few
 * seconds of the hottest ones in isolate memory, all keyed by the catalog generation so that one
 * purge drops them all. REST's HTTP side (ETags, Cache-Control, who may share) is
 * rest-catalog-cache.ts; GraphQL's (cached query results) is graphql-response-cache.ts.
 */
// Entries live under a synthetic origin so they can never collide with a real URL of the shop.
const CACHE_ORIGIN = "https://catalog-cache.edgeshop.internal";
const GENERATION_KEY = `${CACHE_ORIGIN}/generation`;

// @types/node's CacheStorage shadows the Workers one, which has `default` (the zone's cache).
export const edgeCache = (): Cache => (caches as unknown as { default: Cache }).default;

/**
 * Every cached catalog entry is keyed by the current catalog generation. A purge starts a new
 * generation, which drops every listing, search and detail at once: a product change can move it in
 * any listing or search result, and listings have unbounded query strings that cannot be enumerated.
 */
export async function currentGeneration(cache: Cache, now = Date.now()): Promise<string> {
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

/**
 * The market slot of a cache key: catalog reads are priced per market (modules/catalog/market.ts), so
 * each market's copies are kept apart. The slot is the market a read resolves to, not what the request
 * spelled: `?market=eu`, `X-Market: eu`, the market's id, and no market at all while EU is the default
 * share one slot. The pricing module provides the resolver (src/app/wiring.ts); without one (tests of
 * this module alone) every read is in DEFAULT_MARKET.
 */
export const DEFAULT_MARKET = "-";

/**
 * Resolves a market selector (handle or id; null: the default market) to its slot within a cache
 * generation. `db` is called only when the resolver must read (a read served from memory opens no database handle).
 */
export type MarketSlotResolver = (db: () => Database, selector: string | null, generation: string) => Promise<string>;

let resolveSlot: MarketSlotResolver = async () => DEFAULT_MARKET;

export function provideMarketSlots(resolver: MarketSlotResolver): void {
  resolveSlot = resolver;
}

/** The slot of a read for `selector` in this generation. */
export const marketSlot = (db: () => Database, selector: string | null | undefined, generation: string): Promise<string> => resolveSlot(db, selector || null, generation);

/**
 * The key of a REST read: generation, market slot, path and the query string in a canonical order.
 * A non-empty `market` query parameter is in the slot, so it leaves the query string.
 */
export function cacheKey(generation: string, url: URL, market = DEFAULT_MARKET): string {
  const params = [...url.searchParams].filter(([name, value]) => !(name === "market" && value !== "")).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const search = params.length ? `?${new URLSearchParams(params).toString()}` : "";
  return `${CACHE_ORIGIN}/${generation}/${encodeURIComponent(market)}${url.pathname}${search}`;
}

/** The key of a GraphQL result: generation, market and a hash of operation name, document and variables. */
export function graphqlCacheKey(generation: string, hash: string, market = DEFAULT_MARKET): string {
  return `${CACHE_ORIGIN}/${generation}/${encodeURIComponent(market)}/graphql/${hash}`;
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
// Isolates have 128 MB: the hot copies never take more than a few of them (the strings, and for REST
// reads their UTF-8 bytes: at most about twice this).
const HOT_MAX_TOTAL_CHARS = 4 * 1024 * 1024;
interface HotEntry {
  body: string;
  headers: [string, string][];
  until: number;
  /** The body as UTF-8 and the response's init, made on the first hit that needs a Response (hotResponse). */
  bytes?: Uint8Array<ArrayBuffer>;
  init?: ResponseInit;
}
const hot = new Map<string, HotEntry>();
const encoder = new TextEncoder();
let hotChars = 0;

function forget(key: string): void {
  const entry = hot.get(key);
  if (!entry) return;
  hotChars -= entry.body.length;
  hot.delete(key);
}

export function rememberHot(key: string, body: string, headers: Headers | [string, string][], now = Date.now()): void {
  if (body.length > HOT_MAX_BODY_CHARS) return;
  forget(key);
  // Oldest first out (Map keeps insertion order).
  while (hot.size > 0 && (hot.size >= HOT_MAX_ENTRIES || hotChars + body.length > HOT_MAX_TOTAL_CHARS)) forget(hot.keys().next().value!);
  hot.set(key, { body, headers: [...headers], until: now + HOT_TTL_MS });
  hotChars += body.length;
}

/** The hot copy of `key` (body and headers), if this isolate has a fresh one. */
export function hotEntry(key: string, now = Date.now()): Pick<HotEntry, "body" | "headers"> | undefined {
  return liveEntry(key, now);
}

function liveEntry(key: string, now: number): HotEntry | undefined {
  const entry = hot.get(key);
  if (!entry) return undefined;
  if (entry.until <= now) {
    forget(key);
    return undefined;
  }
  return entry;
}

/**
 * A response from the hot copy of `key`. Its body is encoded to UTF-8 and its headers built once per
 * entry, not on every hit (encoding a listing's ~60 KB string was the largest part of serving it from memory).
 */
export function hotResponse(key: string, now = Date.now()): Response | undefined {
  const entry = liveEntry(key, now);
  if (!entry) return undefined;
  entry.bytes ??= encoder.encode(entry.body) as Uint8Array<ArrayBuffer>;
  entry.init ??= { status: 200, headers: new Headers(entry.headers) };
  return new Response(entry.bytes, entry.init);
}

/** Drop the in-memory copies (tests use it to prove the Cache API copy on its own). */
export function forgetHotCatalogEntries(): void {
  hot.clear();
  hotChars = 0;
}
