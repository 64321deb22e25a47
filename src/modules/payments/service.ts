import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { actorLabel, requireAdmin, type ServiceContext } from "../../context";
import { isUniqueViolation } from "../../shared/db-errors";
import { ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { parseInput } from "../../shared/validation";
import type { NewEvent } from "../events";
import type { OrderChangePlan, OrderLineRow, OrderRow, PaymentStatus } from "../orders";
import { ordersPort } from "./orders-port";
import { captureMethod, MANUAL, remoteProvider, type ProviderIntent } from "./provider";
import { CaptureInput, RefundInput } from "./schemas";
import { derivePaymentStatus } from "./status";
import { paymentAttempts, paymentOperations, providerEvents, type PaymentOperationKind } from "./tables";

export type AttemptRow = typeof paymentAttempts.$inferSelect;
export type OperationRow = typeof paymentOperations.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Reads

export async function attemptsOf(db: ServiceContext["db"], orderId: string): Promise<AttemptRow[]> {
  return db.select().from(paymentAttempts).where(eq(paymentAttempts.orderId, orderId)).orderBy(asc(paymentAttempts.createdAt), asc(paymentAttempts.id));
}

/** Attempts and operations of many orders at once (order reads). */
export async function paymentsForOrders(db: ServiceContext["db"], orderIds: readonly string[]) {
  const ids = [...orderIds];
  const [attempts, operations] = await Promise.all([
    db.select().from(paymentAttempts).where(inArray(paymentAttempts.orderId, ids)).orderBy(asc(paymentAttempts.createdAt), asc(paymentAttempts.id)),
    db.select().from(paymentOperations).where(inArray(paymentOperations.orderId, ids)).orderBy(asc(paymentOperations.createdAt), asc(paymentOperations.id)),
  ]);
  const group = <T extends { orderId: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) map.set(r.orderId, [...(map.get(r.orderId) ?? []), r]);
    return map;
  };
  return { attempts: group(attempts), operations: group(operations) };
}

const money = (amount: number, currency: string) => ({ amount, currency });

function paymentEvent(type: NewEvent["type"], attempt: AttemptRow, order: OrderRow, amount: number, extra: Record<string, unknown> = {}, after: Partial<AttemptRow> = {}): NewEvent {
  const a = { ...attempt, ...after };
  return {
    type,
    resource: { type: "payment", id: attempt.id },
    data: {
      id: attempt.id,
      orderId: order.id,
      orderNumber: order.number,
      email: order.email,
      provider: attempt.provider,
      status: a.status,
      amount: money(amount, attempt.currency),
      captured: money(a.amountCaptured, attempt.currency),
      refunded: money(a.amountRefunded, attempt.currency),
      ...extra,
    },
  };
}

function operation(attempt: AttemptRow, kind: PaymentOperationKind, amount: number, reference: string, by: string, extra: Partial<OperationRow> = {}): OperationRow {
  return {
    id: newId("paymentOperation"),
    paymentId: attempt.id,
    orderId: attempt.orderId,
    kind,
    amount,
    currency: attempt.currency,
    reference,
    actor: by,
    reason: null,
    lines: null,
    idempotencyKey: null,
    createdAt: new Date().toISOString(),
    ...extra,
  };
}

/**
 * The order's payment status from its attempts, read fresh inside the order's change (after the
 * order row, so a concurrent payment write shows up as a lost race and a re-plan). `pending` folds
 * in writes of this plan that are not committed yet.
 */
async function statusWith(ctx: ServiceContext, order: OrderRow, pending: (attempts: AttemptRow[]) => AttemptRow[] = (a) => a): Promise<PaymentStatus> {
  return derivePaymentStatus(ordersPort().amountDue(order), pending(await attemptsOf(ctx.db, order.id)));
}

/** Bring the order's payment status in line with its attempts (a guarded transition; retried on races). */
export async function syncOrderPayment(ctx: ServiceContext, orderId: string, by: string): Promise<void> {
  await ordersPort().change(ctx, orderId, by, async (order) => {
    if (order.status === "cancelled") return null;
    const paymentStatus = await statusWith(ctx, order);
    return paymentStatus === order.paymentStatus ? null : { change: "payment", paymentStatus };
  }, { retries: 5 });
}

