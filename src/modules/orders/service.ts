import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { requireAdmin, type ServiceContext, hasAnyScope, ORDER_READ_SCOPES } from "../../context";
import { sha256Hex, timingSafeEqualStrings } from "../../shared/crypto";
import { isUniqueViolation } from "../../shared/db-errors";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, type Page, pageOf } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { eventInsert, type EventType, publishAfterResponse } from "../events";
import { paymentProvider } from "../payments";
import { assessmentsForOrders, reviewStatement, type OrderRisk } from "../risk";
import { ListOrdersInput, MarkPaidInput, type Order, type OrderStatus } from "./schemas";
import { inventoryStock, settleOrTellTheCron, type StockPort } from "./stock";
import { orderLines, orders, orderTransitions, payments } from "./tables";

export type OrderRow = typeof orders.$inferSelect;
type OrderLineRow = typeof orderLines.$inferSelect;
type PaymentRow = typeof payments.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Mapping

export function toOrder(row: OrderRow, lines: OrderLineRow[], paymentRows: PaymentRow[], risk: OrderRisk | null = null): Order {
  const money = (amount: number) => ({ amount, currency: row.currency });
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    cartId: row.cartId,
    customerId: row.customerId,
    email: row.email,
    lines: lines.map((l) => ({
      id: l.id,
      variantId: l.variantId,
      productId: l.productId,
      sku: l.sku,
      title: l.title,
      quantity: l.quantity,
      unitPrice: money(l.unitPrice),
      lineTotal: money(l.lineTotal),
    })),
    totals: { subtotal: money(row.subtotal), shipping: money(row.shipping), tax: money(row.tax), total: money(row.total) },
    shippingAddress: row.shippingAddress,
    billingAddress: row.billingAddress ?? null,
    paymentProvider: row.paymentProvider,
    payments: paymentRows.map((p) => ({
      id: p.id,
      provider: p.provider,
      kind: p.kind,
      amount: { amount: p.amount, currency: p.currency },
      reference: p.reference,
      createdAt: p.createdAt,
    })),
    risk,
    stockCommittedAt: row.stockCommittedAt,
    stockReturnedAt: row.stockReturnedAt,
    placedAt: row.placedAt,
    updatedAt: row.updatedAt,
  };
}

/** The payload every order.* event carries (its schema: src/modules/events/schemas.ts, published in /asyncapi.json). */
export function orderEventData(order: Pick<Order, "id" | "number" | "status" | "customerId" | "email" | "totals" | "lines">) {
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    customerId: order.customerId,
    email: order.email,
    total: order.totals.total,
    lines: order.lines.map((l) => ({ sku: l.sku, variantId: l.variantId, productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice })),
  };
}

/** Risk assessments are for staff: customers and guests see their order, not how it was scored. */
const seesRisk = (ctx: ServiceContext) => ctx.actor.kind === "admin";

