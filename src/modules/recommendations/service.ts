import { sql } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { ServiceError } from "../../shared/errors";
import { parseInput } from "../../shared/validation";
import { getCart, type Cart } from "../carts";
import type { ProductRecord } from "../catalog";
import { getProductRecord, productRecordsByIds } from "../catalog";
import type { Neighbour } from "./model/co-purchase";
import { recommendationModel } from "./model/config";
import { contentSimilarity, type ContentProfile } from "./model/content";
import { rankCandidates } from "./model/ranking";
import { similarity } from "./model/similarity";
import { CustomerRecommendationsQuery, ProductSetQuery, RecommendationsQuery, type RecommendationReason } from "./schemas";
import { outOfStockProductIds } from "./stock";

/**
 * Serving: everything comes from rows that recordPurchase keeps up to date. One call answers many
 * requests (a page of products) with a fixed number of D1 queries, whatever their count:
 * neighbours, popular, (customer purchases), (content candidates), stock, product rows.
 *
 * Reads join the catalog's tables for status, titles and categories: a read-only use of the
 * catalog's data so that the number of queries stays bounded.
 */

export interface Recommendation {
  product: ProductRecord;
  score: number;
  reason: RecommendationReason;
}

export interface RecommendationRequest {
  key: string;
  /** What the recommendations are for: a product, a cart's products, a customer's purchases. */
  anchors: readonly string[];
  /** Never recommend these (e.g. everything the customer already bought). */
  exclude?: readonly string[];
}

type Candidate = { productId: string; score: number; reason: Omit<RecommendationReason, "text"> & { shared?: string[] } };

const json = (ids: Iterable<string>) => JSON.stringify([...new Set(ids)]);

