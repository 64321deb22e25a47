/**
 * How strongly buying `i` predicts buying `j`, from order counts alone. Raw co-occurrence favours
 * best-sellers (milk is "bought with" everything); each measure below divides that popularity out
 * to a different degree. The evaluator compares them on a validation split (docs/intelligence.md).
 */
export type SimilarityMeasure =
  /** c_ij / (c_i^alpha * c_j^(1-alpha)): alpha 1 is P(j|i), 0.5 is cosine, lower punishes popular j harder. */
  | { kind: "asymmetric-cosine"; alpha: number; shrinkage: number }
  /** c_ij / (c_i + c_j - c_ij). */
  | { kind: "jaccard"; shrinkage: number }
  /** P(i and j) / (P(i) P(j)): > 1 means bought together more often than chance. */
  | { kind: "lift"; shrinkage: number }
  /** Raw co-occurrence count: the unnormalised baseline that best-sellers drown. */
  | { kind: "co-occurrence" };

export interface PairCounts {
  /** Orders containing both items. */
  together: number;
  /** Orders containing the anchor item i. */
  anchor: number;
  /** Orders containing the candidate item j. */
  candidate: number;
  /** All orders counted. */
  orders: number;
}

export function similarity(measure: SimilarityMeasure, c: PairCounts): number {
  if (c.together <= 0 || c.anchor <= 0 || c.candidate <= 0) return 0;
  // Shrinkage damps pairs seen in only a handful of orders, whose ratios are mostly noise.
  const damp = (lambda: number) => c.together / (c.together + lambda);
  switch (measure.kind) {
    case "co-occurrence":
      return c.together;
    case "asymmetric-cosine":
      return (c.together / (c.anchor ** measure.alpha * c.candidate ** (1 - measure.alpha))) * damp(measure.shrinkage);
    case "jaccard":
      return (c.together / (c.anchor + c.candidate - c.together)) * damp(measure.shrinkage);
    case "lift":
      return ((c.together * Math.max(1, c.orders)) / (c.anchor * c.candidate)) * damp(measure.shrinkage);
  }
}

export function describeMeasure(measure: SimilarityMeasure): string {
  switch (measure.kind) {
    case "co-occurrence":
      return "co-occurrence";
    case "asymmetric-cosine":
      return `asymmetric-cosine(alpha=${measure.alpha}, shrinkage=${measure.shrinkage})`;
    case "jaccard":
      return `jaccard(shrinkage=${measure.shrinkage})`;
    case "lift":
      return `lift(shrinkage=${measure.shrinkage})`;
  }
}
