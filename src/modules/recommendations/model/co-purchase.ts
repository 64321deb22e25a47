import { similarity, type SimilarityMeasure } from "./similarity";

/** One entry of an item's precomputed neighbour list: what D1 stores in `rec_neighbours`. */
export interface Neighbour {
  itemId: string;
  score: number;
  /** Orders in which the two items were bought together (shown in the reason). */
  together: number;
}

/**
 * Item-to-item co-purchase statistics (Linden, Smith, York: "Amazon.com recommendations:
 * item-to-item collaborative filtering", 2003), learned one order at a time. The same counting
 * runs in D1 (service.ts) and in memory here for the offline evaluator and the unit tests.
 */
export class CoPurchaseCounts {
  orders = 0;
  readonly itemOrders = new Map<string, number>();
  readonly together = new Map<string, Map<string, number>>();

  /** Count one order. An item bought twice in an order counts once: we learn from baskets, not quantities. */
  addOrder(items: Iterable<string>): void {
    const distinct = [...new Set(items)];
    if (distinct.length === 0) return;
    this.orders += 1;
    for (const i of distinct) {
      this.itemOrders.set(i, (this.itemOrders.get(i) ?? 0) + 1);
      let row = this.together.get(i);
      if (!row) this.together.set(i, (row = new Map()));
      for (const j of distinct) if (j !== i) row.set(j, (row.get(j) ?? 0) + 1);
    }
  }

  /** The top `limit` neighbours of `item` under `measure`, best first (ties by more orders together, then id). */
  neighbours(item: string, measure: SimilarityMeasure, limit: number): Neighbour[] {
    const row = this.together.get(item);
    const anchor = this.itemOrders.get(item) ?? 0;
    if (!row || anchor === 0) return [];
    const list: Neighbour[] = [];
    for (const [itemId, together] of row) {
      const score = similarity(measure, { together, anchor, candidate: this.itemOrders.get(itemId) ?? 0, orders: this.orders });
      if (score > 0) list.push({ itemId, score, together });
    }
    return topNeighbours(list, limit);
  }

  /** Items by the number of orders they appear in, most first. */
  popular(limit: number): { itemId: string; orders: number }[] {
    return [...this.itemOrders]
      .map(([itemId, orders]) => ({ itemId, orders }))
      .sort((a, b) => b.orders - a.orders || (a.itemId < b.itemId ? -1 : 1))
      .slice(0, limit);
  }
}

export function topNeighbours(list: Neighbour[], limit: number): Neighbour[] {
  return list.sort((a, b) => b.score - a.score || b.together - a.together || (a.itemId < b.itemId ? -1 : 1)).slice(0, limit);
}
