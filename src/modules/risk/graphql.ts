import { builder } from "../../graphql/builder";
import type { OrderRisk } from "./schemas";

type Reason = OrderRisk["reasons"][number];
type Review = NonNullable<OrderRisk["review"]>;

const RiskLevelEnum = builder.enumType("RiskLevel", {
  values: { LOW: { value: "low" }, MEDIUM: { value: "medium" }, HIGH: { value: "high" } } as const,
});

const RiskDecisionEnum = builder.enumType("RiskDecision", {
  values: {
    APPROVE: { value: "approve", description: "Placed right away." },
    REVIEW: { value: "review", description: "Placed ON_HOLD until an admin approves or cancels it." },
    REJECT: { value: "reject", description: "Checkout refused (only seen on orders scored in shadow mode)." },
  } as const,
});

const RiskModeEnum = builder.enumType("RiskMode", {
  values: {
    ENFORCE: { value: "enforce", description: "The decision was acted on." },
    SHADOW: { value: "shadow", description: "RISK_MODE=shadow: recorded, not acted on." },
  } as const,
});

const RiskReviewOutcomeEnum = builder.enumType("RiskReviewOutcome", {
  values: { APPROVED: { value: "approved" }, CANCELLED: { value: "cancelled" } } as const,
});

const RiskReasonRef = builder.objectRef<Reason>("RiskReason").implement({
  description: "A signal that raised the risk score.",
  fields: (t) => ({
    feature: t.exposeString("feature", { description: "The signal, e.g. disposableEmail (a weight name of the versioned configuration)." }),
    description: t.exposeString("description"),
    value: t.exposeFloat("value", { description: "Scaled value (1 = clearly present)." }),
    contribution: t.exposeFloat("contribution", { description: "weight x value in log-odds." }),
  }),
});

const RiskReviewRef = builder.objectRef<Review>("RiskReview").implement({
  description: "An admin's decision on an order held for review.",
  fields: (t) => ({
    outcome: t.field({ type: RiskReviewOutcomeEnum, resolve: (r) => r.outcome }),
    by: t.exposeString("by", { description: "`admin:<API key id>`." }),
    at: t.exposeString("at"),
  }),
});

export const OrderRiskRef = builder.objectRef<OrderRisk>("OrderRisk").implement({
  description: "The fraud assessment made at checkout before the order was written (as Shopify's order risk). Admins only.",
  fields: (t) => ({
    score: t.exposeInt("score", { description: "0-100." }),
    level: t.field({ type: RiskLevelEnum, resolve: (r) => r.level }),
    decision: t.field({ type: RiskDecisionEnum, resolve: (r) => r.decision }),
    mode: t.field({ type: RiskModeEnum, resolve: (r) => r.mode }),
    reasons: t.field({ type: [RiskReasonRef], description: "Largest contribution first, at most five.", resolve: (r) => r.reasons }),
    modelVersion: t.exposeString("modelVersion"),
    assessedAt: t.exposeString("assessedAt"),
    review: t.field({ type: RiskReviewRef, nullable: true, description: "Null until an admin approves or cancels a held order.", resolve: (r) => r.review }),
  }),
});