export async function recommendForAnchors(
  db: Database,
  requests: readonly RecommendationRequest[],
  limit: number,
): Promise<Map<string, Recommendation[]>> {
  const result = new Map<string, Recommendation[]>(requests.map((r) => [r.key, []]));
  const anchors = new Set(requests.flatMap((r) => r.anchors));
  if (anchors.size === 0) return result;
  const { ranking } = recommendationModel;

  const [neighbourRows, popular] = await Promise.all([
    db.all<{ anchor: string; neighbour: string; score: number; together: number }>(sql`
      SELECT n.product_id AS anchor, n.neighbour_id AS neighbour, n.score, n.together
      FROM rec_neighbours n JOIN products p ON p.id = n.neighbour_id AND p.status = 'active'
      WHERE n.product_id IN (SELECT value FROM json_each(${json(anchors)}))
      ORDER BY n.product_id, n.score DESC, n.neighbour_id`),
    db.all<{ itemId: string; orders: number }>(sql`
      SELECT s.product_id AS itemId, s.orders FROM rec_item_stats s JOIN products p ON p.id = s.product_id AND p.status = 'active'
      ORDER BY s.orders DESC, s.product_id LIMIT ${ranking.popularCandidates + 2 * limit}`),
  ]);
  const neighbours = new Map<string, Neighbour[]>();
  for (const r of neighbourRows) {
    const list = neighbours.get(r.anchor) ?? [];
    list.push({ itemId: r.neighbour, score: r.score, together: r.together });
    neighbours.set(r.anchor, list);
  }

  // Over-fetch so that stock exclusions below still leave `limit` items.
  const overFetch = limit * 3;
  const ranked = new Map<string, Candidate[]>();
  const needContent: RecommendationRequest[] = [];
  for (const request of requests) {
    const exclude = new Set([...(request.exclude ?? []), ...request.anchors]);
    const list = rankCandidates({ anchors: request.anchors, neighboursOf: (id) => neighbours.get(id) ?? [], popular, exclude, params: ranking, limit: overFetch });
    const candidates: Candidate[] = list.map((r): Candidate => {
      if (r.reason.kind !== "bought-together") return { productId: r.itemId, score: r.score, reason: { kind: "popular", relatedProductId: null, orders: r.reason.kind === "popular" ? r.reason.orders : null } };
      // EASE can link products never bought together (through what each is bought with): say so.
      if (r.reason.orders === 0) return { productId: r.itemId, score: r.score, reason: { kind: "similar", relatedProductId: r.reason.withItemId, orders: null, shared: ["bought by shoppers with similar baskets"] } };
      return { productId: r.itemId, score: r.score, reason: { kind: "bought_together", relatedProductId: r.reason.withItemId, orders: r.reason.orders } };
    });
    ranked.set(request.key, candidates);
    if (candidates.filter((c) => c.reason.kind !== "popular").length < overFetch) needContent.push(request);
  }

  // Cold start: products sharing a category with an anchor, scored by content similarity.
  if (needContent.length > 0) {
    const profiles = await contentProfiles(db, new Set(needContent.flatMap((r) => r.anchors)));
    for (const request of needContent) {
      const exclude = new Set([...(request.exclude ?? []), ...request.anchors]);
      const list = ranked.get(request.key)!;
      const bought = list.filter((c) => c.reason.kind !== "popular"); // from the model's lists
      const similar = new Map<string, Candidate>();
      for (const anchorId of request.anchors) {
        const anchor = profiles.anchors.get(anchorId);
        if (!anchor) continue;
        for (const candidate of profiles.candidates) {
          if (exclude.has(candidate.id) || bought.some((b) => b.productId === candidate.id)) continue;
          const { score, shared } = contentSimilarity(anchor, candidate);
          if (score <= 0 || (similar.get(candidate.id)?.score ?? 0) >= score) continue;
          similar.set(candidate.id, { productId: candidate.id, score, reason: { kind: "similar", relatedProductId: anchorId, orders: null, shared } });
        }
      }
      const content = [...similar.values()].sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : 1));
      const taken = new Set([...bought, ...content].map((c) => c.productId));
      ranked.set(request.key, [...bought, ...content, ...list.filter((c) => c.reason.kind === "popular" && !taken.has(c.productId))].slice(0, overFetch));
    }
  }

  const candidateIds = new Set([...ranked.values()].flatMap((list) => list.map((c) => c.productId)));
  const unavailable = await outOfStockProductIds(db, [...candidateIds]);
  const chosen = new Map([...ranked].map(([key, list]) => [key, list.filter((c) => !unavailable.has(c.productId)).slice(0, limit)]));

  const needed = new Set([...chosen.values()].flatMap((list) => list.flatMap((c) => [c.productId, ...(c.reason.relatedProductId ? [c.reason.relatedProductId] : [])])));
  const records = await productRecordsByIds(db, needed);
  for (const [key, list] of chosen) {
    result.set(
      key,
      list.flatMap((c) => {
        const product = records.get(c.productId);
        if (!product || product.status !== "active") return [];
        return [{ product, score: round(c.score), reason: explain(c.reason, records) }];
      }),
    );
  }
  return result;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function explain(reason: Candidate["reason"], records: Map<string, ProductRecord>): RecommendationReason {
  const related = reason.relatedProductId ? records.get(reason.relatedProductId)?.title ?? reason.relatedProductId : null;
  const base = { kind: reason.kind, relatedProductId: reason.relatedProductId, orders: reason.orders };
  switch (reason.kind) {
    case "bought_together":
      return { ...base, text: `Bought together with ${related} in ${reason.orders} ${reason.orders === 1 ? "order" : "orders"}` };
    case "similar":
      return { ...base, text: `Similar to ${related}: ${(reason.shared ?? []).slice(0, 3).join("; ")}` };
    case "popular":
      return { ...base, text: reason.orders ? `Popular: in ${reason.orders} ${reason.orders === 1 ? "order" : "orders"}` : "Popular" };
  }
}

interface ProfileRow {
  id: string;
  title: string;
  status: string;
  attributes: string;
  categories: string;
  is_anchor: number;
}

/** Anchors' profiles plus active products sharing a category with them, in one query. */
async function contentProfiles(db: Database, anchorIds: Set<string>): Promise<{ anchors: Map<string, ContentProfile>; candidates: ContentProfile[] }> {
  const ids = json(anchorIds);
  const rows = await db.all<ProfileRow>(sql`
    SELECT p.id, p.title, p.status, p.attributes,
      (SELECT json_group_array(json_object('id', c.id, 'name', c.name)) FROM product_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.product_id = p.id) AS categories,
      p.id IN (SELECT value FROM json_each(${ids})) AS is_anchor
    FROM products p
    WHERE p.id IN (SELECT value FROM json_each(${ids}))
       OR (p.status = 'active' AND p.id IN (
         SELECT pc.product_id FROM product_categories pc WHERE pc.category_id IN (
           SELECT category_id FROM product_categories WHERE product_id IN (SELECT value FROM json_each(${ids})))))
    LIMIT 500`);
  const anchors = new Map<string, ContentProfile>();
  const candidates: ContentProfile[] = [];
  for (const r of rows) {
    const profile: ContentProfile = {
      id: r.id,
      title: r.title,
      attributes: JSON.parse(r.attributes) as Record<string, string>,
      categories: JSON.parse(r.categories ?? "[]") as { id: string; name: string }[],
    };
    if (r.is_anchor) anchors.set(r.id, profile);
    else candidates.push(profile);
  }
  return { anchors, candidates };
}



