import type { PaymentStatus } from "../orders";
import type { paymentAttempts } from "./tables";

type AttemptRow = typeof paymentAttempts.$inferSelect;

/**
 * An order's payment status from its attempts (pure; property-tested):
 * - money captured: refunded when all of it went back, partially_refunded when some did, else paid
 *   when it covers the amount due, partially_paid when less was captured (a partial capture);
 * - nothing captured: the newest attempt says authorized, requires_action, voided, failed or pending;
 * - nothing due at all: not_required.
 */
export function derivePaymentStatus(amountDue: number, attempts: readonly Pick<AttemptRow, "status" | "amountCaptured" | "amountRefunded" | "createdAt" | "id">[]): PaymentStatus {
  const captured = attempts.reduce((sum, a) => sum + a.amountCaptured, 0);
  const refunded = attempts.reduce((sum, a) => sum + a.amountRefunded, 0);
  if (captured > 0) {
    if (refunded >= captured) return "refunded";
    if (refunded > 0) return "partially_refunded";
    return captured >= amountDue ? "paid" : "partially_paid";
  }
  if (amountDue === 0) return "not_required";
  const latest = [...attempts].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)).at(-1);
  switch (latest?.status) {
    case "authorized":
      return "authorized";
    case "requires_action":
      return "requires_action";
    case "canceled":
      return "voided";
    case "failed":
      return "failed";
    default:
      return "pending";
  }
}
