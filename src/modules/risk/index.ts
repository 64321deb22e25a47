// The risk module's public surface (checkout calls scoreCheckout; orders store and show assessments).
export { scoreCheckout, riskMode, riskRejected } from "./service";
export { assessRisk, type RiskAssessment, type RiskDecision, type RiskLevel, type RiskReason, type RiskFeatures } from "./scorer";
export { collectRiskSignals, CheckoutRiskInput } from "./signals";
export { riskModel, parseRiskModel, type RiskModel } from "./model";
export { RiskCounterObject } from "./risk-counter-object";
export { assessmentInsert, assessmentsForOrders, reviewStatement, type RiskMode } from "./assessments";
export { OrderRisk } from "./schemas";