async function hydrate(ctx: ServiceContext, rows: OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const db = ctx.db;
  const ids = rows.map((r) => r.id);
  const [lineRows, paymentRows, risks] = await Promise.all([
    db.select().from(orderLines).where(inArray(orderLines.orderId, ids)).orderBy(asc(orderLines.orderId), asc(orderLines.position)),
    db.select().from(payments).where(inArray(payments.orderId, ids)).orderBy(asc(payments.createdAt), asc(payments.id)),
    seesRisk(ctx) ? assessmentsForOrders(db, ids) : Promise.resolve(new Map<string, OrderRisk>()),
  ]);
  return rows.map((r) =>
    toOrder(
      r,
      lineRows.filter((l) => l.orderId === r.id),
      paymentRows.filter((p) => p.orderId === r.id),
      risks.get(r.id) ?? null,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Reads

/**
 * Admins see every order; a customer sees their own; a guest sees the order whose order token or
 * cart token they hold. Anyone else gets the same 404 as for an id that does not exist.
 */
async function canRead(ctx: ServiceContext, row: OrderRow): Promise<boolean> {
  const actor = ctx.actor;
  if (actor.kind === "admin") return hasAnyScope(actor, ORDER_READ_SCOPES);
  if (actor.kind === "customer" && row.customerId === actor.customerId) return true;
  if (ctx.orderToken && timingSafeEqualStrings(await sha256Hex(ctx.orderToken), row.orderTokenHash)) return true;
  if (ctx.cartToken && row.cartTokenHash && timingSafeEqualStrings(await sha256Hex(ctx.cartToken), row.cartTokenHash)) return true;
  return false;
}

async function readableRow(ctx: ServiceContext, id: string): Promise<OrderRow> {
  const row = await ctx.db.select().from(orders).where(eq(orders.id, id)).get();
  if (!row || !(await canRead(ctx, row))) throw notFound("Order", id);
  return row;
}

export async function getOrder(ctx: ServiceContext, id: string): Promise<Order> {
  const [order] = await hydrate(ctx, [await readableRow(ctx, id)]);
  return order!;
}

/** Admins: all orders, filtered. Customers: their own. Guests: 401 (they read single orders by token). */
export async function listOrders(ctx: ServiceContext, rawInput: unknown): Promise<Page<Order>> {
  const input = parseInput(ListOrdersInput, rawInput);
  const where: (SQL | undefined)[] = [];
  if (ctx.actor.kind === "customer") {
    if (input.customerId !== undefined && input.customerId !== ctx.actor.customerId) {
      throw new ServiceError("FORBIDDEN", "Customers list only their own orders.");
    }
    where.push(eq(orders.customerId, ctx.actor.customerId));
  } else {
    requireAdmin(ctx.actor, "orders:read");
    if (input.customerId) where.push(eq(orders.customerId, input.customerId));
  }
  if (input.status) where.push(eq(orders.status, input.status));
  if (input.placedFrom) where.push(gte(orders.placedAt, new Date(input.placedFrom).toISOString()));
  if (input.placedTo) where.push(lt(orders.placedAt, new Date(input.placedTo).toISOString()));
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    where.push(or(lt(orders.placedAt, String(c.v)), and(eq(orders.placedAt, String(c.v)), lt(orders.id, c.id))));
  }
  const rows = await ctx.db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.placedAt), desc(orders.id))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: r.placedAt, id: r.id }), Boolean(input.cursor));
  return { ...page, items: await hydrate(ctx, page.items) };
}

// ---------------------------------------------------------------------------------------------
// The state machine

const allowed: Record<OrderStatus, readonly OrderStatus[]> = {
  // Held for risk review: an admin approves (-> placed) or cancels it.
  on_hold: ["placed", "cancelled"],
  placed: ["paid", "cancelled"],
  paid: ["fulfilled", "cancelled", "refunded"],
  fulfilled: [],
  cancelled: [],
  refunded: [],
};

const eventFor: Record<OrderStatus, EventType> = {
  on_hold: "order.held",
  // Approving a held order places it: order.placed, once, as for an order approved at checkout.
  placed: "order.placed",
  paid: "order.paid",
  fulfilled: "order.fulfilled",
  cancelled: "order.cancelled",
  refunded: "order.refunded",
};

function actorLabel(ctx: ServiceContext): string {
  const a = ctx.actor;
  return a.kind === "admin" ? `admin:${a.keyId}` : a.kind === "customer" ? `customer:${a.customerId}` : "anonymous";
}

/**
 * Move an order to `to`. The batch changes the status only if the order is still at the version
 * read (conditional UPDATE), and the transition row's primary key (order, from_version) makes a
 * concurrent second transition fail as a whole: its event is never written.
 */
