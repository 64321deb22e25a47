/**
 * The risk model file: JSON written by `npm run train:risk` (eval/risk/train.ts) and bundled with
 * the Worker (model.json, a few KB). It holds the logistic weights (learned from labelled data, or
 * prior weights for signals the data cannot teach), the decision thresholds chosen on validation,
 * the feature spec it was trained on and where its data came from. Parsed and checked on first use.
 */
import { z } from "@hono/zod-openapi";
import bundled from "./model.json";
import { FEATURE_SPEC, featureNames, type RiskFeatureName } from "./features";

const Probability = z.number().gt(0).lt(1);

export const RiskModelFile = z
  .object({
    format: z.literal("edgeshop-risk-model/1"),
    version: z.string().min(1).max(100),
    featureSpec: z.string(),
    intercept: z.number().finite(),
    weights: z.record(z.string(), z.object({ weight: z.number().finite(), source: z.enum(["learned", "prior"]) })),
    thresholds: z.object({ review: Probability, reject: Probability }),
    priorScale: z.number().finite().positive(),
    training: z.record(z.string(), z.unknown()),
  })
  .superRefine((m, ctx) => {
    if (m.featureSpec !== FEATURE_SPEC) ctx.addIssue({ code: "custom", path: ["featureSpec"], message: `trained on ${m.featureSpec}, this code computes ${FEATURE_SPEC}` });
    for (const name of featureNames) if (!m.weights[name]) ctx.addIssue({ code: "custom", path: ["weights", name], message: "missing" });
    for (const name of Object.keys(m.weights)) if (!(featureNames as readonly string[]).includes(name)) ctx.addIssue({ code: "custom", path: ["weights", name], message: "not a feature" });
    if (m.thresholds.reject < m.thresholds.review) ctx.addIssue({ code: "custom", path: ["thresholds", "reject"], message: "reject is below review" });
  });
export type RiskModelFile = z.infer<typeof RiskModelFile>;

export interface RiskModel {
  version: string;
  intercept: number;
  weights: Record<RiskFeatureName, number>;
  sources: Record<RiskFeatureName, "learned" | "prior">;
  thresholds: { review: number; reject: number };
}

/** Check a model file and turn it into what the scorer needs; throws with the zod issues if it does not fit this code. */
export function parseRiskModel(json: unknown): RiskModel {
  const file = RiskModelFile.parse(json);
  const pick = <T>(f: (w: { weight: number; source: "learned" | "prior" }) => T) =>
    Object.fromEntries(featureNames.map((n) => [n, f(file.weights[n]!)])) as Record<RiskFeatureName, T>;
  return { version: file.version, intercept: file.intercept, weights: pick((w) => w.weight), sources: pick((w) => w.source), thresholds: file.thresholds };
}

let cached: RiskModel | undefined;
/** The bundled model (src/modules/risk/model.json), parsed once per isolate on first use. */
export function riskModel(): RiskModel {
  return (cached ??= parseRiskModel(bundled));
}
