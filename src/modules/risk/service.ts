import type { ServiceContext } from "../../context";
import { ServiceError } from "../../shared/errors";
import { parseInput } from "../../shared/validation";
import { riskConfig } from "./config";
import { assessRisk, type RiskAssessment } from "./scorer";
import { CheckoutRiskInput, collectRiskSignals } from "./signals";

/**
 * Score a checkout before anything is written. Checkout (feat/orders) acts on `decision`:
 * approve -> place the order; review -> place it on hold for an admin; reject -> fail with
 * RISK_REJECTED and write nothing. Recording the attempt in the velocity counters is part of
 * scoring: card testing is a burst of attempts, placed or not.
 */
export async function scoreCheckout(ctx: ServiceContext, rawInput: CheckoutRiskInput): Promise<RiskAssessment> {
  const input = parseInput(CheckoutRiskInput, rawInput);
  const { features } = await collectRiskSignals(ctx.env, input);
  return assessRisk(features, riskConfig);
}

/** The error checkout throws on a reject: problem type .../risk-rejected, nothing written. */
export function riskRejected(assessment: RiskAssessment): ServiceError {
  return new ServiceError("RISK_REJECTED", "This order cannot be placed. Contact support if you think this is a mistake.", {
    // Only the score and version: listing the reasons would teach fraudsters which signals to avoid.
    extra: { riskScore: assessment.score, riskModelVersion: assessment.modelVersion },
  });
}