async function transition(
  ctx: ServiceContext,
  id: string,
  to: OrderStatus,
  payment?: { kind: "capture" | "refund"; reference?: string | undefined },
  stock: StockPort = inventoryStock,
): Promise<Order> {
  requireAdmin(ctx.actor, "orders:write");
  const row = await readableRow(ctx, id);
  if (!allowed[row.status].includes(to)) {
    throw new ServiceError("CONFLICT", `An order that is ${row.status} cannot become ${to}.`, { extra: { orderStatus: row.status } });
  }
  // Cancelling a paid order gives the money back through the same provider.
  if (to === "cancelled" && row.status === "paid") payment = { kind: "refund" };
  const at = new Date().toISOString();
  const by = actorLabel(ctx);
  const [current] = await hydrate(ctx, [row]);
  const next = { ...current!, status: to };
  let paymentRow: PaymentRow | undefined;
  if (payment) {
    const provider = paymentProvider(row.paymentProvider);
    const amount = current!.totals.total;
    // One key per (order, version, kind): racing transitions of the same version move money once.
    const idempotencyKey = `${id}:${row.version}:${payment.kind}`;
    const { reference } =
      payment.kind === "capture"
        ? await provider.capture({ orderId: id, amount, reference: payment.reference, by, idempotencyKey })
        : await provider.refund({ orderId: id, amount, by, idempotencyKey });
    paymentRow = { id: newId("payment"), orderId: id, provider: provider.id, kind: payment.kind, amount: amount.amount, currency: amount.currency, reference, createdAt: at };
  }
  try {
    await ctx.db.batch([
      ctx.db
        .update(orders)
        .set({ status: to, version: sql`${orders.version} + 1`, updatedAt: at })
        .where(and(eq(orders.id, id), eq(orders.version, row.version), eq(orders.status, row.status))),
      ctx.db.insert(orderTransitions).values({ orderId: id, fromVersion: row.version, fromStatus: row.status, toStatus: to, actor: by, at }),
      ...(paymentRow ? [ctx.db.insert(payments).values(paymentRow)] : []),
      // Leaving on_hold is the admin's risk review: recorded on the assessment, with who and when.
      ...(row.status === "on_hold" ? [reviewStatement(ctx.db, id, { outcome: to === "placed" ? "approved" : "cancelled", by, at })] : []),
      eventInsert(ctx.db, { type: eventFor[to], resource: { type: "order", id }, data: orderEventData(next) }, at),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "order_transitions")) {
      throw new ServiceError("CONFLICT", `Order '${id}' was changed by another request; reload it and try again.`);
    }
    throw error;
  }
  publishAfterResponse(ctx);
  // Stock comes back once per (SKU, order) (returnSale is idempotent); what fails here, the cron
  // finishes (orders.stock_returned_at stays null until it does). The cancellation itself stands.
  if (to === "cancelled") await settleOrTellTheCron(ctx.env, ctx.db, id, stock);
  return getOrder(ctx, id);
}

export async function markPaid(ctx: ServiceContext, id: string, rawInput: unknown = {}): Promise<Order> {
  const input = parseInput(MarkPaidInput, rawInput);
  return transition(ctx, id, "paid", { kind: "capture", reference: input.reference });
}

export function fulfilOrder(ctx: ServiceContext, id: string): Promise<Order> {
  return transition(ctx, id, "fulfilled");
}

/** Seams for tests; production passes nothing. */
export interface TransitionOptions {
  /** The inventory calls that return a cancelled order's stock (tests make them fail). */
  stock?: StockPort;
}

export function cancelOrder(ctx: ServiceContext, id: string, options: TransitionOptions = {}): Promise<Order> {
  return transition(ctx, id, "cancelled", undefined, options.stock);
}

/** An admin approves an order held for risk review: on_hold -> placed (event order.placed). */
export function approveOrder(ctx: ServiceContext, id: string): Promise<Order> {
  return transition(ctx, id, "placed");
}

export function refundOrder(ctx: ServiceContext, id: string): Promise<Order> {
  return transition(ctx, id, "refunded", { kind: "refund" });
}
