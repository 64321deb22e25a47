import type { PaymentAttempt, PaymentOperation } from "./schemas";
import type { AttemptRow, OperationRow } from "./service";

/** An attempt as orders show it; the client secret only for the order's customer or guest, while it awaits them. */
export function toPaymentAttempt(a: AttemptRow, ops: readonly OperationRow[], options: { showSecret: boolean }): PaymentAttempt {
  const m = (amount: number) => ({ amount, currency: a.currency });
  const awaiting = a.status === "pending" || a.status === "requires_action";
  return {
    id: a.id,
    provider: a.provider,
    providerReference: a.providerRef,
    status: a.status,
    captureMethod: a.captureMethod,
    amount: m(a.amount),
    authorized: m(a.amountAuthorized),
    captured: m(a.amountCaptured),
    refunded: m(a.amountRefunded),
    clientSecret: options.showSecret && awaiting ? a.clientSecret : null,
    nextAction: a.nextAction,
    lastError: a.lastError,
    disputed: a.disputed,
    operations: ops.filter((o) => o.paymentId === a.id).map(toOperation),
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

export function toOperation(o: OperationRow): PaymentOperation {
  return {
    id: o.id,
    kind: o.kind,
    amount: { amount: o.amount, currency: o.currency },
    reference: o.reference,
    actor: o.actor,
    reason: o.reason,
    lines: o.lines ?? null,
    createdAt: o.createdAt,
  };
}
