import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { actorLabel, requireAdmin, type ServiceContext } from "../../context";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { log } from "../../shared/log";
import { parseInput } from "../../shared/validation";
import type { NewEvent } from "../events";
import { fulfilledQuantities } from "../fulfillments";
import { restockReturn } from "../inventory";
import { changeOrder, orderLinesOf, readableRow, type OrderRow } from "../orders";
import { refundPayment } from "../payments";
import type { OrderReturn} from "./schemas";
import { ReceiveReturnInput, RequestReturnInput } from "./schemas";
import { orderReturns, returnLines, type ReturnStatus } from "./tables";

type ReturnRow = typeof orderReturns.$inferSelect;
type ReturnLineRow = typeof returnLines.$inferSelect;

function toReturn(r: ReturnRow, lines: ReturnLineRow[], currency: string): OrderReturn {
  return {
    id: r.id,
    orderId: r.orderId,
    status: r.status,
    reason: r.reason,
    requestedBy: r.requestedBy,
    lines: lines.filter((l) => l.returnId === r.id).map((l) => ({ id: l.id, orderLineId: l.orderLineId, sku: l.sku, quantity: l.quantity, restockedAt: l.restockedAt })),
    refund: r.refundAmount === null ? null : { amount: r.refundAmount, currency },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function returnEvent(type: NewEvent["type"], r: ReturnRow, order: OrderRow, lines: ReturnLineRow[], status: ReturnStatus, refund: number | null = null): NewEvent {
  return {
    type,
    resource: { type: "return", id: r.id },
    data: {
      id: r.id,
      orderId: order.id,
      orderNumber: order.number,
      status,
      reason: r.reason,
      lines: lines.map((l) => ({ orderLineId: l.orderLineId, sku: l.sku, quantity: l.quantity })),
      refund: refund === null ? null : { amount: refund, currency: order.currency },
    },
  };
}

/**
 * A customer (their own order), a guest (with the order token) or an admin asks to return units that
 * were fulfilled. Never more than was fulfilled minus what other open or received returns claim:
 * the request is one guarded order transition, so concurrent requests re-plan against each other.
 */
export async function requestReturn(ctx: ServiceContext, orderId: string, rawInput: unknown): Promise<OrderReturn> {
  const input = parseInput(RequestReturnInput, rawInput);
  const order = await readableRow(ctx, orderId);
  const by = ctx.actor.kind === "anonymous" ? "guest" : actorLabel(ctx.actor);
  let created: { row: ReturnRow; lines: ReturnLineRow[] } | undefined;
  await changeOrder(
    ctx,
    orderId,
    by,
    async (row) => {
      const [lines, fulfilled, claimed] = await Promise.all([orderLinesOf(ctx.db, orderId), fulfilledQuantities(ctx.db, orderId), claimedQuantities(ctx, orderId)]);
      const at = new Date().toISOString();
      const r: ReturnRow = { id: newId("return"), orderId, status: "requested", reason: input.reason ?? null, requestedBy: by, refundOperationId: null, refundAmount: null, createdAt: at, updatedAt: at };
      const rl = input.lines.map((w, i): ReturnLineRow => {
        const line = lines.find((l) => l.id === w.lineId);
        if (!line) throw new ServiceError("VALIDATION_FAILED", "Unknown order line.", { errors: [{ pointer: `/lines/${i}/lineId`, detail: `Line '${w.lineId}' is not on this order.` }] });
        const left = (fulfilled.get(line.id) ?? 0) - (claimed.get(line.id) ?? 0);
        if (w.quantity > left) throw new ServiceError("VALIDATION_FAILED", "More units than can be returned.", { errors: [{ pointer: `/lines/${i}/quantity`, detail: `${left} unit(s) of this line were fulfilled and are not being returned already.` }] });
        return { id: newId("returnLine"), returnId: r.id, orderId, orderLineId: line.id, sku: line.sku, quantity: w.quantity, restockedAt: null };
      });
      created = { row: r, lines: rl };
      return {
        change: "return" as const,
        detail: { returnId: r.id, summary: `return requested (${rl.reduce((s, l) => s + l.quantity, 0)} unit(s))` },
        statements: [ctx.db.insert(orderReturns).values(r), ctx.db.insert(returnLines).values(rl)],
        events: [returnEvent("return.requested", r, row, rl, "requested")],
      };
    },
    { retries: 3 },
  );
  return toReturn(created!.row, created!.lines, order.currency);
}

/** Units of each order line in returns that are not rejected. */
async function claimedQuantities(ctx: ServiceContext, orderId: string): Promise<Map<string, number>> {
  const rows = await ctx.db
    .select({ orderLineId: returnLines.orderLineId, quantity: returnLines.quantity, status: orderReturns.status })
    .from(returnLines)
    .innerJoin(orderReturns, eq(orderReturns.id, returnLines.returnId))
    .where(eq(returnLines.orderId, orderId));
  const claimed = new Map<string, number>();
  for (const r of rows) if (r.status !== "rejected") claimed.set(r.orderLineId, (claimed.get(r.orderLineId) ?? 0) + r.quantity);
  return claimed;
}

async function loadReturn(ctx: ServiceContext, id: string): Promise<{ row: ReturnRow; lines: ReturnLineRow[] }> {
  const row = await ctx.db.select().from(orderReturns).where(eq(orderReturns.id, id)).get();
  if (!row) throw notFound("Return", id);
  const lines = await ctx.db.select().from(returnLines).where(eq(returnLines.returnId, id)).orderBy(asc(returnLines.id));
  return { row, lines };
}

/** requested -> approved | rejected, or approved -> received: one guarded order transition (so a status moves once). */
async function moveReturn(ctx: ServiceContext, id: string, from: ReturnStatus, to: ReturnStatus, extra: (r: ReturnRow) => BatchItem<"sqlite">[] = () => []): Promise<ReturnRow> {
  requireAdmin(ctx.actor, "orders:write");
  const { row: read } = await loadReturn(ctx, id);
  await readableRow(ctx, read.orderId);
  const by = actorLabel(ctx.actor);
  await changeOrder(
    ctx,
    read.orderId,
    by,
    async (order) => {
      const { row, lines } = await loadReturn(ctx, id);
      if (row.status !== from) throw new ServiceError("CONFLICT", `A return that is ${row.status} cannot become ${to}.`, { extra: { returnStatus: row.status } });
      const at = new Date().toISOString();
      return {
        change: "return" as const,
        detail: { returnId: id, summary: `return ${to}` },
        statements: [
          ctx.db.update(orderReturns).set({ status: to, updatedAt: at }).where(and(eq(orderReturns.id, id), eq(orderReturns.status, from))),
          ...extra(row),
        ],
        events: [returnEvent(`return.${to}` as NewEvent["type"], row, order, lines, to)],
      };
    },
    { retries: 3 },
  );
  return (await loadReturn(ctx, id)).row;
}

export async function approveReturn(ctx: ServiceContext, id: string): Promise<OrderReturn> {
  await moveReturn(ctx, id, "requested", "approved");
  return getReturn(ctx, id);
}

export async function rejectReturn(ctx: ServiceContext, id: string): Promise<OrderReturn> {
  await moveReturn(ctx, id, "requested", "rejected");
  return getReturn(ctx, id);
}

/**
 * approved -> received. The units go back to stock through the inventory object, exactly once per
 * return line (the line's id is the object's idempotency key; `restocked_at` records it). A call
 * for a return that is already received finishes a restock that failed half-way, and nothing else.
 * With `refund: true`, the returned lines are refunded (once: the refund is stored on the return).
 */
export async function receiveReturn(ctx: ServiceContext, id: string, rawInput: unknown = {}, key?: string | null): Promise<OrderReturn> {
  const input = parseInput(ReceiveReturnInput, rawInput ?? {});
  requireAdmin(ctx.actor, "orders:write");
  const current = await loadReturn(ctx, id);
  if (current.row.status !== "received") await moveReturn(ctx, id, "approved", "received");
  const { row, lines } = await loadReturn(ctx, id);
  for (const line of lines.filter((l) => l.restockedAt === null)) {
    try {
      await restockReturn(ctx.env, { sku: line.sku, key: line.id, orderId: row.orderId, quantity: line.quantity });
      await ctx.db.update(returnLines).set({ restockedAt: new Date().toISOString() }).where(and(eq(returnLines.id, line.id), isNull(returnLines.restockedAt)));
    } catch (error) {
      log.warn("return restock failed; receive the return again to finish", { returnId: id, sku: line.sku, error: String(error) });
      throw error;
    }
  }
  if (input.refund && row.refundOperationId === null) {
    // One refund per return: claimed by a conditional write before the money moves.
    const claim = `claimed:${crypto.randomUUID()}`;
    const claimed = await ctx.db.update(orderReturns).set({ refundOperationId: claim }).where(and(eq(orderReturns.id, id), isNull(orderReturns.refundOperationId))).returning({ id: orderReturns.id });
    if (claimed.length > 0) {
      try {
        const refund = await refundPayment(
          ctx,
          row.orderId,
          { lines: lines.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity })), reason: `return ${id}` },
          key ?? `return:${id}`,
        );
        await ctx.db.update(orderReturns).set({ refundOperationId: refund.id, refundAmount: refund.amount }).where(and(eq(orderReturns.id, id), eq(orderReturns.refundOperationId, claim)));
      } catch (error) {
        await ctx.db.update(orderReturns).set({ refundOperationId: null }).where(and(eq(orderReturns.id, id), eq(orderReturns.refundOperationId, claim)));
        throw error;
      }
    }
  }
  return getReturn(ctx, id);
}

export async function getReturn(ctx: ServiceContext, id: string): Promise<OrderReturn> {
  const { row, lines } = await loadReturn(ctx, id);
  const order = await readableRow(ctx, row.orderId);
  return toReturn(row, lines, order.currency);
}

/** An order's returns (anyone who may read the order). */
export async function listReturns(ctx: ServiceContext, orderId: string): Promise<OrderReturn[]> {
  const order = await readableRow(ctx, orderId);
  return (await returnsOf(ctx.db, [orderId], order.currency)).get(orderId) ?? [];
}

export async function returnsOf(db: ServiceContext["db"], orderIds: readonly string[], currency: string): Promise<Map<string, OrderReturn[]>> {
  const ids = [...orderIds];
  const rows = await db.select().from(orderReturns).where(inArray(orderReturns.orderId, ids)).orderBy(asc(orderReturns.createdAt));
  const lines = rows.length ? await db.select().from(returnLines).where(inArray(returnLines.orderId, ids)) : [];
  const out = new Map<string, OrderReturn[]>();
  for (const r of rows) out.set(r.orderId, [...(out.get(r.orderId) ?? []), toReturn(r, lines, currency)]);
  return out;
}
