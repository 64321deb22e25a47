import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { RiskFeatureName } from "./features";

/** A stored reason: which signal, how it reads, its scaled value and what it added (log-odds). */
export interface StoredRiskReason {
  feature: RiskFeatureName;
  description: string;
  value: number;
  contribution: number;
}

/**
 * The risk assessment of each order, written in the SAME batch as the order (so an order never
 * exists without the assessment that let it in), plus the admin review of held orders: who
 * decided (`admin:<keyId>`), when, and what. Keyed by order id; one assessment per order.
 */
export const riskAssessments = sqliteTable("risk_assessments", {
  orderId: text("order_id").primaryKey(),
  score: integer("score").notNull(),
  level: text("level", { enum: ["low", "medium", "high"] }).notNull(),
  decision: text("decision", { enum: ["approve", "review", "reject"] }).notNull(),
  /** What checkout did with the decision: `enforce` (default) or `shadow` (recorded, not acted on). */
  mode: text("mode", { enum: ["enforce", "shadow"] }).notNull(),
  reasons: text("reasons", { mode: "json" }).$type<StoredRiskReason[]>().notNull(),
  modelVersion: text("model_version").notNull(),
  assessedAt: text("assessed_at").notNull(),
  reviewOutcome: text("review_outcome", { enum: ["approved", "cancelled"] }),
  reviewedBy: text("reviewed_by"),
  reviewedAt: text("reviewed_at"),
});
