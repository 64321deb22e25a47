// CONTRACT STAND-IN: replaced at merge by feat/inventory
// Implements the Inventory contract of CONTRACTS.md simply, so that feat/orders can be tested
// before merge. Consumers (carts, checkout, orders, tests) use ONLY these functions.
import type { Env } from "../../env";

export interface StockLevel {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}
export type HoldResult =
  | { ok: true; sku: string; quantity: number; available: number; expiresAt: string | null }
  | { ok: false; sku: string; requested: number; available: number };

type InventoryEnv = Pick<Env, "INVENTORY">;

function stockObject(env: InventoryEnv, sku: string) {
  return env.INVENTORY.get(env.INVENTORY.idFromName(sku));
}

/** Set the on-hand quantity of a SKU (admin restock / adjustment). */
export async function setStock(env: InventoryEnv, input: { sku: string; onHand: number }): Promise<StockLevel> {
  return stockObject(env, input.sku).setStock(input.sku, input.onHand);
}

export async function holdStock(env: InventoryEnv, input: { sku: string; owner: string; quantity: number; ttlMs: number | null }): Promise<HoldResult> {
  return stockObject(env, input.sku).hold(input.sku, input.owner, input.quantity, input.ttlMs);
}

export async function releaseStock(env: InventoryEnv, input: { sku: string; owner: string }): Promise<void> {
  await stockObject(env, input.sku).release(input.owner);
}

export async function holdAll(
  env: InventoryEnv,
  input: { owner: string; lines: { sku: string; quantity: number }[]; ttlMs: number | null },
): Promise<{ ok: true } | { ok: false; failures: { sku: string; requested: number; available: number }[] }> {
  const previous = await Promise.all(input.lines.map((l) => stockObject(env, l.sku).currentHold(input.owner)));
  const results = await Promise.all(input.lines.map((l) => holdStock(env, { sku: l.sku, owner: input.owner, quantity: l.quantity, ttlMs: input.ttlMs })));
  const failures = results.filter((r) => !r.ok).map((r) => ({ sku: r.sku, requested: (r as { requested: number }).requested, available: r.available }));
  if (failures.length === 0) return { ok: true };
  // Put back what this call changed: lowering to an earlier quantity always succeeds.
  await Promise.all(
    input.lines.map((l, i) =>
      results[i]!.ok ? holdStock(env, { sku: l.sku, owner: input.owner, quantity: previous[i]!, ttlMs: input.ttlMs }) : Promise.resolve(),
    ),
  );
  return { ok: false, failures };
}

export async function commitHolds(env: InventoryEnv, input: { owner: string; orderId: string; skus: string[] }): Promise<void> {
  await Promise.all(input.skus.map((sku) => stockObject(env, sku).commit(input.owner, input.orderId)));
}

export async function returnSale(env: InventoryEnv, input: { sku: string; orderId: string }): Promise<{ returned: number }> {
  return stockObject(env, input.sku).returnSale(input.orderId);
}

export async function getStockLevels(env: InventoryEnv, skus: string[]): Promise<Map<string, StockLevel>> {
  const levels = await Promise.all(skus.map((sku) => stockObject(env, sku).level(sku)));
  return new Map(levels.map((l) => [l.sku, l]));
}
