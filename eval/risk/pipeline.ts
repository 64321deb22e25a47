/**
 * Train and measure the risk model on labelled checkouts: replay them in time order through the
 * SAME velocity summaries and feature code as the Worker (MemoryVelocity has RiskCounterObject's
 * semantics), split by time, fit a regularised logistic regression on the learnable features,
 * choose thresholds on validation, report on test.
 */
import { FEATURE_SPEC, deriveFeatures, featureNames, velocityEvents, type RiskFeatureName, type RiskFeatures } from "../../src/modules/risk/features";
import { priorScale as priorBase, priorWeights } from "../../src/modules/risk/config";
import type { RiskModelFile } from "../../src/modules/risk/model";
import { MemoryVelocity, type VelocityEvent } from "../../src/modules/risk/velocity";
import { checkoutOf, type FraudRow } from "./fraud-data";
import { fitNonNegative } from "./logistic";
import { atThreshold, brier, logLoss, prAuc, reliability, rocAuc, thresholdFor, type Scored } from "./metrics";

export interface Example {
  at: number;
  fraud: boolean;
  features: RiskFeatures;
}

/** Every row as a checkout, in purchase-time order; each sees only the checkouts before it. */
export async function featureStream(rows: readonly FraudRow[]): Promise<Example[]> {
  const ordered = [...rows].sort((a, b) => a.purchaseAt - b.purchaseAt);
  const velocity = new MemoryVelocity();
  const record = (e: { key: string; event: VelocityEvent } | null) => (e ? velocity.record(e.key, e.event) : null);
  const out: Example[] = [];
  for (const row of ordered) {
    const input = checkoutOf(row);
    const events = await velocityEvents(input, row.purchaseAt);
    const observations = { ip: record(events.ip), email: record(events.email)!, customer: record(events.customer), address: record(events.address), device: record(events.device) };
    out.push({ at: row.purchaseAt, fraud: row.fraud, features: deriveFeatures(input, observations, row.purchaseAt) });
  }
  return out;
}

/** The features a labelled first-purchase table can teach: time since sign-up and device reuse. */
export const learnableFeatures: readonly RiskFeatureName[] = ["accountUnder2m", "accountUnder1h", "accountUnder1d", "accountUnder7d", "deviceAccounts", "deviceVelocity"];

export type SplitName = "forward" | "day-blocks";
export const splitDescriptions: Record<SplitName, string> = {
  forward: "forward: first 60% of checkouts by time train, next 20% validation, last 20% test",
  "day-blocks": "day-blocks: whole calendar days (days since the first checkout, mod 10): 0-5 train, 6-7 validation, 8-9 test",
};

export interface Parts {
  train: number[];
  validation: number[];
  test: number[];
}

