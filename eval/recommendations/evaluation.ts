import { seededRandom, shuffle } from "../shared/random";
import { CoPurchaseCounts, type Neighbour } from "../../src/modules/recommendations/model/co-purchase";
import { rankCandidates } from "../../src/modules/recommendations/model/ranking";
import { describeMeasure, type SimilarityMeasure } from "../../src/modules/recommendations/model/similarity";
import type { ModelConfig } from "../../src/modules/recommendations/model/config";
import { easeNeighbourLists, gramOf } from "../../src/modules/recommendations/model/ease";
import { servedLists } from "../../src/modules/recommendations/model/lists";

export type { ModelConfig } from "../../src/modules/recommendations/model/config";

/**
 * Offline evaluation of the recommender with the code that serves it: leave-one-out on held-out
 * baskets, hit rate and MRR at k, against a most-popular baseline on the same split. Pure, so the
 * CLI (scripts/eval-recs.ts) and a CI test inside workerd run the very same function.
 */

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
  test: {
    model: Metrics;
    popularity: Metrics;
    paired: ReturnType<typeof compareHits>;
    /** The configuration the Worker serves (recommendationModel), retrained on this train split. */
    served: Metrics | null;
    beyond: { model: ReturnType<typeof beyondAccuracy>; popularity: ReturnType<typeof beyondAccuracy> };
  };
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
 * Lists of one training set, memoised: kNN lists per measure, EASE lists per (lambda, maxItems).
 * EASE needs the baskets (its Gram matrix); kNN needs only the counts.
 */
export class TrainingSet {
  readonly counts: CoPurchaseCounts;
  private readonly knn = new Map<string, Map<string, Neighbour[]>>();
  private readonly ease = new Map<string, Map<string, Neighbour[]>>();
  constructor(readonly baskets: readonly string[][]) {
    this.counts = countsOf(baskets);
  }
  knnLists(measure: SimilarityMeasure, limit: number): Map<string, Neighbour[]> {
    const key = `${describeMeasure(measure)}|${limit}`;
    let lists = this.knn.get(key);
    if (!lists) {
      lists = new Map();
      for (const item of this.counts.itemOrders.keys()) lists.set(item, this.counts.neighbours(item, measure, limit));
      this.knn.set(key, lists);
    }
    return lists;
  }
  easeLists(lambda: number, maxItems: number, limit: number): Map<string, Neighbour[]> {
    const key = `${lambda}|${maxItems}|${limit}`;
    let lists = this.ease.get(key);
    if (!lists) {
      const items = this.counts.popular(maxItems).map((p) => p.itemId);
      this.ease.set(key, (lists = easeNeighbourLists(gramOf(this.baskets, items), lambda, limit)));
    }
    return lists;
  }
  /** What rec_neighbours would hold under `config` (the nightly rebuild computes the same). */
  lists(config: ModelConfig): Map<string, Neighbour[]> {
    const limit = config.ranking.neighbourLimit;
    const knn = this.knnLists(config.measure, limit);
    if (!config.ease) return knn;
    return servedLists(this.easeLists(config.ease.lambda, config.ease.maxItems, limit), knn, config.ease.weight, limit);
  }
}

/**
 * The served model: neighbour lists truncated to `neighbourLimit` exactly as D1 stores them,
 * ranked by the same `rankCandidates` the Worker calls.
 */
