import { and, asc, count, desc, eq, gt, lt, or, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { PRICING_READ_SCOPES, requireAdmin, requireAnyScope, type ServiceContext } from "../../context";
import { notFound, ServiceError, type FieldError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, pageOf, type Page } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { eventInsert, publishAfterResponse } from "../events";
import { purgeCatalogCache } from "../protection";
import { variantProducts } from "./directory";
import { requireCustomerGroup } from "./groups";
import { requireMarket } from "./markets";
import {
  CreatePriceListInput,
  ListPageInput,
  ListPriceListsInput,
  SetPriceListPricesInput,
  UpdatePriceListInput,
  type PriceList,
  type PriceListPrice,
} from "./schemas";
import { priceListPrices, priceLists } from "./tables";

type ListRow = typeof priceLists.$inferSelect;
type PriceInput = { variantId: string; minQuantity: number; amount: number | null; compareAtAmount?: number | null | undefined };

const iso = (value: string | null | undefined) => (value ? new Date(value).toISOString() : value);

async function priceCount(ctx: ServiceContext, id: string): Promise<number> {
  const row = await ctx.db.select({ n: count() }).from(priceListPrices).where(eq(priceListPrices.priceListId, id)).get();
  return row?.n ?? 0;
}

async function toPriceList(ctx: ServiceContext, row: ListRow): Promise<PriceList> {
  const { createdAt, updatedAt, ...rest } = row;
  return { ...rest, priceCount: await priceCount(ctx, row.id), createdAt, updatedAt };
}

async function loadList(ctx: ServiceContext, id: string): Promise<ListRow> {
  const row = await ctx.db.select().from(priceLists).where(eq(priceLists.id, id)).get();
  if (!row) throw notFound("Price list", id);
  return row;
}

export async function getPriceList(ctx: ServiceContext, id: string): Promise<PriceList> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  return toPriceList(ctx, await loadList(ctx, id));
}

export async function listPriceLists(ctx: ServiceContext, rawInput: unknown = {}): Promise<Page<PriceList>> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  const input = parseInput(ListPriceListsInput, rawInput);
  const market = input.market ? await requireMarket(ctx, input.market, "/market") : null;
  const where: (SQL | undefined)[] = [
    market ? eq(priceLists.marketId, market.id) : undefined,
    input.status ? eq(priceLists.status, input.status) : undefined,
  ];
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    where.push(or(lt(priceLists.createdAt, String(c.v)), and(eq(priceLists.createdAt, String(c.v)), lt(priceLists.id, c.id))));
  }
  const rows = await ctx.db.select().from(priceLists).where(and(...where)).orderBy(desc(priceLists.createdAt), desc(priceLists.id)).limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: r.createdAt, id: r.id }), Boolean(input.cursor));
  return { ...page, items: await Promise.all(page.items.map((r) => toPriceList(ctx, r))) };
}

export async function listPriceListPrices(ctx: ServiceContext, id: string, rawInput: unknown = {}): Promise<Page<PriceListPrice>> {
  requireAnyScope(ctx.actor, PRICING_READ_SCOPES);
  await loadList(ctx, id);
  const input = parseInput(ListPageInput, rawInput);
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const rows = await ctx.db
    .select({ variantId: priceListPrices.variantId, minQuantity: priceListPrices.minQuantity, amount: priceListPrices.amount, compareAtAmount: priceListPrices.compareAtAmount })
    .from(priceListPrices)
    .where(
      and(
        eq(priceListPrices.priceListId, id),
        after ? or(gt(priceListPrices.variantId, after.id), and(eq(priceListPrices.variantId, after.id), gt(priceListPrices.minQuantity, Number(after.v)))) : undefined,
      ),
    )
    .orderBy(asc(priceListPrices.variantId), asc(priceListPrices.minQuantity))
    .limit(input.limit + 1);
  return pageOf(rows, input.limit, (r) => ({ v: r.minQuantity, id: r.variantId }), Boolean(input.cursor));
}

/** Upserts and removals of a list's prices, validated: every variant exists, each (variant, tier) once. */
async function priceStatements(ctx: ServiceContext, listId: string, prices: readonly PriceInput[], pointer: string): Promise<BatchItem<"sqlite">[]> {
  if (prices.length === 0) return [];
  const products = await variantProducts(ctx.db, prices.map((p) => p.variantId));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  prices.forEach((p, i) => {
    if (!products.has(p.variantId)) errors.push({ pointer: `${pointer}/${i}/variantId`, detail: `Variant '${p.variantId}' does not exist.` });
    const key = `${p.variantId}|${p.minQuantity}`;
    if (seen.has(key)) errors.push({ pointer: `${pointer}/${i}`, detail: "This variant and minQuantity appear twice." });
    seen.add(key);
  });
  if (errors.length > 0) throw new ServiceError("VALIDATION_FAILED", "Some prices cannot be set.", { errors });
  const upserts = prices.flatMap((p) =>
    p.amount === null
      ? []
      : [{ priceListId: listId, variantId: p.variantId, productId: products.get(p.variantId)!, minQuantity: p.minQuantity, amount: p.amount, compareAtAmount: p.compareAtAmount ?? null }],
  );
  const statements: BatchItem<"sqlite">[] = [];
  // 6 bound parameters a row: at most 16 rows per statement.
  for (let i = 0; i < upserts.length; i += 16) {
    statements.push(
      ctx.db
        .insert(priceListPrices)
        .values(upserts.slice(i, i + 16))
        .onConflictDoUpdate({
          target: [priceListPrices.priceListId, priceListPrices.variantId, priceListPrices.minQuantity],
          set: { amount: sql`excluded.amount`, compareAtAmount: sql`excluded.compare_at_amount` },
        }),
    );
  }
  for (const p of prices.filter((x) => x.amount === null)) {
    statements.push(
      ctx.db
        .delete(priceListPrices)
        .where(and(eq(priceListPrices.priceListId, listId), eq(priceListPrices.variantId, p.variantId), eq(priceListPrices.minQuantity, p.minQuantity))),
    );
  }
  return statements;
}

