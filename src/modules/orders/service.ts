import { and, asc, desc, eq, gte, inArray, lt, or, type SQL } from "drizzle-orm";
import { actorLabel, requireAdmin, type ServiceContext, hasAnyScope, ORDER_READ_SCOPES } from "../../context";
import { sha256Hex, timingSafeEqualStrings } from "../../shared/crypto";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, type Page, pageOf } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { manualCapturePlan, paymentsForOrders, paymentStatusFor, refundPayment, settlePaymentForCancel, toPaymentAttempt } from "../payments";
import type { PriceSource } from "../pricing";
import { assessmentsForOrders, reviewStatement, type OrderRisk } from "../risk";
import { allowedTransitions, changeOrder, type OrderLineRow, type OrderRow } from "./changes";
import { ListOrdersInput, MarkPaidInput, OrderNoteInput, type Order, type OrderNote, type OrderStatus, type TimelineEntry } from "./schemas";
import { inventoryStock, settleOrTellTheCron, type StockPort } from "./stock";
import { orderLines, orderNotes, orders, orderTransitions, type OrderPricingSnapshot } from "./tables";

export type { OrderRow };
type Payments = Awaited<ReturnType<typeof paymentsForOrders>>;

/** What the customer still owes after gift cards and store credit (the checkout contract's `amountDue`): what the payment provider is asked for. */
export function amountDue(row: Pick<OrderRow, "amountDue">): number {
  // Stored at checkout: the total less gift cards and store credit (orders from before markets: the total, backfilled).
  return row.amountDue;
}

// ---------------------------------------------------------------------------------------------
// Mapping

export function toOrder(row: OrderRow, lines: OrderLineRow[], pay: { attempts: Payments["attempts"]; operations: Payments["operations"] } | null, risk: OrderRisk | null = null, options: { showSecret?: boolean } = {}): Order {
  const money = (amount: number) => ({ amount, currency: row.currency });
  const attempts = pay?.attempts.get(row.id) ?? [];
  const ops = pay?.operations.get(row.id) ?? [];
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    paymentStatus: row.paymentStatus,
    fulfillmentStatus: row.fulfillmentStatus,
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
      compareAtPrice: l.compareAtPrice === null ? null : money(l.compareAtPrice),
      priceSource: (l.priceSource as PriceSource | null) ?? null,
      discounts: l.discounts.map((d) => ({ ...d, amount: money(d.amount) })),
      lineTotal: money(l.lineTotal),
      tax: l.tax === null ? null : money(l.tax),
      taxRate: l.taxRate,
    })),
    totals: {
      subtotal: money(row.subtotal),
      discount: money(row.discount),
      shipping: money(row.shipping),
      tax: money(row.tax),
      taxIncluded: row.pricesIncludeTax,
      total: money(row.total),
      giftCards: money(row.giftCards),
      amountDue: money(amountDue(row)),
    },
    market: row.pricing?.market ?? null,
    shipping: shippingOf(row.pricing?.shipping ?? null, money),
    discounts: (row.pricing?.discounts ?? []).map((d) => ({ ...d, amount: money(d.amount) })),
    giftCards: (row.pricing?.giftCards ?? []).map((g) => ({ giftCardId: g.giftCardId, kind: g.kind ?? "gift_card", last4: g.last4, amount: money(g.amount) })),
    amountDue: money(amountDue(row)),
    shippingAddress: row.shippingAddress,
    billingAddress: row.billingAddress ?? null,
    paymentProvider: row.paymentProvider,
    // Captures and refunds, as before issue 10; every operation is on `paymentAttempts`.
    payments: ops
      .filter((o): o is typeof o & { kind: "capture" | "refund" } => o.kind === "capture" || o.kind === "refund")
      .map((o) => ({ id: o.id, provider: attempts.find((a) => a.id === o.paymentId)?.provider ?? "manual", kind: o.kind, amount: { amount: o.amount, currency: o.currency }, reference: o.reference, createdAt: o.createdAt })),
    paymentAttempts: attempts.map((a) => toPaymentAttempt(a, ops, { showSecret: options.showSecret ?? false })),
    risk,
    stockCommittedAt: row.stockCommittedAt,
    stockReturnedAt: row.stockReturnedAt,
    placedAt: row.placedAt,
    updatedAt: row.updatedAt,
  };
}

