import { asc, eq, inArray } from "drizzle-orm";
import { actorLabel, requireAdmin, type ServiceContext } from "../../context";
import { ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { parseInput } from "../../shared/validation";
import { changeOrder, orderLinesOf, readableRow, type OrderLineRow, type OrderRow } from "../orders";
import { CreateFulfillmentInput, type Fulfillment } from "./schemas";
import { fulfillmentLines, fulfillments } from "./tables";

/** Units of each order line fulfilled so far. */
export async function fulfilledQuantities(db: ServiceContext["db"], orderId: string): Promise<Map<string, number>> {
  const rows = await db.select().from(fulfillmentLines).where(eq(fulfillmentLines.orderId, orderId));
  const done = new Map<string, number>();
  for (const r of rows) done.set(r.orderLineId, (done.get(r.orderLineId) ?? 0) + r.quantity);
  return done;
}

/** Goods leave once the money is secured: the order is paid, or placed with its payment authorised (capture on shipment). */
function canFulfil(row: OrderRow): boolean {
  return row.status === "paid" || (row.status === "placed" && row.paymentStatus === "authorized");
}

/**
 * Ship some (or all remaining) units, with tracking. One guarded order transition: the fulfilment
 * and its lines commit with the order's new fulfilment status (partially_fulfilled, or fulfilled
 * when every unit is, which fulfils a paid order: event order.fulfilled). Two concurrent
 * fulfilments re-plan against each other, so no line is ever fulfilled beyond its quantity.
 */
export async function createFulfillment(ctx: ServiceContext, orderId: string, rawInput: unknown, options: { legacy?: boolean } = {}): Promise<Fulfillment> {
  const input = parseInput(CreateFulfillmentInput, rawInput ?? {});
  requireAdmin(ctx.actor, "orders:write");
  await readableRow(ctx, orderId);
  const by = actorLabel(ctx.actor);
  let created: Fulfillment | undefined;
  await changeOrder(
    ctx,
    orderId,
    by,
    async (row) => {
      const allowed = options.legacy ? row.status === "paid" : canFulfil(row);
      if (!allowed) {
        throw new ServiceError("CONFLICT", `An order that is ${row.status} (payment ${row.paymentStatus}) cannot be fulfilled${options.legacy ? "" : "; it must be paid, or placed with its payment authorised"}.`, {
          extra: { orderStatus: row.status, paymentStatus: row.paymentStatus },
        });
      }
      const lines = await orderLinesOf(ctx.db, orderId);
      const done = await fulfilledQuantities(ctx.db, orderId);
      const wanted = input.lines ?? lines.map((l) => ({ lineId: l.id, quantity: l.quantity - (done.get(l.id) ?? 0) })).filter((w) => w.quantity > 0);
      if (wanted.length === 0) throw new ServiceError("CONFLICT", "Every unit of this order is already fulfilled.");
      const picked = wanted.map((w, i) => pick(lines, done, w, i));
      const after = new Map(done);
      for (const p of picked) after.set(p.line.id, (after.get(p.line.id) ?? 0) + p.quantity);
      const complete = lines.every((l) => (after.get(l.id) ?? 0) >= l.quantity);
      const at = new Date().toISOString();
      const id = newId("fulfillment");
      created = {
        id,
        orderId,
        carrier: input.carrier ?? null,
        trackingNumber: input.trackingNumber ?? null,
        trackingUrl: input.trackingUrl ?? null,
        lines: picked.map((p) => ({ orderLineId: p.line.id, sku: p.line.sku, title: p.line.title, quantity: p.quantity })),
        createdAt: at,
      };
      const fulfillmentStatus = complete ? ("fulfilled" as const) : ("partially_fulfilled" as const);
      return {
        change: "fulfillment" as const,
        fulfillmentStatus,
        detail: { fulfillmentId: id, carrier: created.carrier, trackingNumber: created.trackingNumber, summary: `shipped ${picked.reduce((s, p) => s + p.quantity, 0)} unit(s)` },
        statements: [
          ctx.db.insert(fulfillments).values({ id, orderId, carrier: created.carrier, trackingNumber: created.trackingNumber, trackingUrl: created.trackingUrl, createdBy: by, createdAt: at }),
          ctx.db.insert(fulfillmentLines).values(picked.map((p) => ({ fulfillmentId: id, orderId, orderLineId: p.line.id, quantity: p.quantity }))),
        ],
        events: [
          {
            type: "fulfillment.created" as const,
            resource: { type: "fulfillment", id },
            data: { ...created, orderNumber: row.number, email: row.email, fulfillmentStatus },
          },
        ],
      };
    },
    { retries: 3 },
  );
  return created!;
}

function pick(lines: OrderLineRow[], done: Map<string, number>, wanted: { lineId: string; quantity: number }, i: number) {
  const line = lines.find((l) => l.id === wanted.lineId);
  if (!line) throw new ServiceError("VALIDATION_FAILED", "Unknown order line.", { errors: [{ pointer: `/lines/${i}/lineId`, detail: `Line '${wanted.lineId}' is not on this order.` }] });
  const left = line.quantity - (done.get(line.id) ?? 0);
  if (wanted.quantity > left) {
    throw new ServiceError("VALIDATION_FAILED", "More units than are left to fulfil.", { errors: [{ pointer: `/lines/${i}/quantity`, detail: `Only ${left} of this line are left to fulfil.` }] });
  }
  return { line, quantity: wanted.quantity };
}

/** paid -> fulfilled, all at once (the route before fulfilments existed): fulfils every remaining unit, without tracking. */
export async function fulfilOrder(ctx: ServiceContext, orderId: string): Promise<void> {
  await createFulfillment(ctx, orderId, {}, { legacy: true });
}

/** An order's fulfilments (anyone who may read the order: its customer sees their tracking). */
export async function listFulfillments(ctx: ServiceContext, orderId: string): Promise<Fulfillment[]> {
  await readableRow(ctx, orderId);
  return fulfillmentsOf(ctx.db, [orderId]).then((m) => m.get(orderId) ?? []);
}

export async function fulfillmentsOf(db: ServiceContext["db"], orderIds: readonly string[]): Promise<Map<string, Fulfillment[]>> {
  const ids = [...orderIds];
  if (ids.length === 0) return new Map();
  const [rows, lineRows] = await Promise.all([
    db.select().from(fulfillments).where(inArray(fulfillments.orderId, ids)).orderBy(asc(fulfillments.createdAt), asc(fulfillments.id)),
    db.select().from(fulfillmentLines).where(inArray(fulfillmentLines.orderId, ids)),
  ]);
  const orderLineRows = await Promise.all(ids.map((id) => orderLinesOf(db, id)));
  const byId = new Map(orderLineRows.flat().map((l) => [l.id, l]));
  const out = new Map<string, Fulfillment[]>();
  for (const f of rows) {
    const lines = lineRows
      .filter((l) => l.fulfillmentId === f.id)
      .map((l) => ({ orderLineId: l.orderLineId, sku: byId.get(l.orderLineId)?.sku ?? "", title: byId.get(l.orderLineId)?.title ?? "", quantity: l.quantity }));
    out.set(f.orderId, [...(out.get(f.orderId) ?? []), { id: f.id, orderId: f.orderId, carrier: f.carrier, trackingNumber: f.trackingNumber, trackingUrl: f.trackingUrl, lines, createdAt: f.createdAt }]);
  }
  return out;
}
