import { seededRandom, shuffle } from "../shared/random";
import { CoPurchaseCounts, type Neighbour } from "../../src/modules/recommendations/model/co-purchase";
import { rankCandidates, type RankingParams } from "../../src/modules/recommendations/model/ranking";
import { describeMeasure, type SimilarityMeasure } from "../../src/modules/recommendations/model/similarity";

/**
 * Offline evaluation of the recommender with the code that serves it: leave-one-out on held-out
 * baskets, hit rate and MRR at k, against a most-popular baseline on the same split. Pure, so the
 * CLI (scripts/eval-recs.ts) and a CI test inside workerd run the very same function.
 */

export interface ModelConfig {
  measure: SimilarityMeasure;
  ranking: RankingParams;
}

export interface Metrics {
  hitRate: number;
  mrr: number;
  cases: number;
}

export interface EvaluationReport {
  seed: number;
  k: number;
  baskets: number;
  trainBaskets: number;
  testBaskets: number;
  items: number;
  chosen: ModelConfig;
  chosenDescription: string;
  validation: { candidates: number; best: Metrics; popularity: Metrics; byMeasure: { measure: string; metrics: Metrics }[] };
  test: { model: Metrics; popularity: Metrics; paired: ReturnType<typeof compareHits> };
}

/**
 * One basket per line. A file with any comma is comma-separated (item names may then contain
 * spaces, as "whole milk" does); otherwise items are separated by whitespace.
 */
export function parseBaskets(text: string): string[][] {
  const baskets: string[][] = [];
  const separator = text.includes(",") ? "," : /\s+/;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const items = line.split(separator).map((s) => s.trim()).filter(Boolean);
    const distinct = [...new Set(items)];
    if (distinct.length > 0) baskets.push(distinct);
  }
  return baskets;
}

export function splitBaskets<T>(baskets: readonly T[], testFraction: number, random: () => number): { train: T[]; test: T[] } {
  const shuffled = shuffle(baskets, random);
  const testSize = Math.round(shuffled.length * testFraction);
  return { test: shuffled.slice(0, testSize), train: shuffled.slice(testSize) };
}

export interface HeldOutCase {
  context: string[];
  heldOut: string;
}

/** Hide one item of each basket with at least two items; the rest is what the shopper already has. */
export function holdOutOne(baskets: readonly string[][], random: () => number): HeldOutCase[] {
  const cases: HeldOutCase[] = [];
  for (const basket of baskets) {
    if (basket.length < 2) continue;
    const index = Math.floor(random() * basket.length);
    cases.push({ heldOut: basket[index]!, context: basket.filter((_, i) => i !== index) });
  }
  return cases;
}

export type Recommender = (context: readonly string[], k: number) => string[];

/**
 * Paired comparison on the same cases: how often only A hits, how often only B hits, and the
 * sign-test z score of that difference (|z| > 1.96 is significant at 5%).
 */
export function compareHits(a: Recommender, b: Recommender, cases: readonly HeldOutCase[], k: number) {
  let onlyA = 0;
  let onlyB = 0;
  for (const c of cases) {
    const hitA = a(c.context, k).includes(c.heldOut);
    const hitB = b(c.context, k).includes(c.heldOut);
    if (hitA && !hitB) onlyA += 1;
    if (hitB && !hitA) onlyB += 1;
  }
  const z = onlyA + onlyB === 0 ? 0 : (onlyA - onlyB) / Math.sqrt(onlyA + onlyB);
  return { onlyModel: onlyA, onlyPopularity: onlyB, signTestZ: z };
}

export function score(recommend: Recommender, cases: readonly HeldOutCase[], k: number): Metrics {
  let hits = 0;
  let reciprocal = 0;
  for (const c of cases) {
    const rank = recommend(c.context, k).indexOf(c.heldOut);
    if (rank >= 0 && rank < k) {
      hits += 1;
      reciprocal += 1 / (rank + 1);
    }
  }
  const n = Math.max(1, cases.length);
  return { hitRate: hits / n, mrr: reciprocal / n, cases: cases.length };
}

export function countsOf(baskets: readonly string[][]): CoPurchaseCounts {
  const counts = new CoPurchaseCounts();
  for (const b of baskets) counts.addOrder(b);
  return counts;
}

/** The most-popular baseline: top items by orders, skipping what is already in the basket. */
export function popularityRecommender(counts: CoPurchaseCounts): Recommender {
  const ranked = counts.popular(Number.MAX_SAFE_INTEGER).map((p) => p.itemId);
  return (context, k) => {
    const have = new Set(context);
    const out: string[] = [];
    for (const item of ranked) {
      if (out.length >= k) break;
      if (!have.has(item)) out.push(item);
    }
    return out;
  };
}

