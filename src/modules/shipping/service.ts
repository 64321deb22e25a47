import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import { PRICING_READ_SCOPES, requireAdmin, requireAnyScope, type ServiceContext } from "../../context";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, pageOf, type Page } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { requireMarket } from "../pricing";
import { existingTaxClasses } from "../tax";
import { methodShapeErrors } from "./rates";
import {
  CreateShippingMethodInput,
  CreateShippingZoneInput,
  ListShippingMethodsInput,
  UpdateShippingMethodInput,
  UpdateShippingZoneInput,
  type ShippingMethod,
  type ShippingZone,
} from "./schemas";
import { shippingMethods, shippingZones } from "./tables";

const now = () => new Date().toISOString();
type MethodRow = typeof shippingMethods.$inferSelect;

function toMethod(row: MethodRow): ShippingMethod {
  return { ...row };
}

// ---------------------------------------------------------------------------------------------
// Zones

export async function listShippingZones(ctx: ServiceContext): Promise<ShippingZone[]> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  return ctx.db.select().from(shippingZones).orderBy(asc(shippingZones.name), asc(shippingZones.id));
}

export async function getShippingZone(ctx: ServiceContext, id: string): Promise<ShippingZone> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  const row = await ctx.db.select().from(shippingZones).where(eq(shippingZones.id, id)).get();
  if (!row) throw notFound("Shipping zone", id);
  return row;
}

export async function createShippingZone(ctx: ServiceContext, rawInput: unknown): Promise<ShippingZone> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(CreateShippingZoneInput, rawInput);
  const at = now();
  const [row] = await ctx.db.insert(shippingZones).values({ id: newId("shippingZone"), ...input, createdAt: at, updatedAt: at }).returning();
  return row!;
}

export async function updateShippingZone(ctx: ServiceContext, id: string, rawInput: unknown): Promise<ShippingZone> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(UpdateShippingZoneInput, rawInput);
  const [row] = await ctx.db.update(shippingZones).set({ ...input, updatedAt: now() }).where(eq(shippingZones.id, id)).returning();
  if (!row) throw notFound("Shipping zone", id);
  return row;
}

/** Its methods go with it. */
export async function deleteShippingZone(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, "pricing:write");
  const deleted = await ctx.db.delete(shippingZones).where(eq(shippingZones.id, id)).returning({ id: shippingZones.id });
  if (deleted.length === 0) throw notFound("Shipping zone", id);
}

// ---------------------------------------------------------------------------------------------
// Methods

export async function listShippingMethods(ctx: ServiceContext, rawInput: unknown = {}): Promise<Page<ShippingMethod>> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  const input = parseInput(ListShippingMethodsInput, rawInput);
  const where: (SQL | undefined)[] = [
    input.zoneId ? eq(shippingMethods.zoneId, input.zoneId) : undefined,
    input.marketId ? eq(shippingMethods.marketId, input.marketId) : undefined,
    input.cursor ? gt(shippingMethods.id, decodeCursor(input.cursor).id) : undefined,
  ];
  const rows = await ctx.db.select().from(shippingMethods).where(and(...where)).orderBy(asc(shippingMethods.id)).limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: null, id: r.id }), Boolean(input.cursor));
  return { ...page, items: page.items.map(toMethod) };
}

async function loadMethod(ctx: ServiceContext, id: string): Promise<MethodRow> {
  const row = await ctx.db.select().from(shippingMethods).where(eq(shippingMethods.id, id)).get();
  if (!row) throw notFound("Shipping method", id);
  return row;
}

export async function getShippingMethod(ctx: ServiceContext, id: string): Promise<ShippingMethod> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  return toMethod(await loadMethod(ctx, id));
}

/** The whole method as it would be stored must hold together: zone, market currency, tax class, kind vs bands. */
async function assertMethod(ctx: ServiceContext, method: Omit<MethodRow, "createdAt" | "updatedAt">): Promise<Omit<MethodRow, "createdAt" | "updatedAt">> {
  const errors = methodShapeErrors(method);
  if (!(await ctx.db.select({ id: shippingZones.id }).from(shippingZones).where(eq(shippingZones.id, method.zoneId)).get())) {
    errors.push({ pointer: "/zoneId", detail: `Shipping zone '${method.zoneId}' does not exist.` });
  }
  if ((await existingTaxClasses(ctx, [method.taxClass])).size === 0) errors.push({ pointer: "/taxClass", detail: `Unknown tax class '${method.taxClass}'.` });
  let marketId = method.marketId;
  if (marketId) {
    const market = await requireMarket(ctx, marketId, "/marketId");
    marketId = market.id;
    if (market.currency !== method.currency) errors.push({ pointer: "/currency", detail: `Market '${market.handle}' sells in ${market.currency}.` });
  }
  if (errors.length > 0) throw new ServiceError("VALIDATION_FAILED", "The shipping method is not consistent.", { errors });
  return { ...method, marketId };
}

export async function createShippingMethod(ctx: ServiceContext, rawInput: unknown): Promise<ShippingMethod> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(CreateShippingMethodInput, rawInput);
  const method = await assertMethod(ctx, {
    id: newId("shippingMethod"),
    zoneId: input.zoneId,
    marketId: input.marketId ?? null,
    currency: input.currency,
    name: input.name,
    description: input.description ?? null,
    kind: input.kind,
    amount: input.amount ?? null,
    bands: input.bands ?? null,
    freeOver: input.freeOver ?? null,
    taxClass: input.taxClass ?? "standard",
    active: input.active ?? true,
    position: input.position ?? 0,
  });
  const at = now();
  const [row] = await ctx.db.insert(shippingMethods).values({ ...method, createdAt: at, updatedAt: at }).returning();
  return toMethod(row!);
}

export async function updateShippingMethod(ctx: ServiceContext, id: string, rawInput: unknown): Promise<ShippingMethod> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(UpdateShippingMethodInput, rawInput);
  const { createdAt: _c, updatedAt: _u, ...existing } = await loadMethod(ctx, id);
  const method = await assertMethod(ctx, { ...existing, ...input } as Omit<MethodRow, "createdAt" | "updatedAt">);
  const [row] = await ctx.db.update(shippingMethods).set({ ...method, updatedAt: now() }).where(eq(shippingMethods.id, id)).returning();
  if (!row) throw notFound("Shipping method", id);
  return toMethod(row);
}

export async function deleteShippingMethod(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, "pricing:write");
  const deleted = await ctx.db.delete(shippingMethods).where(eq(shippingMethods.id, id)).returning({ id: shippingMethods.id });
  if (deleted.length === 0) throw notFound("Shipping method", id);
}
