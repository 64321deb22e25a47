import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { RiskAssessment } from "./scorer";
import type { OrderRisk } from "./schemas";
import { riskAssessments } from "./tables";

export type RiskMode = "enforce" | "shadow";

/** The insert for an order's assessment, to put in the SAME batch as the order (like eventInsert). */
export function assessmentInsert(db: Database, orderId: string, assessment: RiskAssessment, mode: RiskMode, at: string) {
  return db.insert(riskAssessments).values({
    orderId,
    score: assessment.score,
    level: assessment.level,
    decision: assessment.decision,
    mode,
    reasons: assessment.reasons.map(({ feature, description, value, contribution }) => ({ feature, description, value, contribution })),
    modelVersion: assessment.modelVersion,
    assessedAt: at,
  });
}

/**
 * The admin's decision on a held order, for the batch of the transition that leaves on_hold.
 * Conditional on no earlier review, so the first decision is the one recorded.
 */
export function reviewStatement(db: Database, orderId: string, review: { outcome: "approved" | "cancelled"; by: string; at: string }) {
  return db
    .update(riskAssessments)
    .set({ reviewOutcome: review.outcome, reviewedBy: review.by, reviewedAt: review.at })
    .where(and(eq(riskAssessments.orderId, orderId), isNull(riskAssessments.reviewedAt)));
}

/** Assessments of many orders in one query (a page of orders). */
export async function assessmentsForOrders(db: Database, orderIds: readonly string[]): Promise<Map<string, OrderRisk>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db.select().from(riskAssessments).where(inArray(riskAssessments.orderId, [...orderIds]));
  return new Map(
    rows.map((r) => [
      r.orderId,
      {
        score: r.score,
        level: r.level,
        decision: r.decision,
        mode: r.mode,
        reasons: r.reasons,
        modelVersion: r.modelVersion,
        assessedAt: r.assessedAt,
        review: r.reviewOutcome && r.reviewedBy && r.reviewedAt ? { outcome: r.reviewOutcome, by: r.reviewedBy, at: r.reviewedAt } : null,
      },
    ]),
  );
}