// ---------------------------------------------------------------------------------------------
// Applying what the provider says

/**
 * The writes that bring an attempt in line with the provider's view of it, with one operation and
 * one event per thing that happened. Amounts only grow (SQL max), so a late or repeated report can
 * never take money back off the books. Null when nothing changed.
 */
/** How far an attempt got; a report of an earlier state (a late webhook, a slow read) never moves it back. */
const progress: Record<AttemptRow["status"], number> = { pending: 0, failed: 0, requires_action: 1, authorized: 2, succeeded: 3, canceled: 3 };

function intentWrites(ctx: ServiceContext, order: OrderRow, attempt: AttemptRow, reported: ProviderIntent, by: string, key: string | null) {
  const stale = progress[reported.status] < progress[attempt.status] || (progress[attempt.status] === 3 && reported.status !== attempt.status);
  const intent: ProviderIntent = stale ? { ...reported, status: attempt.status, amountAuthorized: attempt.amountAuthorized, nextAction: attempt.nextAction, lastError: attempt.lastError } : reported;
  const ops: OperationRow[] = [];
  const events: NewEvent[] = [];
  const after: Partial<AttemptRow> = { status: intent.status, amountAuthorized: intent.amountAuthorized, amountCaptured: Math.max(attempt.amountCaptured, intent.amountCaptured) };
  const captured = intent.amountCaptured - attempt.amountCaptured;
  const changed = intent.status !== attempt.status;
  if (captured > 0) {
    ops.push(operation(attempt, "capture", captured, intent.ref, by, { idempotencyKey: key }));
    events.push(paymentEvent("payment.captured", attempt, order, captured, {}, after));
  }
  if (changed && intent.status === "authorized") {
    ops.push(operation(attempt, "authorize", intent.amountAuthorized, intent.ref, by));
    events.push(paymentEvent("payment.authorized", attempt, order, intent.amountAuthorized, {}, after));
  }
  if (changed && intent.status === "requires_action") {
    ops.push(operation(attempt, "requires_action", 0, intent.ref, by, { reason: intent.nextAction }));
    events.push(paymentEvent("payment.requires_action", attempt, order, intent.amount, { nextAction: intent.nextAction }, after));
  }
  if (changed && intent.status === "failed") {
    ops.push(operation(attempt, "fail", 0, intent.ref, by, { reason: intent.lastError }));
    events.push(paymentEvent("payment.failed", attempt, order, intent.amount, { error: intent.lastError }, after));
  }
  if (changed && intent.status === "canceled") {
    ops.push(operation(attempt, "void", attempt.amountAuthorized, intent.ref, by, { idempotencyKey: key }));
    events.push(paymentEvent("payment.voided", attempt, order, attempt.amountAuthorized, {}, after));
  }
  const sameSecret = intent.clientSecret === attempt.clientSecret && intent.nextAction === attempt.nextAction && intent.lastError === attempt.lastError;
  if (!changed && captured <= 0 && intent.amountAuthorized === attempt.amountAuthorized && sameSecret && attempt.providerRef === intent.ref) return null;
  const statements: BatchItem<"sqlite">[] = [
    ctx.db
      .update(paymentAttempts)
      .set({
        providerRef: intent.ref,
        status: intent.status,
        amountAuthorized: intent.amountAuthorized,
        amountCaptured: sql`max(${paymentAttempts.amountCaptured}, ${intent.amountCaptured})`,
        clientSecret: intent.clientSecret ?? attempt.clientSecret,
        nextAction: intent.nextAction,
        lastError: intent.lastError,
        updatedAt: new Date().toISOString(),
      })
      .where(eq(paymentAttempts.id, attempt.id)),
    ...ops.map((op) => ctx.db.insert(paymentOperations).values(op)),
  ];
  const project = (attempts: AttemptRow[]) => attempts.map((a) => (a.id === attempt.id ? { ...a, ...after } : a));
  return { statements, events, project, ops };
}

async function attemptById(ctx: ServiceContext, id: string): Promise<AttemptRow | undefined> {
  return ctx.db.select().from(paymentAttempts).where(eq(paymentAttempts.id, id)).get();
}

