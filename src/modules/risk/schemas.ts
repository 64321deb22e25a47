import { z } from "@hono/zod-openapi";
import { Timestamp } from "../../shared/schemas";

export const RiskReasonView = z
  .object({
    feature: z.string().openapi({ example: "disposableEmail", description: "The signal (a weight name in the versioned risk configuration)." }),
    description: z.string().openapi({ example: "Disposable email domain" }),
    value: z.number().openapi({ description: "The signal's scaled value (1 = clearly present; log-scaled counts can exceed 1)." }),
    contribution: z.number().openapi({ description: "weight x value in log-odds: what this signal added to the score." }),
  })
  .openapi("RiskReason");

export const RiskReview = z
  .object({
    outcome: z.enum(["approved", "cancelled"]),
    by: z.string().openapi({ example: "admin:key_01jd4x...", description: "Who decided: `admin:<API key id>`." }),
    at: Timestamp,
  })
  .openapi("RiskReview");

export const OrderRisk = z
  .object({
    score: z.number().int().min(0).max(100).openapi({ description: "0-100: round(100 x sigmoid(intercept + sum of contributions))." }),
    level: z.enum(["low", "medium", "high"]),
    decision: z.enum(["approve", "review", "reject"]).openapi({ description: "What the scorer decided. `review` placed the order `on_hold` for an admin." }),
    mode: z.enum(["enforce", "shadow"]).openapi({ description: "`shadow` (RISK_MODE=shadow): the decision was recorded but not acted on." }),
    reasons: z.array(RiskReasonView).openapi({ description: "The signals that raised the score, largest contribution first (at most five)." }),
    modelVersion: z.string().openapi({ example: "risk-2025-01-v1" }),
    assessedAt: Timestamp,
    review: z.union([RiskReview, z.null()]).openapi({ description: "The admin decision on a held order; null until an admin approves or cancels it." }),
  })
  .openapi("OrderRisk", {
    description:
      "The fraud assessment made at checkout, before the order was written. Admins only: null for customers and guests, and for orders placed before risk scoring.",
  });
export type OrderRisk = z.infer<typeof OrderRisk>;
