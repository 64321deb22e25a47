import { and, asc, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requireAdmin, type ServiceContext } from "../../context";
import { isUniqueViolation } from "../../shared/db-errors";
import { notFound, ServiceError } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { decodeCursor, type Page, pageOf } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { eventInsert, publishAfterResponse } from "../events";
import { AddCodesInput, CreatePromotionInput, ListPromotionsInput, ListRedemptionsInput, UpdatePromotionInput, type Promotion, type Redemption } from "./schemas";
import { isUsageLimitViolation } from "./redemptions";
import { discountCodes, promotionRedemptions, promotions } from "./tables";

type PromotionRow = typeof promotions.$inferSelect;
const SCOPE = "promotions:write";
const DEFAULT_PRIORITY = 100;
const now = () => new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// Mapping

export function promotionState(row: PromotionRow, at = now()): Promotion["state"] {
  if (row.status === "disabled") return "disabled";
  if (row.startsAt !== null && at < row.startsAt) return "scheduled";
  if (row.endsAt !== null && at >= row.endsAt) return "expired";
  if (row.usageLimit !== null && row.redeemed >= row.usageLimit) return "used_up";
  return "active";
}

function toPromotion(row: PromotionRow, codes: string[]): Promotion {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    trigger: row.trigger,
    codes,
    status: row.status,
    state: promotionState(row),
    rule: row.rule,
    minimumSubtotal: row.minimumSubtotal,
    customerGroupIds: row.customerGroupIds,
    marketIds: row.marketIds,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    combinable: row.combinable,
    priority: row.priority,
    usageLimit: row.usageLimit,
    usageLimitPerCustomer: row.usageLimitPerCustomer,
    timesRedeemed: row.redeemed,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function codesOf(ctx: ServiceContext, ids: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const rows = await ctx.db
    .select({ code: discountCodes.code, promotionId: discountCodes.promotionId })
    .from(discountCodes)
    .where(inArray(discountCodes.promotionId, [...ids]))
    .orderBy(asc(discountCodes.createdAt), asc(discountCodes.code));
  for (const r of rows) map.get(r.promotionId)?.push(r.code);
  return map;
}

/** The payload of promotion.* events (src/modules/events/catalogue.ts). */
function eventData(p: Promotion) {
  return { id: p.id, title: p.title, trigger: p.trigger, status: p.status, codes: p.codes, startsAt: p.startsAt, endsAt: p.endsAt };
}

async function row(ctx: ServiceContext, id: string): Promise<PromotionRow> {
  const found = await ctx.db.select().from(promotions).where(eq(promotions.id, id)).get();
  if (!found) throw notFound("Promotion", id);
  return found;
}

/** 409 naming the codes another promotion already has, with a pointer to each. */
async function assertCodesFree(ctx: ServiceContext, codes: readonly string[]): Promise<void> {
  if (codes.length === 0) return;
  const taken = await ctx.db.select({ code: discountCodes.code }).from(discountCodes).where(inArray(discountCodes.code, [...codes]));
  if (taken.length === 0) return;
  const names = new Set(taken.map((t) => t.code));
  throw new ServiceError("CONFLICT", `Discount code${names.size > 1 ? "s" : ""} ${[...names].join(", ")} already exist${names.size > 1 ? "" : "s"}.`, {
    errors: codes.flatMap((code, i) => (names.has(code) ? [{ pointer: `/codes/${i}`, detail: "Already used by a promotion." }] : [])),
  });
}

function duplicateCodes(codes: readonly string[]): void {
  const seen = new Set<string>();
  const errors = codes.flatMap((code, i) => (seen.has(code) ? [{ pointer: `/codes/${i}`, detail: "Listed twice (codes are case-insensitive)." }] : (seen.add(code), [])));
  if (errors.length > 0) throw new ServiceError("VALIDATION_FAILED", "A code is listed twice.", { errors });
}

async function runBatch(ctx: ServiceContext, statements: BatchItem<"sqlite">[]): Promise<void> {
  try {
    await ctx.db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (error) {
    if (isUniqueViolation(error, "discount_codes.code")) throw new ServiceError("CONFLICT", "A discount code was taken by another promotion meanwhile; choose another.");
    throw error;
  }
  publishAfterResponse(ctx);
}

// ---------------------------------------------------------------------------------------------
// Admin

export async function createPromotion(ctx: ServiceContext, rawInput: unknown): Promise<Promotion> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(CreatePromotionInput, rawInput);
  const codes = input.codes ?? [];
  duplicateCodes(codes);
  await assertCodesFree(ctx, codes);
  const at = now();
  const values: PromotionRow = {
    id: newId("promotion"),
    title: input.title,
    description: input.description ?? "",
    trigger: input.trigger,
    status: input.status ?? "active",
    rule: input.rule,
    minimumSubtotal: input.minimumSubtotal ?? [],
    customerGroupIds: input.customerGroupIds ?? [],
    marketIds: input.marketIds ?? [],
    startsAt: input.startsAt ?? null,
    endsAt: input.endsAt ?? null,
    combinable: input.combinable ?? true,
    priority: input.priority ?? DEFAULT_PRIORITY,
    usageLimit: input.usageLimit ?? null,
    usageLimitPerCustomer: input.usageLimitPerCustomer ?? null,
    redeemed: 0,
    createdAt: at,
    updatedAt: at,
  };
  const promotion = toPromotion(values, codes);
  await runBatch(ctx, [
    ctx.db.insert(promotions).values(values),
    ...(codes.length > 0 ? [ctx.db.insert(discountCodes).values(codes.map((code) => ({ code, promotionId: values.id, createdAt: at })))] : []),
    eventInsert(ctx.db, { type: "promotion.created", resource: { type: "promotion", id: values.id }, data: eventData(promotion) }, at),
  ]);
  return promotion;
}

export async function getPromotion(ctx: ServiceContext, id: string): Promise<Promotion> {
  requireAdmin(ctx.actor, SCOPE);
  const found = await row(ctx, id);
  return toPromotion(found, (await codesOf(ctx, [id])).get(id)!);
}

/** Newest first; filter by trigger, status, or the promotion a code belongs to. */
export async function listPromotions(ctx: ServiceContext, rawInput: unknown): Promise<Page<Promotion>> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(ListPromotionsInput, rawInput);
  const where: (SQL | undefined)[] = [];
  if (input.trigger) where.push(eq(promotions.trigger, input.trigger));
  if (input.status) where.push(eq(promotions.status, input.status));
  if (input.code) {
    const code = await ctx.db.select({ promotionId: discountCodes.promotionId }).from(discountCodes).where(eq(discountCodes.code, input.code.toUpperCase())).get();
    where.push(eq(promotions.id, code?.promotionId ?? ""));
  }
  if (input.cursor) where.push(lt(promotions.id, decodeCursor(input.cursor).id));
  const rows = await ctx.db
    .select()
    .from(promotions)
    .where(and(...where))
    .orderBy(desc(promotions.id))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: null, id: r.id }), Boolean(input.cursor));
  const codes = await codesOf(ctx, page.items.map((r) => r.id));
  return { ...page, items: page.items.map((r) => toPromotion(r, codes.get(r.id)!)) };
}