function shippingOf(shipping: OrderPricingSnapshot["shipping"], money: (amount: number) => { amount: number; currency: string }): Order["shipping"] {
  if (!shipping) return null;
  return { methodId: shipping.methodId, name: shipping.name, amount: money(shipping.amount), discount: money(shipping.discount), discounts: shipping.discounts.map((d) => ({ ...d, amount: money(d.amount) })), tax: money(shipping.tax), taxRate: shipping.taxRate };
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
  const [lineRows, pay, risks] = await Promise.all([
    db.select().from(orderLines).where(inArray(orderLines.orderId, ids)).orderBy(asc(orderLines.orderId), asc(orderLines.position)),
    paymentsForOrders(db, ids),
    seesRisk(ctx) ? assessmentsForOrders(db, ids) : Promise.resolve(new Map<string, OrderRisk>()),
  ]);
  return rows.map((r) =>
    toOrder(
      r,
      lineRows.filter((l) => l.orderId === r.id),
      pay,
      risks.get(r.id) ?? null,
      // The client secret is for the shopper's storefront, not for staff.
      { showSecret: ctx.actor.kind !== "admin" },
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

export async function readableRow(ctx: ServiceContext, id: string): Promise<OrderRow> {
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
// Explicit transitions (admin). Money and goods move the order through changeOrder (./changes.ts)
// from the payments and fulfillments modules; the lifecycle status follows from them.

function refuse(row: OrderRow, to: OrderStatus): ServiceError {
  return new ServiceError("CONFLICT", `An order that is ${row.status} cannot become ${to}.`, { extra: { orderStatus: row.status } });
}

/** mark-paid: the manual provider records that the amount due arrived (placed -> paid). */
export async function markPaid(ctx: ServiceContext, id: string, rawInput: unknown = {}): Promise<Order> {
  const input = parseInput(MarkPaidInput, rawInput);
  requireAdmin(ctx.actor, "orders:write");
  const read = await readableRow(ctx, id);
  const by = actorLabel(ctx.actor);
  await changeOrder(
    ctx,
    id,
    by,
    (row) => {
      if (row.status !== "placed") throw refuse(row, "paid");
      return manualCapturePlan(ctx, row, input.reference, by);
    },
    { expectVersion: read.version },
  );
  return getOrder(ctx, id);
}

/** Seams for tests; production passes nothing. */
export interface TransitionOptions {
  /** The inventory calls that return a cancelled order's stock (tests make them fail). */
  stock?: StockPort;
  /** The request's Idempotency-Key, passed on to the payment provider for the refund or void. */
  idempotencyKey?: string | null;
}

/**
 * on_hold, placed or paid -> cancelled. Captured money goes back and authorisations are released
 * (remote providers first, at the provider; manual refunds in the cancellation's batch), then the
 * stock returns exactly once.
 */
export async function cancelOrder(ctx: ServiceContext, id: string, options: TransitionOptions = {}): Promise<Order> {
  requireAdmin(ctx.actor, "orders:write");
  const read = await readableRow(ctx, id);
  if (!allowedTransitions[read.status].includes("cancelled")) throw refuse(read, "cancelled");
  const by = actorLabel(ctx.actor);
  const { statements: manualRefunds, remote } = await settlePaymentForCancel(ctx, read, options.idempotencyKey);
  const at = new Date().toISOString();
  await changeOrder(
    ctx,
    id,
    by,
    async (row) => {
      if (!allowedTransitions[row.status].includes("cancelled")) throw refuse(row, "cancelled");
      return {
        change: "status",
        status: "cancelled",
        paymentStatus: await paymentStatusFor(ctx, row, manualRefunds),
        statements: [
          ...manualRefunds,
          // Leaving on_hold is the admin's risk review: recorded on the assessment, with who and when.
          ...(row.status === "on_hold" ? [reviewStatement(ctx.db, id, { outcome: "cancelled", by, at })] : []),
        ],
      };
    },
    // Money moved at the provider (refund, void) already changed the order's version: re-plan on
    // races then. Otherwise the cancellation stands on the order as first read (a racing mark-paid
    // or second cancel makes it a 409, nothing refunded twice).
    remote ? { retries: 3 } : { expectVersion: read.version },
  );
  // Stock comes back once per (SKU, order) (returnSale is idempotent); what fails here, the cron
  // finishes (orders.stock_returned_at stays null until it does). The cancellation itself stands.
  await settleOrTellTheCron(ctx.env, ctx.db, id, options.stock ?? inventoryStock);
  return getOrder(ctx, id);
}

/** An admin approves an order held for risk review: on_hold -> placed (event order.placed). */
export async function approveOrder(ctx: ServiceContext, id: string): Promise<Order> {
  requireAdmin(ctx.actor, "orders:write");
  const read = await readableRow(ctx, id);
  const by = actorLabel(ctx.actor);
  await changeOrder(
    ctx,
    id,
    by,
    (row) => {
      if (row.status !== "on_hold") throw refuse(row, "placed");
      return { change: "status", status: "placed", statements: [reviewStatement(ctx.db, id, { outcome: "approved", by, at: new Date().toISOString() })] };
    },
    { expectVersion: read.version },
  );
  return getOrder(ctx, id);
}

/** paid -> refunded: everything captured goes back through the order's payment provider. Partial refunds: POST /v1/orders/{id}/refunds. */
export async function refundOrder(ctx: ServiceContext, id: string, options: { idempotencyKey?: string | null } = {}): Promise<Order> {
  requireAdmin(ctx.actor, "orders:write");
  const row = await readableRow(ctx, id);
  if (row.status !== "paid") throw refuse(row, "refunded");
  await refundPayment(ctx, id, {}, options.idempotencyKey ?? `refund:${row.version}`);
  return getOrder(ctx, id);
}

/** Staff notes on an order; they appear on its timeline. */
export async function addOrderNote(ctx: ServiceContext, id: string, rawInput: unknown): Promise<OrderNote> {
  const input = parseInput(OrderNoteInput, rawInput);
  requireAdmin(ctx.actor, "orders:write");
  await readableRow(ctx, id);
  const note = { id: newId("orderNote"), orderId: id, body: input.body, author: actorLabel(ctx.actor), createdAt: new Date().toISOString() };
  await ctx.db.insert(orderNotes).values(note);
  return { id: note.id, body: note.body, author: note.author, createdAt: note.createdAt };
}

/** The admin timeline: every transition (status, money, goods, returns) and every note, oldest first. */
export async function orderTimeline(ctx: ServiceContext, id: string): Promise<TimelineEntry[]> {
  requireAdmin(ctx.actor, "orders:read");
  const row = await readableRow(ctx, id);
  const [transitions, notes] = await Promise.all([
    ctx.db.select().from(orderTransitions).where(eq(orderTransitions.orderId, id)).orderBy(asc(orderTransitions.fromVersion)),
    ctx.db.select().from(orderNotes).where(eq(orderNotes.orderId, id)).orderBy(asc(orderNotes.createdAt)),
  ]);
  const entries: TimelineEntry[] = [
    { at: row.placedAt, kind: "placed", actor: row.customerId ? `customer:${row.customerId}` : "guest", summary: `Order ${row.number} placed`, detail: null },
    ...transitions.map((t) => ({
      at: t.at,
      kind: t.change,
      actor: t.actor,
      summary: timelineSummary(t),
      detail: { fromStatus: t.fromStatus, toStatus: t.toStatus, ...(t.detail ?? {}) },
    })),
    ...notes.map((n) => ({ at: n.createdAt, kind: "note" as const, actor: n.author, summary: n.body, detail: null })),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

function timelineSummary(t: typeof orderTransitions.$inferSelect): string {
  const d = (t.detail ?? {}) as { paymentStatus?: { to: string }; fulfillmentStatus?: { to: string }; operations?: { kind: string; amount: number }[]; summary?: string };
  const parts: string[] = [];
  if (t.fromStatus !== t.toStatus) parts.push(`${t.fromStatus} -> ${t.toStatus}`);
  for (const op of d.operations ?? []) parts.push(`${op.kind} ${op.amount}`);
  if (d.summary) parts.push(d.summary);
  if (d.paymentStatus) parts.push(`payment ${d.paymentStatus.to}`);
  if (d.fulfillmentStatus) parts.push(`fulfilment ${d.fulfillmentStatus.to}`);
  return parts.join("; ") || t.change;
}
