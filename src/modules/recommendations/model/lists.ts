import type { Neighbour } from "./co-purchase";

/** Mean of each list's top score: the scale a list set is divided by before blending. */
function meanTop(lists: ReadonlyMap<string, readonly Neighbour[]>): number {
  let sum = 0;
  let k = 0;
  for (const row of lists.values())
    if (row[0]) {
      sum += row[0].score;
      k++;
    }
  return k > 0 && sum > 0 ? sum / k : 1;
}

/**
 * The served lists: EASE lists for the items that have one, blended per pair with their kNN list
 * as weight·EASE/scale + (1-weight)·kNN/scale (still one list per item: scores add over anchors;
 * weight 1 keeps EASE's raw weights);
 * kNN lists for every other item. Truncated to `limit`, best first.
 */
export function servedLists(
  ease: ReadonlyMap<string, readonly Neighbour[]> | null,
  knn: ReadonlyMap<string, readonly Neighbour[]>,
  weight: number,
  limit: number,
): Map<string, Neighbour[]> {
  const out = new Map<string, Neighbour[]>();
  for (const [item, row] of knn) out.set(item, row.slice(0, limit));
  if (!ease) return out;
  // Pure EASE (weight 1) keeps its raw weights; a blend puts both on the scale of their top scores.
  const se = weight >= 1 ? 1 : weight / meanTop(ease);
  const sk = weight >= 1 ? 0 : (1 - weight) / meanTop(knn);
  for (const [item, row] of ease) {
    const merged = new Map<string, Neighbour>();
    for (const n of row) merged.set(n.itemId, { itemId: n.itemId, score: se * n.score, together: n.together });
    if (sk > 0)
      for (const n of knn.get(item) ?? []) {
        const e = merged.get(n.itemId);
        if (e) e.score += sk * n.score;
        else merged.set(n.itemId, { itemId: n.itemId, score: sk * n.score, together: n.together });
      }
    out.set(
      item,
      [...merged.values()]
        .filter((n) => n.score > 0)
        .sort((a, b) => b.score - a.score || b.together - a.together || (a.itemId < b.itemId ? -1 : 1))
        .slice(0, limit),
    );
  }
  return out;
}
