// The risk module's public surface (checkout calls scoreCheckout).
export { scoreCheckout } from "./service";
export { assessRisk, type RiskAssessment, type RiskDecision, type RiskLevel, type RiskReason, type RiskFeatures } from "./scorer";
export { collectRiskSignals, CheckoutRiskInput } from "./signals";
export { riskConfig } from "./config";
export { RiskCounterObject } from "./risk-counter-object";
export { riskRejected } from "./service";