/**
 * The served model: neighbour lists truncated to `neighbourLimit` exactly as D1 stores them,
 * ranked by the same `rankCandidates` the Worker calls.
 */
export function modelRecommender(counts: CoPurchaseCounts, config: ModelConfig): Recommender {
  const lists = new Map<string, Neighbour[]>();
  for (const item of counts.itemOrders.keys()) lists.set(item, counts.neighbours(item, config.measure, config.ranking.neighbourLimit));
  const popular = counts.popular(Math.max(config.ranking.popularCandidates, 50));
  return (context, k) =>
    rankCandidates({
      anchors: context,
      neighboursOf: (item) => lists.get(item) ?? [],
      popular,
      exclude: new Set(context),
      params: config.ranking,
      limit: k,
    }).map((r) => r.itemId);
}

/** Candidate configurations searched on the validation split. */
export function configGrid(): ModelConfig[] {
  const measures: SimilarityMeasure[] = [{ kind: "co-occurrence" }, { kind: "lift", shrinkage: 10 }];
  for (const shrinkage of [0, 2, 10]) {
    measures.push({ kind: "jaccard", shrinkage });
    for (const alpha of [0.5, 0.6, 0.7, 0.8, 1]) measures.push({ kind: "asymmetric-cosine", alpha, shrinkage });
  }
  const grid: ModelConfig[] = [];
  for (const measure of measures) {
    for (const popularityWeight of [0, 0.03, 0.1]) {
      for (const locality of [1, 2]) grid.push({ measure, ranking: { neighbourLimit: 30, popularityWeight, popularCandidates: 30, locality } });
    }
  }
  return grid;
}

/** Lexicographic: MRR first (it rewards rank), hit rate to break ties. */
const better = (a: Metrics, b: Metrics) => a.mrr > b.mrr + 1e-12 || (Math.abs(a.mrr - b.mrr) <= 1e-12 && a.hitRate > b.hitRate);

/**
 * Split into train/test (seeded), carve a validation split out of TRAIN only, pick the config that
 * does best there, retrain on all of train and report test figures for it and for popularity.
 */
export function evaluateRecommender(
  baskets: readonly string[][],
  options: { seed?: number; testFraction?: number; validationFraction?: number; k?: number; grid?: ModelConfig[] } = {},
): EvaluationReport {
  const seed = options.seed ?? 42;
  const k = options.k ?? 10;
  const random = seededRandom(seed);
  const { train, test } = splitBaskets(baskets, options.testFraction ?? 0.2, random);
  const testCases = holdOutOne(test, random);

  const validationSplit = splitBaskets(train, options.validationFraction ?? 0.2, seededRandom(seed + 1));
  const validationCases = holdOutOne(validationSplit.test, seededRandom(seed + 2));
  const fitCounts = countsOf(validationSplit.train);
  const grid = options.grid ?? configGrid();

  let chosen = grid[0]!;
  let best: Metrics | null = null;
  const byMeasure = new Map<string, Metrics>();
  for (const config of grid) {
    const metrics = score(modelRecommender(fitCounts, config), validationCases, k);
    const name = describeMeasure(config.measure);
    const previous = byMeasure.get(name);
    if (!previous || better(metrics, previous)) byMeasure.set(name, metrics);
    if (!best || better(metrics, best)) {
      best = metrics;
      chosen = config;
    }
  }

  const trainCounts = countsOf(train);
  const model = modelRecommender(trainCounts, chosen);
  const popularity = popularityRecommender(trainCounts);
  return {
    seed,
    k,
    baskets: baskets.length,
    trainBaskets: train.length,
    testBaskets: test.length,
    items: trainCounts.itemOrders.size,
    chosen,
    chosenDescription: `${describeMeasure(chosen.measure)}, neighbours=${chosen.ranking.neighbourLimit}, popularityWeight=${chosen.ranking.popularityWeight}, locality=${chosen.ranking.locality}`,
    validation: {
      candidates: grid.length,
      best: best!,
      popularity: score(popularityRecommender(fitCounts), validationCases, k),
      byMeasure: [...byMeasure].map(([measure, metrics]) => ({ measure, metrics })).sort((a, b) => b.metrics.mrr - a.metrics.mrr),
    },
    test: {
      model: score(model, testCases, k),
      popularity: score(popularity, testCases, k),
      paired: compareHits(model, popularity, testCases, k),
    },
  };
}
