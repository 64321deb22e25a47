import { readScope, requireAdmin, type ServiceContext } from "../../context";
import type { Env } from "../../env";
import { ServiceError, notFound } from "../../shared/errors";
import { decodeCursor, type Page, pageOf } from "../../shared/pagination";
import { parseInput } from "../../shared/validation";
import { existingSkus } from "./known-skus";
import type { HoldOutcome } from "./inventory-object";
import {
  AdjustStockInput,
  CommitHoldsInput,
  HoldAllInput,
  HoldStockInput,
  LedgerQuery,
  ReleaseStockInput,
  ReturnSaleInput,
  RestockReturnInput,
  SetStockInput,
  SetStockLevelsInput,
  SkuParam,
  type StockLevelView,
} from "./schemas";
import type { AdminWriteOutcome, LedgerEntry, StockSnapshot } from "./stock-book";
import { log } from "../../shared/log";

export interface StockLevel {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

export type HoldResult =
  | { ok: true; sku: string; quantity: number; available: number; expiresAt: string | null }
  | { ok: false; sku: string; requested: number; available: number };

type HoldFailure = { sku: string; requested: number; available: number };

const stockOf = (env: Pick<Env, "INVENTORY">, sku: string) => env.INVENTORY.get(env.INVENTORY.idFromName(sku));

// ------------------------------------------------------------------------------------------
// What other modules call (exported by index.ts): carts and checkout, with trusted owners.

/**
 * Set owner's hold on sku to exactly `quantity` (0 releases); refused, changing nothing, beyond what it could hold.
 * `absorb` names owners whose holds this one takes over in the same transaction (their units count as available).
 */
export async function holdStock(env: Env, rawInput: { sku: string; owner: string; quantity: number; ttlMs: number | null; absorb?: string[] }): Promise<HoldResult> {
  const input = parseInput(HoldStockInput, rawInput);
  return withoutPrevious(await stockOf(env, input.sku).hold(input.sku, input.owner, input.quantity, input.ttlMs, undefined, input.absorb));
}

/**
 * Set a SKU's on-hand as the system (tests, benchmarks, jobs), without an admin actor or catalog check.
 * Admin requests use `setStock(ctx, …)`, which validates the SKU against the catalog and records who did it.
 */
export async function setStockOnHand(env: Env, input: { sku: string; onHand: number }): Promise<StockLevel> {
  const outcome = await stockOf(env, input.sku).setOnHand(input.sku, { onHand: input.onHand, reason: "adjustment", actor: "system" });
  if (!outcome.ok) throw writeConflict(outcome);
  const { sku, onHand, reserved, available } = outcome.level;
  return { sku, onHand, reserved, available };
}

/** Release owner's hold on sku (no-op if none). */
export async function releaseStock(env: Env, rawInput: { sku: string; owner: string }): Promise<void> {
  const input = parseInput(ReleaseStockInput, rawInput);
  await stockOf(env, input.sku).release(input.sku, input.owner);
}

/**
 * Hold every line for `owner`, all or nothing. The lines are held in parallel (one object per SKU);
 * if any fails, every hold this call changed is put back as it was before, and the failures are
 * returned. Repeated SKUs are summed, so a caller that forgot to cannot overwrite its own line.
 */
export async function holdAll(
  env: Env,
  rawInput: { owner: string; lines: { sku: string; quantity: number }[]; ttlMs: number | null; absorb?: string[] },
): Promise<{ ok: true } | { ok: false; failures: HoldFailure[] }> {
  const input = parseInput(HoldAllInput, rawInput);
  const lines = new Map<string, number>();
  for (const line of input.lines) lines.set(line.sku, (lines.get(line.sku) ?? 0) + line.quantity);

  const settled = await Promise.allSettled(
    [...lines].map(([sku, quantity]) => stockOf(env, sku).hold(sku, input.owner, quantity, input.ttlMs, undefined, input.absorb)),
  );
  const changed: Extract<HoldOutcome, { ok: true }>[] = [];
  const failures: HoldFailure[] = [];
  let crashed: PromiseRejectedResult | undefined;
  for (const s of settled) {
    if (s.status === "rejected") crashed ??= s;
    else if (s.value.ok) changed.push(s.value);
    else failures.push({ sku: s.value.sku, requested: s.value.requested, available: s.value.available });
  }
  if (failures.length === 0 && !crashed) return { ok: true };

  const restored = await Promise.allSettled(changed.map((h) => stockOf(env, h.sku).restoreHold(h.sku, input.owner, h.previous, undefined, h.absorbed)));
  restored.forEach((r, i) => {
    // Only a hold this call LOWERED can fail to come back (its units were taken meanwhile); say so.
    if (r.status === "rejected" || !r.value) log.warn("holdAll could not restore a hold", { sku: changed[i]!.sku, owner: input.owner });
  });
  if (crashed) throw crashed.reason;
  return { ok: false, failures };
}

/**
 * Turn owner's holds into sales for orderId ("sale" in the ledger). Idempotent per (sku, orderId).
 * `quantities` (per SKU: what the order bought) makes each sale exactly that amount even if the
 * owner's hold changed since it was taken; without it the whole hold is sold. A SKU the owner holds
 * nothing of (the hold expired or was released), or whose hold cannot be topped up to the quantity,
 * and that was not already sold to this order is a 409 CONFLICT naming the SKUs; the others are still committed.
 */
export async function commitHolds(env: Env, rawInput: { owner: string; orderId: string; skus: string[]; quantities?: Record<string, number> }): Promise<void> {
  const input = parseInput(CommitHoldsInput, rawInput);
  const skus = [...new Set(input.skus)];
  const results = await Promise.all(skus.map((sku) => stockOf(env, sku).commit(sku, input.owner, input.orderId, undefined, input.quantities?.[sku])));
  const missing = skus.filter((_sku, i) => !results[i]!.ok);
  if (missing.length > 0) {
    throw new ServiceError("CONFLICT", `No stock is held for ${missing.join(", ")} (the hold expired or was released).`, { extra: { skus: missing } });
  }
}

/** Return what orderId bought of sku to stock, exactly once; the units returned by THIS call. */
export async function returnSale(env: Env, rawInput: { sku: string; orderId: string }): Promise<{ returned: number }> {
  const input = parseInput(ReturnSaleInput, rawInput);
  return stockOf(env, input.sku).returnSale(input.sku, input.orderId);
}

/**
 * Whether a SKU's stock has ever changed (on hand set, held, sold: its ledger is not empty). Its stock lives under
 * the SKU (one object per SKU name), so the catalog refuses to rename such a SKU.
 */
export async function hasStockHistory(env: Env, rawSku: string): Promise<boolean> {
  const sku = parseInput(SkuParam, rawSku);
  return (await stockOf(env, sku).levels(sku)).version > 0;
}

/**
 * A return's units back on hand, exactly once per `key` (one return line): a repeat returns 0.
 * Refused (CONFLICT) beyond what the order bought of this SKU and has not returned yet.
 */
export async function restockReturn(env: Env, rawInput: { sku: string; key: string; orderId: string; quantity: number }): Promise<{ returned: number }> {
  const input = parseInput(RestockReturnInput, rawInput);
  const result = await stockOf(env, input.sku).restockReturn(input.sku, input.key, input.orderId, input.quantity);
  if (!result.ok) throw new ServiceError("CONFLICT", `Only ${result.returnable} of ${input.sku} from order '${input.orderId}' can come back.`, { extra: { returnable: result.returnable } });
  return { returned: result.returned };
}

/** Current levels, from the objects (authoritative). */
export async function getStockLevels(env: Env, skus: string[]): Promise<Map<string, StockLevel>> {
  const unique = [...new Set(skus.map((sku) => parseInput(SkuParam, sku)))];
  const levels = await Promise.all(unique.map((sku) => stockOf(env, sku).levels(sku)));
  return new Map(levels.map((l) => [l.sku, { sku: l.sku, onHand: l.onHand, reserved: l.reserved, available: l.available }]));
}

function withoutPrevious(outcome: HoldOutcome): HoldResult {
  if (!outcome.ok) return outcome;
  const { previous: _previous, absorbed: _absorbed, ...result } = outcome;
  return result;
}

// ------------------------------------------------------------------------------------------
// Admin: levels, ledger and compare-and-set writes. Scope inventory:write.

async function assertKnownSku(ctx: ServiceContext, rawSku: string): Promise<string> {
  const sku = parseInput(SkuParam, rawSku);
  if (!(await existingSkus(ctx.db, [sku])).has(sku)) throw notFound("SKU", sku);
  return sku;
}

function toView(level: StockSnapshot): StockLevelView {
  return { sku: level.sku, onHand: level.onHand, reserved: level.reserved, available: level.available, sold: level.sold, version: level.version, updatedAt: level.updatedAt };
}

function writeConflict(outcome: Extract<AdminWriteOutcome, { ok: false }>): ServiceError {
  const { level } = outcome;
  const current = toView(level);
  return outcome.problem === "expected_mismatch"
    ? new ServiceError("CONFLICT", `On-hand of ${level.sku} is ${level.onHand}, not the expected value. Re-read and retry with expected: ${level.onHand}.`, {
        errors: [{ pointer: "/expected", detail: `The current on-hand is ${level.onHand}.` }],
        extra: { current },
      })
    : new ServiceError("CONFLICT", `${level.reserved} units of ${level.sku} are held; on-hand cannot go below that.`, {
        errors: [{ pointer: "/onHand", detail: `At least ${level.reserved} (held units).` }],
        extra: { current },
      });
}

function unwrap(outcome: AdminWriteOutcome): StockLevelView {
  if (!outcome.ok) throw writeConflict(outcome);
  return toView(outcome.level);
}

export async function getStockLevel(ctx: ServiceContext, rawSku: string): Promise<StockLevelView> {
  requireAdmin(ctx.actor, readScope("inventory"));
  const sku = await assertKnownSku(ctx, rawSku);
  return toView(await stockOf(ctx.env, sku).levels(sku));
}

/** The SKU's ledger, newest first. */
export async function listStockLedger(ctx: ServiceContext, rawSku: string, rawQuery: unknown): Promise<Page<LedgerEntry>> {
  requireAdmin(ctx.actor, readScope("inventory"));
  const query = parseInput(LedgerQuery, rawQuery);
  const sku = await assertKnownSku(ctx, rawSku);
  const before = query.cursor ? Number(decodeCursor(query.cursor).v) : null;
  if (before !== null && !Number.isSafeInteger(before)) {
    throw new ServiceError("VALIDATION_FAILED", "The cursor is not valid.", { errors: [{ pointer: "/cursor", detail: "Not a ledger cursor." }] });
  }
  const rows = await stockOf(ctx.env, sku).ledger(sku, query.limit + 1, before);
  return pageOf(rows, query.limit, (e) => ({ v: e.sequence, id: sku }), before !== null);
}

const actorId = (ctx: ServiceContext) => (ctx.actor.kind === "admin" ? ctx.actor.keyId : null);

/** Set on-hand to an absolute value; with `expected`, only if on-hand is still that (else 409). */
export async function setStock(ctx: ServiceContext, rawSku: string, rawInput: unknown): Promise<StockLevelView> {
  requireAdmin(ctx.actor, "inventory:write");
  const input = parseInput(SetStockInput, rawInput);
  const sku = await assertKnownSku(ctx, rawSku);
  return unwrap(await stockOf(ctx.env, sku).setOnHand(sku, { ...input, reason: input.reason ?? "adjustment", actor: actorId(ctx) }));
}

/** Add or remove units; with `expected`, only if on-hand is still that (else 409). */
export async function adjustStock(ctx: ServiceContext, rawSku: string, rawInput: unknown): Promise<StockLevelView> {
  requireAdmin(ctx.actor, "inventory:write");
  const input = parseInput(AdjustStockInput, rawInput);
  const sku = await assertKnownSku(ctx, rawSku);
  return unwrap(await stockOf(ctx.env, sku).adjust(sku, { ...input, reason: input.reason ?? "adjustment", actor: actorId(ctx) }));
}

/**
 * Set on-hand for many SKUs at once (seeding, stock imports). Every SKU must exist in the catalog
 * or nothing is written; each SKU is then its own write, so one conflict does not undo the others.
 */
export async function setStockLevels(ctx: ServiceContext, rawInput: unknown) {
  requireAdmin(ctx.actor, "inventory:write");
  const input = parseInput(SetStockLevelsInput, rawInput);
  const known = await existingSkus(ctx.db, input.levels.map((l) => l.sku));
  const errors = input.levels.flatMap((l, i) => (known.has(l.sku) ? [] : [{ pointer: `/levels/${i}/sku`, detail: `No variant has SKU '${l.sku}'.` }]));
  if (errors.length > 0) throw new ServiceError("VALIDATION_FAILED", "Unknown SKU.", { errors });
  const outcomes = await Promise.all(
    input.levels.map((l) =>
      stockOf(ctx.env, l.sku).setOnHand(l.sku, { onHand: l.onHand, expected: l.expected, reason: input.reason ?? "adjustment", note: input.note, actor: actorId(ctx) }),
    ),
  );
  return outcomes.map((o) =>
    o.ok
      ? { sku: o.level.sku, status: "updated" as const, detail: null, level: toView(o.level) }
      : { sku: o.level.sku, status: "conflict" as const, detail: writeConflict(o).message, level: toView(o.level) },
  );
}
