import type { ModelConfig } from "../../../../eval/recommendations/evaluation";

/**
 * The served model, chosen on a validation split carved out of the training baskets of
 * groceries.csv (see docs/intelligence.md for the command and figures). Changing it changes what
 * `rec_neighbours` holds: bump the version and run `rebuildNeighbours` once.
 */
export const recommendationModel: ModelConfig & { version: string } = {
  version: "recs-2025-01-acos07-s10-q2",
  measure: { kind: "asymmetric-cosine", alpha: 0.7, shrinkage: 10 },
  ranking: { neighbourLimit: 30, popularityWeight: 0, popularCandidates: 30, locality: 2 },
};