// ---------------------------------------------------------------------------------------------
// Entry points (validated; REST and GraphQL call these)

/** "Frequently bought together" for one product page. */
export async function productRecommendations(ctx: ServiceContext, idOrSlug: string, rawInput: unknown): Promise<Recommendation[]> {
  const { limit } = parseInput(RecommendationsQuery, rawInput);
  const product = await getProductRecord(ctx, idOrSlug);
  const exclude = ctx.actor.kind === "customer" ? await purchasedBy(ctx.db, ctx.actor.customerId) : [];
  return (await recommendForAnchors(ctx.db, [{ key: product.id, anchors: [product.id], exclude }], limit)).get(product.id)!;
}

/** The same for many products at once (GraphQL DataLoader): one fixed set of queries for the page. */
export async function recommendationsForProductIds(ctx: ServiceContext, productIds: readonly string[], limit: number): Promise<Map<string, Recommendation[]>> {
  const exclude = ctx.actor.kind === "customer" ? await purchasedBy(ctx.db, ctx.actor.customerId) : [];
  return recommendForAnchors(ctx.db, productIds.map((id) => ({ key: id, anchors: [id], exclude })), limit);
}

/** "Complete your cart": what is bought with these products, excluding them. */
export async function completeTheCart(ctx: ServiceContext, rawInput: unknown): Promise<Recommendation[]> {
  const { productIds, limit } = parseInput(ProductSetQuery, rawInput);
  const exclude = ctx.actor.kind === "customer" ? await purchasedBy(ctx.db, ctx.actor.customerId) : [];
  return (await recommendForAnchors(ctx.db, [{ key: "cart", anchors: productIds, exclude }], limit)).get("cart")!;
}

/** "Complete your cart" for a stored cart, with the cart's access rules (404 for anyone else). */
export async function cartRecommendations(ctx: ServiceContext, cartId: string, rawInput: unknown): Promise<Recommendation[]> {
  const { limit } = parseInput(RecommendationsQuery, rawInput);
  return recommendationsForCart(ctx, await getCart(ctx, cartId), limit);
}

/** For a cart the caller may already see (GraphQL `Cart.recommendations`). An empty cart gets what sells. */
export async function recommendationsForCart(ctx: ServiceContext, cart: Pick<Cart, "lines">, limit: number): Promise<Recommendation[]> {
  const productIds = [...new Set(cart.lines.map((l) => l.productId))];
  if (productIds.length === 0) return popularProducts(ctx.db, limit);
  return completeTheCart(ctx, { productIds, limit });
}

/** "Recommended for you": neighbours of the customer's recent purchases, never what they already bought. */
export async function recommendedForCustomer(ctx: ServiceContext, rawInput: unknown): Promise<Recommendation[]> {
  const { limit, customerId: requested } = parseInput(CustomerRecommendationsQuery, rawInput);
  let customerId: string;
  if (ctx.actor.kind === "customer") {
    if (requested && requested !== ctx.actor.customerId) throw new ServiceError("FORBIDDEN", "Customers see only their own recommendations.");
    customerId = ctx.actor.customerId;
  } else if (ctx.actor.kind === "admin") {
    if (!requested) throw new ServiceError("VALIDATION_FAILED", "Admins must say whose recommendations to show.", { errors: [{ pointer: "/customerId", detail: "Required for admins." }] });
    customerId = requested;
  } else {
    throw new ServiceError("UNAUTHENTICATED", "Sign in to see recommendations for you.");
  }
  const history = await ctx.db.all<{ product_id: string }>(
    sql`SELECT product_id FROM rec_customer_products WHERE customer_id = ${customerId} ORDER BY last_ordered_at DESC, orders DESC, product_id`,
  );
  const purchased = history.map((h) => h.product_id);
  // The most recent purchases speak for current taste; everything bought is excluded.
  if (purchased.length === 0) return popularProducts(ctx.db, limit);
  return (await recommendForAnchors(ctx.db, [{ key: customerId, anchors: purchased.slice(0, 20), exclude: purchased }], limit)).get(customerId)!;
}