export function split(examples: readonly Example[], name: SplitName): Parts {
  const parts: Parts = { train: [], validation: [], test: [] };
  const t0 = examples[0]?.at ?? 0;
  examples.forEach((e, i) => {
    const position = name === "forward" ? i / examples.length : (Math.floor((e.at - t0) / 86_400_000) % 10) / 10;
    parts[position < 0.6 ? "train" : position < 0.8 ? "validation" : "test"].push(i);
  });
  return parts;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(p / (1 - p));
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Score examples with a model's weights (all features: priors are 0 on data that lacks them). */
export function scoreWith(model: { intercept: number; weights: Record<RiskFeatureName, number> }, examples: readonly Example[], idx: readonly number[]): Scored[] {
  return idx.map((i) => {
    let z = model.intercept;
    for (const name of featureNames) z += model.weights[name] * examples[i]!.features[name];
    return { p: sigmoid(z), fraud: examples[i]!.fraud };
  });
}

export interface PartReport {
  rows: number;
  fraud: number;
  rocAuc: number;
  prAuc: number;
  brier: number;
  review: ReturnType<typeof atThreshold> | null;
  reject: ReturnType<typeof atThreshold> | null;
}

export function partReport(scored: readonly Scored[], thresholds: { review: number | null; reject: number | null }): PartReport {
  return {
    rows: scored.length,
    fraud: scored.filter((s) => s.fraud).length,
    rocAuc: rocAuc(scored),
    prAuc: prAuc(scored),
    brier: brier(scored),
    review: thresholds.review === null ? null : atThreshold(scored, thresholds.review),
    reject: thresholds.reject === null ? null : atThreshold(scored, thresholds.reject),
  };
}

export interface Trained {
  split: SplitName;
  lambda: number;
  dropped: RiskFeatureName[];
  intercept: number;
  weights: Record<RiskFeatureName, number>;
  thresholds: { review: number | null; reject: number | null };
  validation: PartReport;
  test: PartReport;
  reliability: ReturnType<typeof reliability>;
}

export const targets = { review: 0.3, reject: 0.9 } as const;
const lambdas = [0.01, 0.1, 1, 10, 100];

/** Fit on train (lambda by validation log-loss), thresholds on validation, report on test. */
export function train(examples: readonly Example[], splitName: SplitName): Trained {
  const parts = split(examples, splitName);
  const X = (idx: number[]) => idx.map((i) => learnableFeatures.map((f) => examples[i]!.features[f]));
  const y = (idx: number[]) => idx.map((i) => examples[i]!.fraud);
  let best: { lambda: number; fit: ReturnType<typeof fitNonNegative>; loss: number } | null = null;
  for (const lambda of lambdas) {
    const fit = fitNonNegative(X(parts.train), y(parts.train), lambda);
    const weights = weightsOf(fit.fit.weights);
    const loss = logLoss(scoreWith({ intercept: fit.fit.intercept, weights }, examples, parts.validation));
    if (!best || loss < best.loss) best = { lambda, fit, loss };
  }
  const weights = weightsOf(best!.fit.fit.weights);
  const model = { intercept: best!.fit.fit.intercept, weights };
  const validation = scoreWith(model, examples, parts.validation);
  const test = scoreWith(model, examples, parts.test);
  const thresholds = { review: thresholdFor(validation, targets.review), reject: thresholdFor(validation, targets.reject) };
  return {
    split: splitName,
    lambda: best!.lambda,
    dropped: best!.fit.dropped.map((j) => learnableFeatures[j]!),
    ...model,
    thresholds,
    validation: partReport(validation, thresholds),
    test: partReport(test, thresholds),
    reliability: reliability(test),
  };
}

function weightsOf(learned: readonly number[]): Record<RiskFeatureName, number> {
  const w = Object.fromEntries(featureNames.map((n) => [n, 0])) as Record<RiskFeatureName, number>;
  learnableFeatures.forEach((n, k) => (w[n] = learned[k]!));
  return w;
}

/**
 * The model file for a training run. Prior weights are rescaled so that each keeps its share of
 * the gap between the base rate and the review boundary: priorScale = (logit(review) - intercept)
 * / (logit(0.35) - (-4.2)), the scale they were written on.
 */
export function modelFile(t: Trained, provenance: Record<string, unknown>): RiskModelFile {
  const review = t.thresholds.review ?? 0.99;
  const reject = Math.max(review, t.thresholds.reject ?? 0.99);
  const scale = (logit(review) - t.intercept) / (logit(priorBase.review) - priorBase.intercept);
  const weights: RiskModelFile["weights"] = {};
  for (const name of featureNames) {
    weights[name] = learnableFeatures.includes(name)
      ? { weight: round(t.weights[name]), source: "learned" }
      : { weight: round((priorWeights[name] ?? 0) * scale), source: "prior" };
  }
  const version = `risk-lr-${new Date().toISOString().slice(0, 10)}-${fingerprint(JSON.stringify([t.intercept, t.weights, review, reject]))}`;
  const part = (r: PartReport) => ({
    rows: r.rows,
    fraud: r.fraud,
    rocAuc: round(r.rocAuc),
    prAuc: round(r.prAuc),
    brier: round(r.brier),
    review: r.review && { threshold: r.review.threshold, flagged: r.review.flagged, precision: round(r.review.precision), recall: round(r.review.recall) },
    reject: r.reject && { threshold: r.reject.threshold, flagged: r.reject.flagged, precision: round(r.reject.precision), recall: round(r.reject.recall) },
  });
  return {
    format: "edgeshop-risk-model/1",
    version,
    featureSpec: FEATURE_SPEC,
    intercept: round(t.intercept),
    weights,
    thresholds: { review, reject },
    priorScale: round(scale),
    training: {
      ...provenance,
      split: splitDescriptions[t.split],
      method: "L2 logistic regression (Newton/IRLS), lambda by validation log-loss, negative weights dropped and refit",
      lambda: t.lambda,
      learned: learnableFeatures,
      droppedForNegativeWeight: t.dropped,
      targets,
      thresholdRule: "lowest of 0.1..0.99 where validation precision and the probability itself reach the target",
      validation: part(t.validation),
      test: part(t.test),
      reliability: t.reliability.map((b) => ({ ...b, meanPredicted: round(b.meanPredicted), observed: round(b.observed) })),
    },
  };
}

/** FNV-1a, hex: a short content fingerprint for the model version. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}
