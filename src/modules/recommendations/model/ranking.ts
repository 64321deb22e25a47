import type { Neighbour } from "./co-purchase";

/** Why an item was recommended, in data (the service renders it as text with product titles). */
export type Reason =
  | { kind: "bought-together"; withItemId: string; orders: number }
  | { kind: "popular"; orders: number }
  | { kind: "similar"; withItemId: string; shared: string[] };

export interface Ranked {
  itemId: string;
  score: number;
  reason: Reason;
}

export interface RankingParams {
  /** How many neighbours per item are kept (and stored in D1). Serving sees only these. */
  neighbourLimit: number;
  /** Weight of the popularity prior added to every candidate, relative to the most popular item. */
  popularityWeight: number;
  /** How many popular items join the candidates (cold start and prior). */
  popularCandidates: number;
  /**
   * Exponent applied to each similarity before the votes are added up (Aiolli's "locality"):
   * above 1, one strong association outweighs many weak ones, which are mostly popularity again.
   */
  locality: number;
}

/**
 * Rank candidates for a set of anchor items (a product page, a cart, a purchase history): each
 * anchor's stored neighbours vote with their similarity; a small popularity prior breaks ties and
 * fills in when the anchors have few neighbours. Pure: the Worker feeds it rows read from D1, the
 * evaluator feeds it the in-memory model, so what is measured offline is what is served.
 */
export function rankCandidates(args: {
  anchors: readonly string[];
  neighboursOf: (itemId: string) => readonly Neighbour[];
  popular: readonly { itemId: string; orders: number }[];
  exclude: ReadonlySet<string>;
  params: RankingParams;
  limit: number;
}): Ranked[] {
  const { anchors, neighboursOf, popular, exclude, params, limit } = args;
  const anchorSet = new Set(anchors);
  const maxOrders = popular.reduce((m, p) => Math.max(m, p.orders), 0);
  const prior = new Map<string, number>();
  for (const p of popular.slice(0, params.popularCandidates)) prior.set(p.itemId, p.orders);

  const scores = new Map<string, { score: number; best: { anchor: string; score: number; together: number } | null }>();
  for (const anchor of anchorSet) {
    for (const n of neighboursOf(anchor).slice(0, params.neighbourLimit)) {
      if (exclude.has(n.itemId) || anchorSet.has(n.itemId)) continue;
      const entry = scores.get(n.itemId) ?? { score: 0, best: null };
      // Averaged over anchors, so the popularity prior weighs the same for a one-item and a ten-item basket.
      entry.score += n.score ** params.locality / anchorSet.size;
      if (!entry.best || n.score > entry.best.score) entry.best = { anchor, score: n.score, together: n.together };
      scores.set(n.itemId, entry);
    }
  }
  if (maxOrders > 0 && params.popularityWeight > 0) {
    for (const [itemId, orders] of prior) {
      if (exclude.has(itemId) || anchorSet.has(itemId)) continue;
      const entry = scores.get(itemId) ?? { score: 0, best: null };
      entry.score += (params.popularityWeight * orders) / maxOrders;
      scores.set(itemId, entry);
    }
  }

  const ranked: Ranked[] = [...scores].map(([itemId, e]) => ({
    itemId,
    score: e.score,
    reason: e.best
      ? { kind: "bought-together", withItemId: e.best.anchor, orders: e.best.together }
      : { kind: "popular", orders: prior.get(itemId) ?? 0 },
  }));
  ranked.sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1));
  const top = ranked.slice(0, limit);

  // Cold start: nothing bought with the anchors yet, so fill with what sells.
  if (top.length < limit) {
    const taken = new Set(top.map((r) => r.itemId));
    for (const p of popular) {
      if (top.length >= limit) break;
      if (taken.has(p.itemId) || exclude.has(p.itemId) || anchorSet.has(p.itemId)) continue;
      top.push({ itemId: p.itemId, score: 0, reason: { kind: "popular", orders: p.orders } });
      taken.add(p.itemId);
    }
  }
  return top;
}
