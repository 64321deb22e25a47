import type { RankingParams } from "./ranking";
import type { SimilarityMeasure } from "./similarity";

/**
 * A servable model: every product gets one neighbour list (rec_neighbours), and serving sums the
 * lists of the anchors (rankCandidates). Lists come from item-kNN under `measure`; with `ease`, the
 * `maxItems` most-bought products get EASE weights instead (blended with their kNN list when
 * `weight` < 1), and the long tail keeps kNN lists.
 */
export interface ModelConfig {
  measure: SimilarityMeasure;
  ranking: RankingParams;
  ease?: { lambda: number; maxItems: number; weight: number };
}

/**
 * The served model, chosen on validation splits carved out of the training baskets of
 * groceries.csv (docs/intelligence.md: command, figures per seed and data set). Changing it
 * changes what `rec_neighbours` holds: bump the version; the nightly rebuild rewrites every list.
 */
export const recommendationModel: ModelConfig & { version: string } = {
  version: "recs-2026-12-ease-l200-p005",
  measure: { kind: "asymmetric-cosine", alpha: 0.7, shrinkage: 10 },
  ranking: { neighbourLimit: 50, popularityWeight: 0.05, popularCandidates: 30, locality: 1 },
  ease: { lambda: 200, maxItems: 1000, weight: 1 },
};
