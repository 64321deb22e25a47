import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { ServiceContext } from "../../context";
import type { Database } from "../../db/client";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { parseInput } from "../../shared/validation";
import { MAX_ADDRESSES_PER_CUSTOMER } from "./config";
import { AddressInput, UpdateAddressInput, type Address } from "./schemas";
import { requireCustomer } from "./actor";
import { customerAddresses } from "./tables";

type AddressRow = typeof customerAddresses.$inferSelect;

const now = () => new Date().toISOString();

function toAddress(row: AddressRow): Address {
  return {
    id: row.id,
    name: row.name,
    company: row.company,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postalCode: row.postalCode,
    country: row.country,
    phone: row.phone,
    isDefaultShipping: row.isDefaultShipping,
    isDefaultBilling: row.isDefaultBilling,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** One query for the addresses of many customers, oldest first. No authorisation: callers have done it. */
export async function addressesByCustomerIds(db: Database, customerIds: readonly string[]): Promise<Map<string, Address[]>> {
  const map = new Map<string, Address[]>();
  if (customerIds.length === 0) return map;
  const rows = await db
    .select()
    .from(customerAddresses)
    .where(inArray(customerAddresses.customerId, [...customerIds]))
    .orderBy(asc(customerAddresses.createdAt), asc(customerAddresses.id));
  for (const row of rows) {
    const list = map.get(row.customerId);
    if (list) list.push(toAddress(row));
    else map.set(row.customerId, [toAddress(row)]);
  }
  return map;
}

/**
 * Taking the default from the customer's other addresses goes in the same batch as giving it to
 * this one; the partial unique indexes make "at most one default" hold whatever the interleaving.
 */
function clearOtherDefaults(db: Database, customerId: string, keepId: string, kind: { shipping: boolean; billing: boolean }): BatchItem<"sqlite">[] {
  const out: BatchItem<"sqlite">[] = [];
  // Only if `keepId` exists: an address refused by the cap takes no default away.
  const kept = sql`EXISTS (SELECT 1 FROM ${customerAddresses} WHERE ${customerAddresses.id} = ${keepId})`;
  const others = and(eq(customerAddresses.customerId, customerId), ne(customerAddresses.id, keepId), kept);
  if (kind.shipping) out.push(db.update(customerAddresses).set({ isDefaultShipping: false }).where(and(others, eq(customerAddresses.isDefaultShipping, true))));
  if (kind.billing) out.push(db.update(customerAddresses).set({ isDefaultBilling: false }).where(and(others, eq(customerAddresses.isDefaultBilling, true))));
  return out;
}

/** The signed-in customer's address book, oldest first. */
export async function listMyAddresses(ctx: ServiceContext): Promise<Address[]> {
  const { customerId } = requireCustomer(ctx.actor);
  return (await addressesByCustomerIds(ctx.db, [customerId])).get(customerId) ?? [];
}

const tooManyAddresses = () => new ServiceError("CONFLICT", `A customer keeps at most ${MAX_ADDRESSES_PER_CUSTOMER} addresses; delete one first.`);

export async function addAddress(ctx: ServiceContext, rawInput: unknown): Promise<Address> {
  const { customerId } = requireCustomer(ctx.actor);
  const input = parseInput(AddressInput, rawInput);
  const existing = await ctx.db.select({ id: customerAddresses.id }).from(customerAddresses).where(eq(customerAddresses.customerId, customerId));
  if (existing.length >= MAX_ADDRESSES_PER_CUSTOMER) throw tooManyAddresses();
  const first = existing.length === 0;
  const { isDefaultShipping = first, isDefaultBilling = first, ...fields } = input;
  const at = now();
  const id = newId("address");
  const row: AddressRow = {
    id,
    customerId,
    name: fields.name,
    company: fields.company ?? null,
    line1: fields.line1,
    line2: fields.line2 ?? null,
    city: fields.city,
    region: fields.region ?? null,
    postalCode: fields.postalCode ?? null,
    country: fields.country,
    phone: fields.phone ?? null,
    isDefaultShipping,
    isDefaultBilling,
    createdAt: at,
    updatedAt: at,
  };
  // The cap is checked inside the batch that inserts: D1 runs batches one at a time, so concurrent adds cannot
  // pass it together (a read-then-insert could: ten requests that each saw 49 addresses would all insert). The
  // row goes in without defaults, comes out again if it made the book too long, and only then takes the defaults.
  const mine = eq(customerAddresses.id, id);
  const [, overCap] = await ctx.db.batch([
    ctx.db.insert(customerAddresses).values({ ...row, isDefaultShipping: false, isDefaultBilling: false }),
    ctx.db
      .delete(customerAddresses)
      .where(and(mine, sql`(SELECT count(*) FROM ${customerAddresses} WHERE ${customerAddresses.customerId} = ${customerId}) > ${MAX_ADDRESSES_PER_CUSTOMER}`))
      .returning({ id: customerAddresses.id }),
    ...clearOtherDefaults(ctx.db, customerId, id, { shipping: isDefaultShipping, billing: isDefaultBilling }),
    ctx.db.update(customerAddresses).set({ isDefaultShipping, isDefaultBilling }).where(mine),
  ]);
  if (overCap.length > 0) throw tooManyAddresses();
  return toAddress(row);
}

/** Another customer's address id answers 404, exactly like an id that does not exist. */
async function myAddressRow(ctx: ServiceContext, id: string): Promise<AddressRow> {
  const { customerId } = requireCustomer(ctx.actor);
  const row = await ctx.db
    .select()
    .from(customerAddresses)
    .where(and(eq(customerAddresses.id, id), eq(customerAddresses.customerId, customerId)))
    .get();
  if (!row) throw notFound("Address", id);
  return row;
}

export async function getMyAddress(ctx: ServiceContext, id: string): Promise<Address> {
  return toAddress(await myAddressRow(ctx, id));
}

export async function updateAddress(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Address> {
  const input = parseInput(UpdateAddressInput, rawInput);
  const existing = await myAddressRow(ctx, id);
  const at = now();
  const statements: BatchItem<"sqlite">[] = [
    ...clearOtherDefaults(ctx.db, existing.customerId, id, { shipping: input.isDefaultShipping === true, billing: input.isDefaultBilling === true }),
    ctx.db
      .update(customerAddresses)
      .set({ ...input, updatedAt: at })
      .where(and(eq(customerAddresses.id, id), eq(customerAddresses.customerId, existing.customerId))),
  ];
  await ctx.db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return getMyAddress(ctx, id);
}

/** Deleting the default address leaves the customer without that default until they choose one. */
export async function deleteAddress(ctx: ServiceContext, id: string): Promise<void> {
  const { customerId } = requireCustomer(ctx.actor);
  const deleted = await ctx.db
    .delete(customerAddresses)
    .where(and(eq(customerAddresses.id, id), eq(customerAddresses.customerId, customerId)))
    .returning({ id: customerAddresses.id });
  if (deleted.length === 0) throw notFound("Address", id);
}
