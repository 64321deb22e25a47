import { and, asc, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { ServiceContext } from "../../context";
import { isUniqueViolation } from "../../shared/db-errors";
import { notFound, ServiceError } from "../../shared/errors";
import { eventInsert, publishAfterResponse, type EventType, type NewEvent } from "../events";
import { giftCardReturnStatements } from "../gift-cards";
import { returnRedemptionStatements } from "../promotions";
import { orderLines, orders, orderTransitions, type FulfillmentStatus, type OrderChangeKind, type OrderStatus, type PaymentStatus } from "./tables";

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;

/** What a change wants; the lifecycle status follows from it unless `status` says otherwise. */
export interface OrderChangePlan {
  change: OrderChangeKind;
  /** An explicit lifecycle move (approve, cancel); checked against `allowedTransitions`. */
  status?: OrderStatus;
  paymentStatus?: PaymentStatus;
  fulfillmentStatus?: FulfillmentStatus;
  /** For the admin timeline (amounts, ids, tracking). */
  detail?: Record<string, unknown>;
  /** The caller's writes: they commit with the transition or not at all. */
  statements?: BatchItem<"sqlite">[];
  /** Events beyond the lifecycle's `order.<status>` (their own resources: payment, fulfillment, return). */
  events?: NewEvent[];
}

/** Who may leave which lifecycle status explicitly; derived moves keep to the same graph. */
export const allowedTransitions: Record<OrderStatus, readonly OrderStatus[]> = {
  // Held for risk review: an admin approves (-> placed) or cancels it.
  on_hold: ["placed", "cancelled"],
  placed: ["paid", "fulfilled", "cancelled", "refunded"],
  paid: ["fulfilled", "cancelled", "refunded"],
  fulfilled: ["refunded"],
  cancelled: [],
  refunded: [],
};

export const eventForStatus: Record<OrderStatus, EventType> = {
  on_hold: "order.held",
  // Approving a held order places it: order.placed, once, as for an order approved at checkout.
  placed: "order.placed",
  paid: "order.paid",
  fulfilled: "order.fulfilled",
  cancelled: "order.cancelled",
  refunded: "order.refunded",
};

const PAID_LIKE: readonly PaymentStatus[] = ["partially_paid", "paid", "partially_refunded"];

/**
 * The lifecycle status that follows from the payment and fulfilment statuses. Held and cancelled
 * orders, and refunded ones, only move explicitly.
 * - everything captured went back: refunded;
 * - every unit fulfilled: fulfilled;
 * - money captured (all or part): paid;
 * - otherwise placed.
 */
export function deriveStatus(current: OrderStatus, payment: PaymentStatus, fulfillment: FulfillmentStatus): OrderStatus {
  if (current === "on_hold" || current === "cancelled" || current === "refunded") return current;
  if (payment === "refunded") return "refunded";
  if (fulfillment === "fulfilled") return "fulfilled";
  if (PAID_LIKE.includes(payment)) return "paid";
  return "placed";
}

/** The payload every order.* event carries (schema: src/modules/events/catalogue.ts). */
export function orderEventPayload(row: Pick<OrderRow, "id" | "number" | "customerId" | "email" | "total" | "currency">, status: OrderStatus, lines: readonly OrderLineRow[], extra: { paymentStatus?: PaymentStatus; fulfillmentStatus?: FulfillmentStatus } = {}) {
  return {
    id: row.id,
    number: row.number,
    status,
    customerId: row.customerId,
    email: row.email,
    total: { amount: row.total, currency: row.currency },
    ...extra,
    lines: lines.map((l) => ({ sku: l.sku, variantId: l.variantId, productId: l.productId, quantity: l.quantity, unitPrice: { amount: l.unitPrice, currency: row.currency } })),
  };
}

export async function orderRow(db: ServiceContext["db"], id: string): Promise<OrderRow> {
  const row = await db.select().from(orders).where(eq(orders.id, id)).get();
  if (!row) throw notFound("Order", id);
  return row;
}

export async function orderLinesOf(db: ServiceContext["db"], orderId: string): Promise<OrderLineRow[]> {
  return db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.position));
}

type ChangeContext = Pick<ServiceContext, "db" | "env" | "waitUntil">;