export async function updatePromotion(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Promotion> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(UpdatePromotionInput, rawInput);
  const current = await row(ctx, id);
  const next: PromotionRow = { ...current, updatedAt: now() };
  const changed: string[] = [];
  for (const [key, value] of Object.entries(input) as [keyof typeof input, unknown][]) {
    if (value === undefined) continue;
    const stored = key === "description" ? (value ?? "") : value;
    if (JSON.stringify(current[key]) === JSON.stringify(stored)) continue;
    (next as Record<string, unknown>)[key] = stored;
    changed.push(key);
  }
  if (next.startsAt && next.endsAt && next.startsAt >= next.endsAt) {
    throw new ServiceError("VALIDATION_FAILED", "endsAt must be after startsAt.", { errors: [{ pointer: input.endsAt !== undefined ? "/endsAt" : "/startsAt", detail: "endsAt must be after startsAt." }] });
  }
  if (next.usageLimit !== null && next.usageLimit < current.redeemed) {
    throw new ServiceError("VALIDATION_FAILED", `The promotion was already redeemed ${current.redeemed} times.`, {
      errors: [{ pointer: "/usageLimit", detail: `At least ${current.redeemed} (the redemptions so far).` }],
    });
  }
  const codes = (await codesOf(ctx, [id])).get(id)!;
  const promotion = toPromotion(next, codes);
  if (changed.length === 0) return toPromotion(current, codes);
  const { id: _id, redeemed: _redeemed, createdAt: _created, ...fields } = next;
  try {
    await runBatch(ctx, [
      // Only the fields this request changes; `redeemed` belongs to checkout and is never written here.
      ctx.db.update(promotions).set(Object.fromEntries(Object.entries(fields).filter(([k]) => changed.includes(k) || k === "updatedAt"))).where(eq(promotions.id, id)),
      eventInsert(ctx.db, { type: "promotion.updated", resource: { type: "promotion", id }, data: { ...eventData(promotion), changed } }),
    ]);
  } catch (error) {
    // A checkout redeemed it past the new limit between our read and this write: the CHECK refused.
    if (isUsageLimitViolation(error)) throw new ServiceError("CONFLICT", "The promotion was redeemed meanwhile beyond the new usage limit; read it and try again.");
    throw error;
  }
  return getPromotion(ctx, id);
}