/** New customers, nothing bought yet: what sells. */
async function popularProducts(db: Database, limit: number): Promise<Recommendation[]> {
  const rows = await db.all<{ product_id: string; orders: number }>(sql`
    SELECT s.product_id, s.orders FROM rec_item_stats s JOIN products p ON p.id = s.product_id AND p.status = 'active'
    ORDER BY s.orders DESC, s.product_id LIMIT ${limit * 3}`);
  const unavailable = await outOfStockProductIds(db, rows.map((r) => r.product_id));
  const picked = rows.filter((r) => !unavailable.has(r.product_id)).slice(0, limit);
  const records = await productRecordsByIds(db, new Set(picked.map((r) => r.product_id)));
  return picked.flatMap((r) => {
    const product = records.get(r.product_id);
    return product ? [{ product, score: 0, reason: explain({ kind: "popular", relatedProductId: null, orders: r.orders }, records) }] : [];
  });
}

async function purchasedBy(db: Database, customerId: string): Promise<string[]> {
  const rows = await db.all<{ product_id: string }>(sql`SELECT product_id FROM rec_customer_products WHERE customer_id = ${customerId}`);
  return rows.map((r) => r.product_id);
}

/** A pair must have been bought together this often before it is called "frequently bought together". */
export const FBT_MIN_ORDERS = 2;
/** Confidence P(candidate | anchor), damped for pairs seen in few orders: together / anchor · together / (together + 5). */
const fbtMeasure = { kind: "asymmetric-cosine", alpha: 1, shrinkage: 5 } as const;

/**
 * "Frequently bought together" for a cart: association rules read straight from the pair counts
 * (so every placed order counts at once, unlike the model's lists which the nightly rebuild
 * refreshes): products bought in at least FBT_MIN_ORDERS orders with one of the cart's products,
 * ranked by the best confidence over the cart's products, never the cart's own products, active
 * and in stock only. Each result names the cart product it goes with and in how many orders.
 */
export async function frequentlyBoughtTogetherForCart(ctx: ServiceContext, cart: Pick<Cart, "lines">, limit: number): Promise<Recommendation[]> {
  const anchors = [...new Set(cart.lines.map((l) => l.productId))];
  if (anchors.length === 0) return [];
  const rows = await ctx.db.all<{ anchor: string; candidate: string; together: number; anchor_orders: number; candidate_orders: number }>(sql`
    SELECT p.product_id AS anchor, p.other_id AS candidate, p.orders AS together, a.orders AS anchor_orders, c.orders AS candidate_orders
    FROM rec_pair_counts p
    JOIN rec_item_stats a ON a.product_id = p.product_id
    JOIN rec_item_stats c ON c.product_id = p.other_id
    JOIN products pr ON pr.id = p.other_id AND pr.status = 'active'
    WHERE p.product_id IN (SELECT value FROM json_each(${json(anchors)}))
      AND p.other_id NOT IN (SELECT value FROM json_each(${json(anchors)}))
      AND p.orders >= ${FBT_MIN_ORDERS}`);
  const best = new Map<string, Candidate>();
  for (const r of rows) {
    const score = similarity(fbtMeasure, { together: r.together, anchor: r.anchor_orders, candidate: r.candidate_orders, orders: 0 });
    const seen = best.get(r.candidate);
    if (!seen || score > seen.score || (score === seen.score && r.together > (seen.reason.orders ?? 0))) {
      best.set(r.candidate, { productId: r.candidate, score, reason: { kind: "bought_together", relatedProductId: r.anchor, orders: r.together } });
    }
  }
  const ranked = [...best.values()].sort((a, b) => b.score - a.score || (b.reason.orders ?? 0) - (a.reason.orders ?? 0) || (a.productId < b.productId ? -1 : 1));
  const unavailable = await outOfStockProductIds(ctx.db, ranked.map((c) => c.productId));
  const chosen = ranked.filter((c) => !unavailable.has(c.productId)).slice(0, limit);
  const records = await productRecordsByIds(ctx.db, new Set(chosen.flatMap((c) => [c.productId, c.reason.relatedProductId!])));
  return chosen.flatMap((c) => {
    const product = records.get(c.productId);
    return product && product.status === "active" ? [{ product, score: round(c.score), reason: explain(c.reason, records) }] : [];
  });
}

/** `GET /v1/carts/{id}/frequently-bought-together`: the same with the cart's access rules (404 for anyone else). */
export async function cartFrequentlyBoughtTogether(ctx: ServiceContext, cartId: string, rawInput: unknown): Promise<Recommendation[]> {
  const { limit } = parseInput(RecommendationsQuery, rawInput);
  return frequentlyBoughtTogetherForCart(ctx, await getCart(ctx, cartId), limit);
}
