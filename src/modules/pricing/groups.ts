import { and, asc, eq, gt, inArray, or } from "drizzle-orm";
import { PRICING_READ_SCOPES, requireAdmin, requireAnyScope, type ServiceContext } from "../../context";
import { isUniqueViolation } from "../../shared/db-errors";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, pageOf, type Page } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { customerExists } from "./directory";
import { CreateCustomerGroupInput, ListPageInput, UpdateCustomerGroupInput, type CustomerGroup, type CustomerGroupMember } from "./schemas";
import { customerGroupMembers, customerGroups } from "./tables";

const now = () => new Date().toISOString();

function handleConflict(error: unknown): never {
  if (isUniqueViolation(error, "customer_groups.handle")) throw new ServiceError("CONFLICT", "Another customer group uses this handle.", { errors: [{ pointer: "/handle", detail: "Already in use." }] });
  throw error;
}

export async function listCustomerGroups(ctx: ServiceContext): Promise<CustomerGroup[]> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  return ctx.db.select().from(customerGroups).orderBy(asc(customerGroups.handle));
}

async function findGroup(ctx: Pick<ServiceContext, "db">, handleOrId: string): Promise<CustomerGroup | undefined> {
  return ctx.db.select().from(customerGroups).where(or(eq(customerGroups.handle, handleOrId), eq(customerGroups.id, handleOrId))).get();
}

export async function getCustomerGroup(ctx: ServiceContext, handleOrId: string): Promise<CustomerGroup> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  const group = await findGroup(ctx, handleOrId);
  if (!group) throw notFound("Customer group", handleOrId);
  return group;
}

/** A group named by a write (a price list's target): unknown is a 400 on `pointer`. */
export async function requireCustomerGroup(ctx: Pick<ServiceContext, "db">, handleOrId: string, pointer: string): Promise<CustomerGroup> {
  const group = await findGroup(ctx, handleOrId);
  if (!group) throw new ServiceError("VALIDATION_FAILED", `Unknown customer group '${handleOrId}'.`, { errors: [{ pointer, detail: "No customer group has this handle or id." }] });
  return group;
}

export async function createCustomerGroup(ctx: ServiceContext, rawInput: unknown): Promise<CustomerGroup> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(CreateCustomerGroupInput, rawInput);
  const at = now();
  try {
    const [row] = await ctx.db.insert(customerGroups).values({ id: newId("customerGroup"), ...input, createdAt: at, updatedAt: at }).returning();
    return row!;
  } catch (error) {
    handleConflict(error);
  }
}

export async function updateCustomerGroup(ctx: ServiceContext, handleOrId: string, rawInput: unknown): Promise<CustomerGroup> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(UpdateCustomerGroupInput, rawInput);
  const existing = await getCustomerGroup(ctx, handleOrId);
  try {
    const [row] = await ctx.db.update(customerGroups).set({ ...input, updatedAt: now() }).where(eq(customerGroups.id, existing.id)).returning();
    if (!row) throw notFound("Customer group", handleOrId);
    return row;
  } catch (error) {
    handleConflict(error);
  }
}

/** Deleting a group removes its memberships and the price lists aimed at it. */
export async function deleteCustomerGroup(ctx: ServiceContext, handleOrId: string): Promise<void> {
  requireAdmin(ctx.actor, "pricing:write");
  const existing = await getCustomerGroup(ctx, handleOrId);
  await ctx.db.delete(customerGroups).where(eq(customerGroups.id, existing.id));
}

export async function addCustomerGroupMember(ctx: ServiceContext, handleOrId: string, customerId: string): Promise<CustomerGroupMember> {
  requireAdmin(ctx.actor, "pricing:write");
  const group = await getCustomerGroup(ctx, handleOrId);
  if (!(await customerExists(ctx.db, customerId))) throw notFound("Customer", customerId);
  // Idempotent: adding a member twice keeps the first membership.
  await ctx.db.insert(customerGroupMembers).values({ groupId: group.id, customerId, addedAt: now() }).onConflictDoNothing();
  const row = await ctx.db
    .select({ customerId: customerGroupMembers.customerId, addedAt: customerGroupMembers.addedAt })
    .from(customerGroupMembers)
    .where(and(eq(customerGroupMembers.groupId, group.id), eq(customerGroupMembers.customerId, customerId)))
    .get();
  return row!;
}

export async function removeCustomerGroupMember(ctx: ServiceContext, handleOrId: string, customerId: string): Promise<void> {
  requireAdmin(ctx.actor, "pricing:write");
  const group = await getCustomerGroup(ctx, handleOrId);
  const removed = await ctx.db
    .delete(customerGroupMembers)
    .where(and(eq(customerGroupMembers.groupId, group.id), eq(customerGroupMembers.customerId, customerId)))
    .returning({ customerId: customerGroupMembers.customerId });
  if (removed.length === 0) throw notFound("Member", customerId);
}

export async function listCustomerGroupMembers(ctx: ServiceContext, handleOrId: string, rawInput: unknown = {}): Promise<Page<CustomerGroupMember>> {
  const group = await getCustomerGroup(ctx, handleOrId);
  const input = parseInput(ListPageInput, rawInput);
  const rows = await ctx.db
    .select({ customerId: customerGroupMembers.customerId, addedAt: customerGroupMembers.addedAt })
    .from(customerGroupMembers)
    .where(and(eq(customerGroupMembers.groupId, group.id), input.cursor ? gt(customerGroupMembers.customerId, decodeCursor(input.cursor).id) : undefined))
    .orderBy(asc(customerGroupMembers.customerId))
    .limit(input.limit + 1);
  return pageOf(rows, input.limit, (r) => ({ v: null, id: r.customerId }), Boolean(input.cursor));
}

/** A shopper's groups, for pricing (price lists, tax exemption) and promotions. Guests have none. */
export async function customerGroupsOf(ctx: Pick<ServiceContext, "db">, customerId: string | null): Promise<{ ids: string[]; taxExempt: boolean }> {
  if (!customerId) return { ids: [], taxExempt: false };
  const rows = await ctx.db
    .select({ id: customerGroups.id, taxExempt: customerGroups.taxExempt })
    .from(customerGroupMembers)
    .innerJoin(customerGroups, eq(customerGroups.id, customerGroupMembers.groupId))
    .where(eq(customerGroupMembers.customerId, customerId));
  return { ids: rows.map((r) => r.id).sort(), taxExempt: rows.some((r) => r.taxExempt) };
}

/** Groups of many customers (GraphQL Customer.groups). */
export async function groupsOfCustomers(ctx: Pick<ServiceContext, "db">, customerIds: readonly string[]): Promise<Map<string, CustomerGroup[]>> {
  if (customerIds.length === 0) return new Map();
  const rows = await ctx.db
    .select({ customerId: customerGroupMembers.customerId, group: customerGroups })
    .from(customerGroupMembers)
    .innerJoin(customerGroups, eq(customerGroups.id, customerGroupMembers.groupId))
    .where(inArray(customerGroupMembers.customerId, [...customerIds]));
  const out = new Map<string, CustomerGroup[]>();
  for (const r of rows) out.set(r.customerId, [...(out.get(r.customerId) ?? []), r.group]);
  return out;
}
