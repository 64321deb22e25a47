import { featureDescriptions, riskConfig, type RiskConfig, type RiskFeatureName } from "./config";

export type RiskFeatures = Record<RiskFeatureName, number>;
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
  /** Raw probability before rounding to the 0-100 score. */
  probability: number;
}

/** Pure: the same features and config always give the same assessment. */
export function assessRisk(features: RiskFeatures, config: RiskConfig = riskConfig): RiskAssessment {
  let z = config.intercept;
  const reasons: RiskReason[] = [];
  for (const name of Object.keys(config.weights) as RiskFeatureName[]) {
    const value = features[name] ?? 0;
    const contribution = config.weights[name] * value;
    z += contribution;
    if (contribution > 0) reasons.push({ feature: name, description: featureDescriptions[name], value: round(value), contribution: round(contribution) });
  }
  const probability = 1 / (1 + Math.exp(-z));
  const score = Math.round(100 * probability);
  reasons.sort((a, b) => b.contribution - a.contribution || (a.feature < b.feature ? -1 : 1));
  return {
    score,
    level: score >= config.levels.high ? "high" : score >= config.levels.medium ? "medium" : "low",
    decision: score >= config.thresholds.reject ? "reject" : score >= config.thresholds.review ? "review" : "approve",
    reasons: reasons.slice(0, 5),
    modelVersion: config.version,
    probability,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Every feature at 0: the starting point for building features. */
export function noRiskFeatures(): RiskFeatures {
  return Object.fromEntries(Object.keys(riskConfig.weights).map((k) => [k, 0])) as RiskFeatures;
}
