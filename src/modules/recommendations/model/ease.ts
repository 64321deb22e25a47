import type { Neighbour } from "./co-purchase";

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the linear item model
 * B = argmin ||X - XB||² + λ||B||² with diag(B) = 0, in closed form from the item-item Gram matrix
 * G = XᵀX (orders per item on the diagonal, orders per pair off it): P = (G + λI)⁻¹,
 * B_ij = -P_ij / P_jj. Scoring a basket S is Σ_{i∈S} B_ij, additive over anchors, so each item's
 * top positive weights ARE its neighbour list: it serves from rec_neighbours like item-kNN.
 * Pure; the nightly rebuild (over D1 counts) and the offline evaluation call the same function.
 */
export interface Gram {
  items: readonly string[];
  /** n×n, row-major: orders per item on the diagonal, orders per pair off it. */
  counts: Float64Array;
}

/** Gram matrix of baskets over `items` (others ignored); each basket counts an item once. */
export function gramOf(baskets: readonly (readonly string[])[], items: readonly string[]): Gram {
  const index = new Map(items.map((it, k) => [it, k]));
  const n = items.length;
  const counts = new Float64Array(n * n);
  for (const basket of baskets) {
    const ids = [...new Set(basket)].map((i) => index.get(i)).filter((k): k is number => k !== undefined);
    for (const a of ids) for (const b of ids) counts[a * n + b]! += 1;
  }
  return { items, counts };
}

/** Inverse of a symmetric positive-definite n×n matrix (row-major) by Cholesky; inner loops run over contiguous memory. */
export function invertSpd(A: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j]!;
    for (let k = 0; k < j; k++) d -= L[rj + k]! * L[rj + k]!;
    if (!(d > 0)) throw new Error("invertSpd: matrix is not positive definite");
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      L[ri + j] = s / ljj;
    }
  }
  // L⁻¹ kept transposed (T[j][k] = (L⁻¹)[k][j]); then A⁻¹ = L⁻ᵀ L⁻¹.
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const lii = L[ri + i]!;
    T[ri + i] = 1 / lii;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = j; k < i; k++) s += L[ri + k]! * T[rj + k]!;
      T[rj + i] = -s / lii;
    }
  }
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += T[ri + k]! * T[rj + k]!;
      inverse[ri + j] = s;
      inverse[rj + i] = s;
    }
  }
  return inverse;
}

/** EASE weights for a Gram matrix: B (n×n, row-major, zero diagonal). */
export function easeWeights(gram: Gram, lambda: number): Float64Array {
  const n = gram.items.length;
  const A = Float64Array.from(gram.counts);
  for (let i = 0; i < n; i++) A[i * n + i]! += lambda;
  const P = invertSpd(A, n);
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) B[i * n + j] = -P[i * n + j]! / P[j * n + j]!;
  return B;
}

/** Each item's top `limit` positive EASE weights, best first, with the orders the pair shares (for the reason). */
export function easeNeighbourLists(gram: Gram, lambda: number, limit: number): Map<string, Neighbour[]> {
  const n = gram.items.length;
  const B = easeWeights(gram, lambda);
  const lists = new Map<string, Neighbour[]>();
  for (let i = 0; i < n; i++) {
    const row: Neighbour[] = [];
    for (let j = 0; j < n; j++) {
      const w = B[i * n + j]!;
      if (w > 0) row.push({ itemId: gram.items[j]!, score: w, together: gram.counts[i * n + j]! });
    }
    row.sort((a, b) => b.score - a.score || b.together - a.together || (a.itemId < b.itemId ? -1 : 1));
    lists.set(gram.items[i]!, row.slice(0, limit));
  }
  return lists;
}