/**
 * Record the provider's view of one attempt on the order, as one guarded order transition (the
 * order's version serialises every money write of the order: a lost race re-reads and re-plans,
 * so an operation is never recorded twice). `claim` (a webhook's event id) commits with it.
 */
async function recordIntent(ctx: ServiceContext, attemptId: string, intent: ProviderIntent, by: string, options: { key?: string | null; claim?: { id: string; type: string } } = {}): Promise<void> {
  let applied = false;
  const orderId = (await attemptById(ctx, attemptId))!.orderId;
  await ordersPort().change(
    ctx,
    orderId,
    by,
    async (order) => {
      const attempt = (await attemptById(ctx, attemptId))!;
      const writes = intentWrites(ctx, order, attempt, intent, by, options.key ?? null);
      if (!writes) return null;
      applied = true;
      const paymentStatus = order.status === "cancelled" ? order.paymentStatus : await statusWith(ctx, order, writes.project);
      const plan: OrderChangePlan = {
        change: "payment",
        paymentStatus,
        detail: { paymentId: attempt.id, operations: writes.ops.map((o) => ({ kind: o.kind, amount: o.amount, reference: o.reference })) },
        statements: [...writes.statements, ...(options.claim ? [claimInsert(ctx, options.claim, attempt.id)] : [])],
        events: writes.events,
      };
      return plan;
    },
    { retries: 5 },
  );
  if (!applied && options.claim) await ctx.db.insert(providerEvents).values(claimValues(options.claim, attemptId)).onConflictDoNothing();
}

function claimValues(claim: { id: string; type: string }, paymentId: string | null) {
  return { id: claim.id, provider: "stripe", type: claim.type, paymentId, receivedAt: new Date().toISOString() };
}

function claimInsert(ctx: ServiceContext, claim: { id: string; type: string }, paymentId: string | null) {
  return ctx.db.insert(providerEvents).values(claimValues(claim, paymentId));
}

// ---------------------------------------------------------------------------------------------
// Checkout: a PaymentIntent per order attempt

