import { featureDescriptions, featureNames, type RiskFeatureName, type RiskFeatures } from "./features";
import { riskModel, type RiskModel } from "./model";

export type { RiskFeatures } from "./features";
export { noRiskFeatures } from "./features";
export type RiskLevel = "low" | "medium" | "high";
export type RiskDecision = "approve" | "review" | "reject";

export interface RiskReason {
  feature: RiskFeatureName;
  description: string;
  /** The feature's value after scaling (0 = absent). */
  value: number;
  /** weight * value, in log-odds: what this signal added to the score. */
  contribution: number;
}

export interface RiskAssessment {
  score: number;
  level: RiskLevel;
  decision: RiskDecision;
  /** Signals that raised the score, largest first (at most five). */
  reasons: RiskReason[];
  modelVersion: string;
  /** The model's fraud probability (score = round(100 * probability)). */
  probability: number;
}

/**
 * Pure: probability = sigmoid(intercept + sum(weight_k * feature_k)); review at probability >=
 * thresholds.review, reject at >= thresholds.reject (chosen on validation, see the model file);
 * the level says the same in words (low < review <= medium < reject <= high). A reject needs at least
 * two signals: a probability over the reject threshold from one signal alone is a review.
 */
export function assessRisk(features: RiskFeatures, model: RiskModel = riskModel()): RiskAssessment {
  let z = model.intercept;
  const reasons: RiskReason[] = [];
  for (const name of featureNames) {
    const value = features[name] ?? 0;
    const contribution = model.weights[name] * value;
    z += contribution;
    if (contribution > 0) reasons.push({ feature: name, description: featureDescriptions[name], value: round(value), contribution: round(contribution) });
  }
  const probability = 1 / (1 + Math.exp(-z));
  reasons.sort((a, b) => b.contribution - a.contribution || (a.feature < b.feature ? -1 : 1));
  // One signal alone never rejects: the strongest learned weight (an account minutes old) comes from
  // bots, but a person who signs up during checkout is just as fast. Alone it sends the order to
  // review, where a human decides; a reject needs a second signal to agree.
  const corroborated = new Set(reasons.map((r) => signalOf(r.feature))).size >= 2;
  const decision: RiskDecision =
    probability >= model.thresholds.reject && corroborated ? "reject" : probability >= model.thresholds.review ? "review" : "approve";
  return {
    score: Math.round(100 * probability),
    level: decision === "reject" ? "high" : decision === "review" ? "medium" : "low",
    decision,
    reasons: reasons.slice(0, 5),
    modelVersion: model.version,
    probability,
  };
}

/** The account-age bands are cumulative (a 30-second-old account is also under an hour): one signal. */
const signalOf = (feature: RiskFeatureName) => (feature.startsWith("accountUnder") ? "accountAge" : feature);

const round = (x: number) => Math.round(x * 1000) / 1000;