/**
 * Change an order through ONE guarded batch: the row moves only from the version read (conditional
 * UPDATE), and the transition row's primary key (order, from_version) lets only one change leave a
 * version, so of two concurrent changes the second batch fails whole, its statements and events
 * included. `plan` sees the row as read and may throw to refuse.
 *
 * With `retries` (changes derived from records that are already true, e.g. a capture the provider
 * made), a lost race re-reads and plans again; without, the loser gets a 409 (explicit admin moves,
 * which also pass `expectVersion`: the version the request first read).
 * Returns null when the plan changes nothing and has nothing to write.
 */
export async function changeOrder(
  ctx: ChangeContext,
  orderId: string,
  by: string,
  plan: (row: OrderRow) => OrderChangePlan | null | Promise<OrderChangePlan | null>,
  options: { retries?: number; expectVersion?: number } = {},
): Promise<OrderRow | null> {
  for (let attempt = 0; ; attempt++) {
    const row = await orderRow(ctx.db, orderId);
    // An explicit admin move decided on the order as the request first read it.
    if (options.expectVersion !== undefined && row.version !== options.expectVersion) {
      throw new ServiceError("CONFLICT", `Order '${orderId}' was changed by another request; reload it and try again.`);
    }
    const wanted = await plan(row);
    if (!wanted) return null;
    const paymentStatus = wanted.paymentStatus ?? row.paymentStatus;
    const fulfillmentStatus = wanted.fulfillmentStatus ?? row.fulfillmentStatus;
    const status = wanted.status ?? deriveStatus(row.status, paymentStatus, fulfillmentStatus);
    if (status !== row.status && !allowedTransitions[row.status].includes(status)) {
      throw new ServiceError("CONFLICT", `An order that is ${row.status} cannot become ${status}.`, { extra: { orderStatus: row.status } });
    }
    const changed = status !== row.status || paymentStatus !== row.paymentStatus || fulfillmentStatus !== row.fulfillmentStatus;
    if (!changed && !wanted.statements?.length && !wanted.events?.length && wanted.change !== "note" && wanted.change !== "return") return null;

    const at = new Date().toISOString();
    const detail: Record<string, unknown> = { ...wanted.detail };
    if (paymentStatus !== row.paymentStatus) detail.paymentStatus = { from: row.paymentStatus, to: paymentStatus };
    if (fulfillmentStatus !== row.fulfillmentStatus) detail.fulfillmentStatus = { from: row.fulfillmentStatus, to: fulfillmentStatus };
    // What the order took from promotions and gift cards comes back in this same batch, so exactly
    // once: only one change can leave this version. A cancellation returns the promotion uses and
    // the gift-card charges; a full refund (everything captured went back) the gift-card charges.
    const giveBack = status !== row.status ? await givenBack(ctx.db, orderId, status, at) : [];
    const lifecycleEvent =
      status !== row.status
        ? [eventInsert(ctx.db, { type: eventForStatus[status], resource: { type: "order", id: orderId }, data: orderEventPayload(row, status, await orderLinesOf(ctx.db, orderId), { paymentStatus, fulfillmentStatus }) }, at)]
        : [];
    try {
      await ctx.db.batch([
        ctx.db
          .update(orders)
          .set({ status, paymentStatus, fulfillmentStatus, version: sql`${orders.version} + 1`, updatedAt: at })
          .where(and(eq(orders.id, orderId), eq(orders.version, row.version))),
        ctx.db.insert(orderTransitions).values({ orderId, fromVersion: row.version, fromStatus: row.status, toStatus: status, change: wanted.change, actor: by, detail, at }),
        ...(wanted.statements ?? []),
        ...giveBack,
        ...lifecycleEvent,
        ...(wanted.events ?? []).map((e) => eventInsert(ctx.db, e, at)),
      ]);
    } catch (error) {
      if (!isUniqueViolation(error, "order_transitions")) throw error;
      if (attempt < (options.retries ?? 0)) continue;
      throw new ServiceError("CONFLICT", `Order '${orderId}' was changed by another request; reload it and try again.`);
    }
    publishAfterResponse(ctx);
    return { ...row, status, paymentStatus, fulfillmentStatus, version: row.version + 1, updatedAt: at };
  }
}

/** Statements that give back what the order took from promotions and gift cards when it becomes `status`. */
async function givenBack(db: ChangeContext["db"], orderId: string, status: OrderStatus, at: string): Promise<BatchItem<"sqlite">[]> {
  return [
    ...(status === "cancelled" ? returnRedemptionStatements(db, orderId, at) : []),
    ...(status === "cancelled" || status === "refunded" ? await giftCardReturnStatements(db, orderId, at) : []),
  ] as BatchItem<"sqlite">[];
}