function newAttempt(order: OrderRow, provider: string, fields: Partial<AttemptRow>): AttemptRow {
  const at = new Date().toISOString();
  return {
    id: newId("payment"),
    orderId: order.id,
    provider,
    providerRef: null,
    status: "pending",
    captureMethod: "automatic",
    currency: order.currency,
    amount: 0,
    amountAuthorized: 0,
    amountCaptured: 0,
    amountRefunded: 0,
    refundPending: 0,
    clientSecret: null,
    nextAction: null,
    lastError: null,
    disputed: false,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}

/**
 * After the order batch: a remote provider's order gets a payment attempt (Stripe: a PaymentIntent
 * for the amount due, `capture_method` from STRIPE_CAPTURE_METHOD). Nothing is due: no attempt, the
 * payment status becomes not_required. A provider failure leaves the order standing with a failed
 * attempt (`lastError`); the storefront starts a new one with `POST /v1/orders/{id}/payment`.
 */
export async function startPayment(ctx: ServiceContext, orderId: string): Promise<void> {
  const port = ordersPort();
  const order = await port.row(ctx.db, orderId);
  const due = port.amountDue(order);
  if (due === 0) return syncOrderPayment(ctx, orderId, "system");
  if (order.paymentProvider === MANUAL) return;
  const attempt = newAttempt(order, order.paymentProvider, { status: "pending", captureMethod: captureMethod(ctx.env), amount: due });
  await ctx.db.insert(paymentAttempts).values(attempt);
  try {
    const provider = await remoteProvider(ctx.env, order.paymentProvider);
    const intent = await provider.createIntent({
      paymentId: attempt.id,
      orderId,
      orderNumber: order.number,
      email: order.email,
      amount: due,
      currency: order.currency,
      captureMethod: attempt.captureMethod,
      idempotencyKey: `edgeshop:create:${attempt.id}`,
    });
    await ctx.db
      .update(paymentAttempts)
      .set({ providerRef: intent.ref, clientSecret: intent.clientSecret, updatedAt: new Date().toISOString() })
      .where(eq(paymentAttempts.id, attempt.id));
    await recordIntent(ctx, attempt.id, intent, `provider:${attempt.provider}`);
    // A new attempt after a failed one: the order's payment status follows the newest attempt.
    await syncOrderPayment(ctx, orderId, `provider:${attempt.provider}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await ctx.db.update(paymentAttempts).set({ status: "failed", lastError: message, updatedAt: new Date().toISOString() }).where(eq(paymentAttempts.id, attempt.id));
    await syncOrderPayment(ctx, orderId, "system");
  }
}

/** The storefront starts a new attempt after a failed or cancelled one (a new PaymentIntent). */
export async function retryPayment(ctx: ServiceContext, orderId: string): Promise<void> {
  const port = ordersPort();
  const order = await port.readable(ctx, orderId);
  if (order.paymentProvider === MANUAL) throw new ServiceError("CONFLICT", "This order is paid manually (bank transfer, invoice): there is nothing to pay online.");
  if (!["pending", "failed", "voided"].includes(order.paymentStatus) || order.status === "cancelled" || order.status === "on_hold") {
    throw new ServiceError("CONFLICT", `The order's payment is ${order.paymentStatus}; a new payment attempt is only possible while it is pending, failed or voided.`);
  }
  const live = (await attemptsOf(ctx.db, orderId)).filter((a) => a.status === "pending" || a.status === "requires_action" || a.status === "authorized");
  if (live.some((a) => a.providerRef !== null)) return;
  await startPayment(ctx, orderId);
}

/** The storefront after confirming (or finishing 3-D Secure): read the PaymentIntent from the provider now, not waiting for the webhook. */
export async function refreshPayment(ctx: ServiceContext, orderId: string): Promise<void> {
  const order = await ordersPort().readable(ctx, orderId);
  const attempt = (await attemptsOf(ctx.db, order.id)).filter((a) => a.providerRef !== null).at(-1);
  if (!attempt) return;
  const provider = await remoteProvider(ctx.env, attempt.provider);
  await recordIntent(ctx, attempt.id, await provider.retrieve(attempt.providerRef!), `provider:${attempt.provider}`);
}

// ---------------------------------------------------------------------------------------------
// Admin: capture, void, refund

/** The key sent to the provider: the admin's Idempotency-Key, scoped to the operation and the order (Stripe keys are account-wide). */
export function providerKey(operation: string, orderId: string, key: string | null | undefined, fallback: string): string {
  return `edgeshop:${operation}:${orderId}:${key ?? fallback}`;
}

async function adminOrder(ctx: ServiceContext, orderId: string): Promise<OrderRow> {
  requireAdmin(ctx.actor, "orders:write");
  return ordersPort().readable(ctx, orderId);
}

function remoteAttempt(attempts: AttemptRow[], wanted: (a: AttemptRow) => boolean, what: string): AttemptRow {
  const attempt = attempts.filter(wanted).at(-1);
  if (!attempt) throw new ServiceError("CONFLICT", `The order has no payment that can be ${what}.`);
  return attempt;
}

/**
 * Capture an authorised payment, all of it or `amount` (a partial capture releases the rest, as
 * Stripe does). Never more than authorised.
 */
export async function capturePayment(ctx: ServiceContext, orderId: string, rawInput: unknown, key?: string | null): Promise<void> {
  const input = parseInput(CaptureInput, rawInput ?? {});
  const order = await adminOrder(ctx, orderId);
  if (order.status === "cancelled" || order.status === "on_hold") throw new ServiceError("CONFLICT", `An order that is ${order.status} cannot be captured.`);
  const attempt = remoteAttempt(await attemptsOf(ctx.db, orderId), (a) => a.status === "authorized", "captured (none is authorised)");
  const amount = input.amount ?? attempt.amountAuthorized;
  if (amount > attempt.amountAuthorized) {
    throw new ServiceError("VALIDATION_FAILED", `At most ${attempt.amountAuthorized} can be captured.`, { errors: [{ pointer: "/amount", detail: `At most ${attempt.amountAuthorized} (authorised).` }] });
  }
  const provider = await remoteProvider(ctx.env, attempt.provider);
  const intent = await provider.capture(attempt.providerRef!, amount, providerKey("capture", orderId, key, `${attempt.id}:${amount}`));
  await recordIntent(ctx, attempt.id, intent, actorLabel(ctx.actor), { key: key ?? null });
}

/** Release an authorisation (or cancel a PaymentIntent the customer has not paid yet). Captured money goes back by refund, not void. */
export async function voidPayment(ctx: ServiceContext, orderId: string, key?: string | null): Promise<void> {
  const order = await adminOrder(ctx, orderId);
  await voidOpenAttempts(ctx, order, actorLabel(ctx.actor), key, true);
}

async function voidOpenAttempts(ctx: ServiceContext, order: OrderRow, by: string, key: string | null | undefined, required: boolean): Promise<void> {
  const open = (await attemptsOf(ctx.db, order.id)).filter((a) => a.providerRef && ["pending", "requires_action", "authorized"].includes(a.status));
  if (open.length === 0 && required) throw new ServiceError("CONFLICT", "The order has no payment that can be voided (nothing authorised or awaiting payment).");
  for (const attempt of open) {
    const provider = await remoteProvider(ctx.env, attempt.provider);
    const intent = await provider.cancel(attempt.providerRef!, providerKey("void", order.id, key, attempt.id));
    await recordIntent(ctx, attempt.id, intent, by, { key: key ?? null });
  }
}

/** The refundable amount of each order line: unit price x quantity plus the line's share of the tax (until per-line tax lands). */
function lineAmounts(order: OrderRow, lines: OrderLineRow[], wanted: { lineId: string; quantity: number }[]) {
  const base = order.subtotal + order.shipping;
  return wanted.map((w, i) => {
    const line = lines.find((l) => l.id === w.lineId);
    if (!line) throw new ServiceError("VALIDATION_FAILED", "Unknown order line.", { errors: [{ pointer: `/lines/${i}/lineId`, detail: `Line '${w.lineId}' is not on this order.` }] });
    if (w.quantity > line.quantity) throw new ServiceError("VALIDATION_FAILED", "Too many units.", { errors: [{ pointer: `/lines/${i}/quantity`, detail: `The line has ${line.quantity}.` }] });
    const net = line.unitPrice * w.quantity;
    const tax = base > 0 ? Math.round((order.tax * net) / base) : 0;
    return { lineId: w.lineId, quantity: w.quantity, amount: net + tax };
  });
}

export interface RefundOutcome {
  id: string;
  amount: number;
  currency: string;
  reference: string;
}

/**
 * Refund captured money: `amount`, or `lines` (their price and tax share), or everything left.
 *
 * The guard: ONE conditional UPDATE reserves the amount on the attempt
 * (`amount_captured - amount_refunded - refund_pending >= amount`), before the provider is called.
 * Two concurrent refunds that together exceed what is left cannot both reserve: the second is a
 * 409 and never reaches the provider. The reservation becomes a refund with the provider's answer,
 * in the order's guarded transition, or is released when the provider refuses.
 */
export async function refundPayment(ctx: ServiceContext, orderId: string, rawInput: unknown, key?: string | null, options: { by?: string; keepStatus?: boolean } = {}): Promise<RefundOutcome> {
  const input = parseInput(RefundInput, rawInput ?? {});
  const order = options.by ? await ordersPort().row(ctx.db, orderId) : await adminOrder(ctx, orderId);
  const by = options.by ?? actorLabel(ctx.actor);
  const attempts = (await attemptsOf(ctx.db, orderId)).filter((a) => a.amountCaptured - a.amountRefunded - a.refundPending > 0);
  const lines = input.lines ? lineAmounts(order, await ordersPort().lines(ctx.db, orderId), input.lines) : null;
  const refundable = attempts.reduce((sum, a) => sum + a.amountCaptured - a.amountRefunded - a.refundPending, 0);
  const amount = lines ? lines.reduce((s, l) => s + l.amount, 0) : (input.amount ?? refundable);
  if (amount <= 0 || attempts.length === 0) throw new ServiceError("CONFLICT", "Nothing captured is left to refund.", { extra: { refundable } });
  // Usually one attempt per order; the one with the most left takes the refund.
  const attempt = attempts.sort((a, b) => b.amountCaptured - b.amountRefunded - b.refundPending - (a.amountCaptured - a.amountRefunded - a.refundPending))[0]!;
  const reserved = await ctx.db
    .update(paymentAttempts)
    .set({ refundPending: sql`${paymentAttempts.refundPending} + ${amount}` })
    .where(and(eq(paymentAttempts.id, attempt.id), sql`${paymentAttempts.amountCaptured} - ${paymentAttempts.amountRefunded} - ${paymentAttempts.refundPending} >= ${amount}`))
    .returning({ id: paymentAttempts.id });
  if (reserved.length === 0) {
    const now = (await attemptById(ctx, attempt.id))!;
    const left = now.amountCaptured - now.amountRefunded - now.refundPending;
    throw new ServiceError("CONFLICT", `A refund of ${amount} exceeds what is left to refund (${left}).`, { extra: { refundable: left } });
  }
  const release = () => ctx.db.update(paymentAttempts).set({ refundPending: sql`${paymentAttempts.refundPending} - ${amount}` }).where(eq(paymentAttempts.id, attempt.id));
  let reference: string;
  const providerIdempotencyKey = providerKey("refund", orderId, key, `${attempt.id}:${attempt.amountRefunded}:${amount}`);
  if (attempt.provider === MANUAL) {
    reference = input.reference ?? `manual-refund:${by}:${orderId}`;
  } else {
    try {
      const provider = await remoteProvider(ctx.env, attempt.provider);
      reference = (await provider.refund(attempt.providerRef!, amount, providerIdempotencyKey, input.reason ?? null)).reference;
    } catch (error) {
      await release();
      throw error;
    }
  }
  const op = operation(attempt, "refund", amount, reference, by, { reason: input.reason ?? null, lines, idempotencyKey: attempt.provider === MANUAL ? null : providerIdempotencyKey });
  await ordersPort().change(
    ctx,
    orderId,
    by,
    async (current) => {
      const after = { amountRefunded: attempt.amountRefunded + amount };
      const paymentStatus = current.status === "cancelled" ? current.paymentStatus : await statusWith(ctx, current, (all) => all.map((a) => (a.id === attempt.id ? { ...a, amountRefunded: a.amountRefunded + amount } : a)));
      return {
        change: "payment",
        paymentStatus,
        // A cancellation refunds first and then cancels: the order must not become `refunded` meanwhile.
        ...(options.keepStatus && { status: current.status }),
        detail: { paymentId: attempt.id, operations: [{ kind: "refund", amount, reference }] },
        statements: [
          ctx.db
            .update(paymentAttempts)
            .set({ amountRefunded: sql`${paymentAttempts.amountRefunded} + ${amount}`, refundPending: sql`${paymentAttempts.refundPending} - ${amount}`, updatedAt: op.createdAt })
            .where(eq(paymentAttempts.id, attempt.id)),
          ctx.db.insert(paymentOperations).values(op),
        ],
        events: [paymentEvent("payment.refunded", attempt, current, amount, { reference, reason: input.reason ?? null, lines }, after)],
      };
    },
    { retries: 8 },
  );
  return { id: op.id, amount, currency: attempt.currency, reference };
}

// ---------------------------------------------------------------------------------------------
// The manual provider, and what orders needs for its own transitions

/** mark-paid: the manual provider records that the amount due arrived; one guarded transition (a racing cancel makes it a 409). */
export function manualCapturePlan(ctx: ServiceContext, order: OrderRow, reference: string | undefined, by: string): OrderChangePlan {
  if (order.paymentProvider !== MANUAL) throw new ServiceError("CONFLICT", `This order is paid through ${order.paymentProvider}: capture it with POST /v1/orders/{id}/capture.`);
  const due = ordersPort().amountDue(order);
  const attempt = newAttempt(order, MANUAL, { status: "succeeded", amount: due, amountCaptured: due });
  const op = operation(attempt, "capture", due, reference ?? `manual:${by}:${order.id}`, by);
  return {
    change: "payment",
    paymentStatus: derivePaymentStatus(due, [attempt]),
    detail: { paymentId: attempt.id, operations: [{ kind: "capture", amount: due, reference: op.reference }] },
    statements: [ctx.db.insert(paymentAttempts).values(attempt), ctx.db.insert(paymentOperations).values(op)],
    events: [paymentEvent("payment.captured", attempt, order, due)],
  };
}

/**
 * A cancelled order's money: what was captured goes back (refund), what is authorised or awaiting
 * payment is released (void). Manual payments are recorded in the cancellation's own batch (returned
 * as statements); remote ones happen at the provider first.
 */
export async function settlePaymentForCancel(ctx: ServiceContext, order: OrderRow, key: string | null | undefined): Promise<{ statements: BatchItem<"sqlite">[]; remote: boolean }> {
  const by = actorLabel(ctx.actor);
  const attempts = await attemptsOf(ctx.db, order.id);
  const statements: BatchItem<"sqlite">[] = [];
  const remote = attempts.some((a) => a.provider !== MANUAL && (a.amountCaptured - a.amountRefunded > 0 || ["pending", "requires_action", "authorized"].includes(a.status)) && a.providerRef);
  for (const attempt of attempts) {
    const left = attempt.amountCaptured - attempt.amountRefunded - attempt.refundPending;
    if (left <= 0) continue;
    if (attempt.provider === MANUAL) {
      statements.push(
        ctx.db
          .update(paymentAttempts)
          .set({ amountRefunded: sql`${paymentAttempts.amountRefunded} + ${left}`, updatedAt: new Date().toISOString() })
          .where(and(eq(paymentAttempts.id, attempt.id), eq(paymentAttempts.amountRefunded, attempt.amountRefunded))),
        ctx.db.insert(paymentOperations).values(operation(attempt, "refund", left, `manual-refund:${by}:${order.id}`, by)),
      );
    } else {
      await refundPayment(ctx, order.id, { amount: left, reason: "order cancelled" }, key ?? `cancel:${order.version}`, { by, keepStatus: true });
    }
  }
  await voidOpenAttempts(ctx, order, by, key ?? `cancel:${order.version}`, false);
  return { statements, remote };
}

/** Whether the order still has money to give back or release (the full-refund route's precondition). */
export async function paymentStatusFor(ctx: ServiceContext, order: OrderRow, pendingRefunds: BatchItem<"sqlite">[]): Promise<PaymentStatus> {
  if (pendingRefunds.length === 0) return statusWith(ctx, order);
  return statusWith(ctx, order, (all) => all.map((a) => (a.provider === MANUAL ? { ...a, amountRefunded: a.amountCaptured } : a)));
}

// ---------------------------------------------------------------------------------------------
// Stripe webhooks

const HANDLED = ["payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.amount_capturable_updated", "payment_intent.requires_action", "payment_intent.canceled", "charge.refunded", "charge.dispute.created"];

export interface WebhookOutcome {
  received: true;
  /** `processed`, `duplicate` (this event id was handled before), `ignored` (a type or payment we do not track). */
  outcome: "processed" | "duplicate" | "ignored";
}

/**
 * A Stripe event: verified with the library (raw body, `Stripe-Signature`, tolerance), then handled
 * exactly once: its id is claimed in D1 in the same batch as its effect. A bad signature throws
 * (400) before anything is read or written.
 */
export async function handleStripeWebhook(ctx: ServiceContext, rawBody: string, signature: string | undefined): Promise<WebhookOutcome> {
  const { verifyStripeEvent } = await import("./stripe");
  if (!signature) throw new ServiceError("BAD_REQUEST", "The Stripe-Signature header is missing.", { errors: [{ pointer: "/headers/stripe-signature", detail: "Required." }] });
  const event = await verifyStripeEvent(ctx.env, rawBody, signature);
  const claim = { id: event.id, type: event.type };
  if (await ctx.db.select({ id: providerEvents.id }).from(providerEvents).where(eq(providerEvents.id, event.id)).get()) return { received: true, outcome: "duplicate" };
  if (!HANDLED.includes(event.type)) {
    await ctx.db.insert(providerEvents).values(claimValues(claim, null)).onConflictDoNothing();
    return { received: true, outcome: "ignored" };
  }
  const object = event.data.object as unknown as Record<string, unknown>;
  const ref = event.type.startsWith("payment_intent.") ? (object.id as string) : (object.payment_intent as string | null);
  const attempt = ref ? await ctx.db.select().from(paymentAttempts).where(and(eq(paymentAttempts.provider, "stripe"), eq(paymentAttempts.providerRef, ref))).get() : undefined;
  if (!attempt) {
    await ctx.db.insert(providerEvents).values(claimValues(claim, null)).onConflictDoNothing();
    return { received: true, outcome: "ignored" };
  }
  const by = "provider:stripe";
  try {
    if (event.type.startsWith("payment_intent.")) {
      // Stripe does not promise delivery in order: the PaymentIntent as it is now is the truth, not
      // the snapshot in the event (an old event then changes nothing).
      const provider = await remoteProvider(ctx.env, attempt.provider);
      await recordIntent(ctx, attempt.id, await provider.retrieve(ref!), by, { claim });
    } else if (event.type === "charge.refunded") {
      await recordExternalRefund(ctx, attempt.id, object, claim);
    } else {
      await recordDispute(ctx, attempt.id, object, claim);
    }
  } catch (error) {
    if (isUniqueViolation(error, "payment_provider_events")) return { received: true, outcome: "duplicate" };
    throw error;
  }
  return { received: true, outcome: "processed" };
}

/** charge.refunded: refunds made elsewhere (the Stripe Dashboard). Our own refunds are already recorded or reserved, so only the excess is new. */
async function recordExternalRefund(ctx: ServiceContext, attemptId: string, charge: Record<string, unknown>, claim: { id: string; type: string }) {
  let applied = false;
  const by = "provider:stripe";
  const orderId = (await attemptById(ctx, attemptId))!.orderId;
  await ordersPort().change(
    ctx,
    orderId,
    by,
    async (order) => {
      const attempt = (await attemptById(ctx, attemptId))!;
      const extra = Number(charge.amount_refunded ?? 0) - attempt.amountRefunded - attempt.refundPending;
      if (extra <= 0) return null;
      applied = true;
      const after = { amountRefunded: attempt.amountRefunded + extra };
      const paymentStatus = await statusWith(ctx, order, (all) => all.map((a) => (a.id === attempt.id ? { ...a, ...after } : a)));
      const op = operation(attempt, "refund", extra, String(charge.id ?? attempt.providerRef), by, { reason: "refunded at the provider" });
      return {
        change: "payment",
        paymentStatus: order.status === "cancelled" ? order.paymentStatus : paymentStatus,
        detail: { paymentId: attempt.id, operations: [{ kind: "refund", amount: extra, reference: op.reference }] },
        statements: [
          ctx.db.update(paymentAttempts).set({ amountRefunded: sql`${paymentAttempts.amountRefunded} + ${extra}`, updatedAt: op.createdAt }).where(eq(paymentAttempts.id, attempt.id)),
          ctx.db.insert(paymentOperations).values(op),
          claimInsert(ctx, claim, attempt.id),
        ],
        events: [paymentEvent("payment.refunded", attempt, order, extra, { reference: op.reference, reason: op.reason }, after)],
      };
    },
    { retries: 5 },
  );
  if (!applied) await ctx.db.insert(providerEvents).values(claimValues(claim, attemptId)).onConflictDoNothing();
}

/** charge.dispute.created: the customer's bank disputes the charge. Recorded on the payment and the timeline; the money stays as captured until the dispute is decided. */
async function recordDispute(ctx: ServiceContext, attemptId: string, dispute: Record<string, unknown>, claim: { id: string; type: string }) {
  const by = "provider:stripe";
  const orderId = (await attemptById(ctx, attemptId))!.orderId;
  await ordersPort().change(
    ctx,
    orderId,
    by,
    async (order) => {
      const attempt = (await attemptById(ctx, attemptId))!;
      const amount = Number(dispute.amount ?? 0);
      const op = operation(attempt, "dispute", amount, String(dispute.id ?? ""), by, { reason: String(dispute.reason ?? "") || null });
      return {
        change: "payment",
        detail: { paymentId: attempt.id, operations: [{ kind: "dispute", amount, reference: op.reference }] },
        statements: [
          ctx.db.update(paymentAttempts).set({ disputed: true, updatedAt: op.createdAt }).where(eq(paymentAttempts.id, attempt.id)),
          ctx.db.insert(paymentOperations).values(op),
          claimInsert(ctx, claim, attempt.id),
        ],
        events: [paymentEvent("payment.disputed", attempt, order, amount, { reason: op.reason })],
      };
    },
    { retries: 5 },
  );
}