/** Only a promotion that was never redeemed can go (orders keep pointing at it); disable it otherwise. */
export async function deletePromotion(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor, SCOPE);
  await row(ctx, id);
  const used = await ctx.db.select({ id: promotionRedemptions.id }).from(promotionRedemptions).where(eq(promotionRedemptions.promotionId, id)).limit(1).get();
  if (used) throw new ServiceError("CONFLICT", `Promotion '${id}' has redemptions; disable it instead (status: disabled).`);
  try {
    await runBatch(ctx, [
      ctx.db.delete(promotions).where(eq(promotions.id, id)),
      eventInsert(ctx.db, { type: "promotion.deleted", resource: { type: "promotion", id }, data: { id } }),
    ]);
  } catch (error) {
    if (error instanceof Error && /FOREIGN KEY constraint failed/.test(String(error.cause ?? error.message))) {
      throw new ServiceError("CONFLICT", `Promotion '${id}' was redeemed meanwhile; disable it instead.`);
    }
    throw error;
  }
}

export async function addDiscountCodes(ctx: ServiceContext, id: string, rawInput: unknown): Promise<Promotion> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(AddCodesInput, rawInput);
  const current = await row(ctx, id);
  if (current.trigger !== "code") throw new ServiceError("CONFLICT", "Automatic promotions have no codes.");
  duplicateCodes(input.codes);
  await assertCodesFree(ctx, input.codes);
  const at = now();
  const codes = [...(await codesOf(ctx, [id])).get(id)!, ...input.codes];
  const promotion = toPromotion({ ...current, updatedAt: at }, codes);
  await runBatch(ctx, [
    ctx.db.insert(discountCodes).values(input.codes.map((code) => ({ code, promotionId: id, createdAt: at }))),
    ctx.db.update(promotions).set({ updatedAt: at }).where(eq(promotions.id, id)),
    eventInsert(ctx.db, { type: "promotion.updated", resource: { type: "promotion", id }, data: { ...eventData(promotion), changed: ["codes"] } }, at),
  ]);
  return promotion;
}

/** Carts that entered the code lose it; orders that used it keep it in their redemptions. */
export async function removeDiscountCode(ctx: ServiceContext, id: string, rawCode: string): Promise<Promotion> {
  requireAdmin(ctx.actor, SCOPE);
  const current = await row(ctx, id);
  const code = rawCode.trim().toUpperCase();
  const codes = (await codesOf(ctx, [id])).get(id)!;
  if (!codes.includes(code)) throw notFound("Discount code", code);
  if (codes.length === 1) throw new ServiceError("CONFLICT", "A code promotion keeps at least one code; disable the promotion instead.");
  const at = now();
  const promotion = toPromotion({ ...current, updatedAt: at }, codes.filter((c) => c !== code));
  await runBatch(ctx, [
    ctx.db.delete(discountCodes).where(and(eq(discountCodes.code, code), eq(discountCodes.promotionId, id))),
    ctx.db.update(promotions).set({ updatedAt: at }).where(eq(promotions.id, id)),
    eventInsert(ctx.db, { type: "promotion.updated", resource: { type: "promotion", id }, data: { ...eventData(promotion), changed: ["codes"] } }, at),
  ]);
  return promotion;
}

export async function listRedemptions(ctx: ServiceContext, promotionId: string, rawInput: unknown): Promise<Page<Redemption>> {
  requireAdmin(ctx.actor, SCOPE);
  const input = parseInput(ListRedemptionsInput, rawInput);
  await row(ctx, promotionId);
  const rows = await ctx.db
    .select()
    .from(promotionRedemptions)
    .where(and(eq(promotionRedemptions.promotionId, promotionId), input.cursor ? lt(promotionRedemptions.id, decodeCursor(input.cursor).id) : undefined))
    .orderBy(desc(promotionRedemptions.id))
    .limit(input.limit + 1);
  const page = pageOf(rows, input.limit, (r) => ({ v: null, id: r.id }), Boolean(input.cursor));
  return {
    ...page,
    items: page.items.map((r) => ({
      id: r.id,
      promotionId: r.promotionId,
      code: r.code,
      orderId: r.orderId,
      customerKey: r.customerKey,
      amount: { amount: r.amount, currency: r.currency },
      status: r.status,
      redeemedAt: r.redeemedAt,
      returnedAt: r.returnedAt,
    })),
  };
}