function listEvent(ctx: ServiceContext, type: "price_list.created" | "price_list.updated" | "price_list.deleted", row: ListRow, changed: string[], at: string) {
  const { id, name, status, currency, marketId, customerGroupId, startsAt, endsAt } = row;
  return eventInsert(ctx.db, { type, resource: { type: "price_list", id }, data: { id, name, status, currency, marketId, customerGroupId, startsAt, endsAt, changed } }, at);
}

async function commit(ctx: ServiceContext, statements: BatchItem<"sqlite">[]): Promise<void> {
  await ctx.db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  publishAfterResponse(ctx);
  // Catalog reads show the market's current prices: cached pages must not outlive a price list change.
  ctx.waitUntil(purgeCatalogCache(ctx.env));
}

/** The market and group a list targets, resolved and checked against the list's currency. */
async function targets(ctx: ServiceContext, input: { market?: string | null | undefined; customerGroup?: string | null | undefined }, currency: string) {
  const market = input.market ? await requireMarket(ctx, input.market, "/market") : (input.market as null | undefined);
  if (market && market.currency !== currency) {
    throw new ServiceError("VALIDATION_FAILED", `Market '${market.handle}' sells in ${market.currency}, the list is in ${currency}.`, {
      errors: [{ pointer: "/market", detail: `Use a market in ${currency}.` }],
    });
  }
  const group = input.customerGroup ? await requireCustomerGroup(ctx, input.customerGroup, "/customerGroup") : (input.customerGroup as null | undefined);
  return {
    ...(market !== undefined && { marketId: market?.id ?? null }),
    ...(group !== undefined && { customerGroupId: group?.id ?? null }),
  };
}

export async function createPriceList(ctx: ServiceContext, rawInput: unknown): Promise<PriceList> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(CreatePriceListInput, rawInput);
  const at = new Date().toISOString();
  const row: ListRow = {
    id: newId("priceList"),
    name: input.name,
    description: input.description ?? null,
    status: input.status,
    currency: input.currency,
    marketId: null,
    customerGroupId: null,
    ...(await targets(ctx, input, input.currency)),
    startsAt: iso(input.startsAt) ?? null,
    endsAt: iso(input.endsAt) ?? null,
    createdAt: at,
    updatedAt: at,
  };
  const prices = await priceStatements(ctx, row.id, input.prices ?? [], "/prices");
  await commit(ctx, [ctx.db.insert(priceLists).values(row), ...prices, listEvent(ctx, "price_list.created", row, [], at)]);
  return getPriceList(ctx, row.id);
}

export async function updatePriceList(ctx: ServiceContext, id: string, rawInput: unknown): Promise<PriceList> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(UpdatePriceListInput, rawInput);
  const existing = await loadList(ctx, id);
  const { market: _market, customerGroup: _group, startsAt, endsAt, ...fields } = input;
  const next: ListRow = {
    ...existing,
    ...fields,
    ...(await targets(ctx, input, existing.currency)),
    ...(startsAt !== undefined && { startsAt: iso(startsAt) ?? null }),
    ...(endsAt !== undefined && { endsAt: iso(endsAt) ?? null }),
    updatedAt: new Date().toISOString(),
  };
  if (next.startsAt && next.endsAt && next.startsAt >= next.endsAt) {
    throw new ServiceError("VALIDATION_FAILED", "endsAt must be after startsAt.", { errors: [{ pointer: "/endsAt", detail: "Before the list starts." }] });
  }
  await commit(ctx, [
    ctx.db.update(priceLists).set(next).where(eq(priceLists.id, id)),
    listEvent(ctx, "price_list.updated", next, Object.keys(input).sort(), next.updatedAt),
  ]);
  return getPriceList(ctx, id);
}

export async function setPriceListPrices(ctx: ServiceContext, id: string, rawInput: unknown): Promise<PriceList> {
  requireAdmin(ctx.actor, "pricing:write");
  const input = parseInput(SetPriceListPricesInput, rawInput);
  const existing = await loadList(ctx, id);
  const at = new Date().toISOString();
  const statements = await priceStatements(ctx, id, input.prices, "/prices");
  await commit(ctx, [
    ...statements,
    ctx.db.update(priceLists).set({ updatedAt: at }).where(eq(priceLists.id, id)),
    listEvent(ctx, "price_list.updated", { ...existing, updatedAt: at }, ["prices"], at),
  ]);
  return getPriceList(ctx, id);
}

export async function deletePriceList(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, "pricing:write");
  const existing = await loadList(ctx, id);
  const at = new Date().toISOString();
  await commit(ctx, [ctx.db.delete(priceLists).where(eq(priceLists.id, id)), listEvent(ctx, "price_list.deleted", existing, [], at)]);
}