export function modelRecommender(training: TrainingSet | CoPurchaseCounts, config: ModelConfig): Recommender {
  const set = training instanceof TrainingSet ? training : null;
  const counts = set ? set.counts : (training as CoPurchaseCounts);
  let lists: Map<string, Neighbour[]>;
  if (set) lists = set.lists(config);
  else {
    if (config.ease) throw new Error("EASE needs the training baskets: pass a TrainingSet");
    lists = new Map();
    for (const item of counts.itemOrders.keys()) lists.set(item, counts.neighbours(item, config.measure, config.ranking.neighbourLimit));
  }
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

/** Candidate configurations searched on the validation split: the item-kNN family (as before), EASE, and blends. */
export function configGrid(options: { ease?: boolean; maxItems?: number } = {}): ModelConfig[] {
  const measures: SimilarityMeasure[] = [{ kind: "co-occurrence" }, { kind: "lift", shrinkage: 10 }];
  for (const shrinkage of [0, 2, 10]) {
    measures.push({ kind: "jaccard", shrinkage });
    for (const alpha of [0.5, 0.6, 0.7, 0.8, 1]) measures.push({ kind: "asymmetric-cosine", alpha, shrinkage });
  }
  const grid: ModelConfig[] = [];
  for (const measure of measures) {
    for (const popularityWeight of [0, 0.03, 0.1]) {
      for (const locality of [1, 2]) grid.push({ measure, ranking: { neighbourLimit: 50, popularityWeight, popularCandidates: 30, locality } });
    }
  }
  if (options.ease === false) return grid;
  const maxItems = options.maxItems ?? 1000;
  const fallback: SimilarityMeasure = { kind: "asymmetric-cosine", alpha: 0.7, shrinkage: 10 };
  for (const lambda of [10, 50, 200, 1000, 5000]) {
    for (const weight of [1, 0.75, 0.5]) {
      for (const popularityWeight of [0, 0.02, 0.05, 0.1]) {
        grid.push({ measure: fallback, ranking: { neighbourLimit: 50, popularityWeight, popularCandidates: 30, locality: 1 }, ease: { lambda, maxItems, weight } });
      }
    }
  }
  return grid;
}

export function describeConfig(c: ModelConfig): string {
  const ranking = `neighbours=${c.ranking.neighbourLimit}, popularityWeight=${c.ranking.popularityWeight}, locality=${c.ranking.locality}`;
  if (!c.ease) return `item-kNN ${describeMeasure(c.measure)}, ${ranking}`;
  const blend = c.ease.weight < 1 ? ` blended ${c.ease.weight}/${Math.round((1 - c.ease.weight) * 100) / 100} with kNN ${describeMeasure(c.measure)}` : "";
  return `EASE(lambda=${c.ease.lambda}, top ${c.ease.maxItems} items)${blend}, kNN ${describeMeasure(c.measure)} for the rest, ${ranking}`;
}

/** Coverage, diversity and novelty of the top-k lists over the cases (beside accuracy). */
export function beyondAccuracy(rec: Recommender, cases: readonly HeldOutCase[], counts: CoPurchaseCounts, k: number) {
  const shown = new Set<string>();
  let novelty = 0;
  let entries = 0;
  let diversity = 0;
  let lists = 0;
  const orders = Math.max(1, counts.orders);
  const cosine = (a: string, b: string) => {
    const together = counts.together.get(a)?.get(b) ?? 0;
    return together / Math.sqrt((counts.itemOrders.get(a) ?? 1) * (counts.itemOrders.get(b) ?? 1));
  };
  for (const c of cases) {
    const r = rec(c.context, k);
    for (const item of r) {
      shown.add(item);
      novelty += -Math.log2((counts.itemOrders.get(item) ?? 1) / orders);
      entries++;
    }
    let pairs = 0;
    let dissimilarity = 0;
    for (let i = 0; i < r.length; i++)
      for (let j = i + 1; j < r.length; j++) {
        dissimilarity += 1 - cosine(r[i]!, r[j]!);
        pairs++;
      }
    if (pairs > 0) {
      diversity += dissimilarity / pairs;
      lists++;
    }
  }
  return {
    /** Share of the catalogue (items in train) recommended at least once. */
    coverage: shown.size / Math.max(1, counts.itemOrders.size),
    /** Mean over lists of 1 - mean pairwise co-purchase cosine: 1 = items never bought together. */
    diversity: lists ? diversity / lists : 0,
    /** Mean self-information of a recommended item, -log2(share of orders with it), in bits. */
    novelty: entries ? novelty / entries : 0,
  };
}

/** Both goals at once: log HR + log MRR, i.e. the product of the two ratios to any fixed baseline. */
const objective = (m: Metrics) => Math.log(Math.max(1e-9, m.hitRate)) + Math.log(Math.max(1e-9, m.mrr));
const better = (a: Metrics, b: Metrics) => objective(a) > objective(b) + 1e-12;

/**
 * Split into train/test (seeded), carve a validation split out of TRAIN only, pick the config that
 * does best there, retrain on all of train and report test figures for it and for popularity.
 */
export function evaluateRecommender(
  baskets: readonly string[][],
  options: { seed?: number; testFraction?: number; validationFraction?: number; k?: number; grid?: ModelConfig[]; served?: ModelConfig } = {},
): EvaluationReport {
  const seed = options.seed ?? 42;
  const k = options.k ?? 10;
  const random = seededRandom(seed);
  const { train, test } = splitBaskets(baskets, options.testFraction ?? 0.2, random);
  const testCases = holdOutOne(test, random);

  const validationSplit = splitBaskets(train, options.validationFraction ?? 0.2, seededRandom(seed + 1));
  const validationCases = holdOutOne(validationSplit.test, seededRandom(seed + 2));
  const fit = new TrainingSet(validationSplit.train);
  const fitCounts = fit.counts;
  const grid = options.grid ?? configGrid();

  let chosen = grid[0]!;
  let best: Metrics | null = null;
  const byMeasure = new Map<string, Metrics>();
  for (const config of grid) {
    const metrics = score(modelRecommender(fit, config), validationCases, k);
    const name = config.ease ? `EASE(lambda=${config.ease.lambda})${config.ease.weight < 1 ? ` + kNN, weight ${config.ease.weight}` : ""}` : describeMeasure(config.measure);
    const previous = byMeasure.get(name);
    if (!previous || better(metrics, previous)) byMeasure.set(name, metrics);
    if (!best || better(metrics, best)) {
      best = metrics;
      chosen = config;
    }
  }

  const trainSet = new TrainingSet(train);
  const trainCounts = trainSet.counts;
  const model = modelRecommender(trainSet, chosen);
  const popularity = popularityRecommender(trainCounts);
  const served = options.served ? modelRecommender(trainSet, options.served) : null;
  return {
    seed,
    k,
    baskets: baskets.length,
    trainBaskets: train.length,
    testBaskets: test.length,
    items: trainCounts.itemOrders.size,
    chosen,
    chosenDescription: describeConfig(chosen),
    validation: {
      candidates: grid.length,
      best: best!,
      popularity: score(popularityRecommender(fitCounts), validationCases, k),
      byMeasure: [...byMeasure].map(([measure, metrics]) => ({ measure, metrics })).sort((a, b) => objective(b.metrics) - objective(a.metrics)),
    },
    test: {
      model: score(model, testCases, k),
      popularity: score(popularity, testCases, k),
      paired: compareHits(model, popularity, testCases, k),
      served: served ? score(served, testCases, k) : null,
      beyond: { model: beyondAccuracy(model, testCases, trainCounts, k), popularity: beyondAccuracy(popularity, testCases, trainCounts, k) },
    },
  };
}
