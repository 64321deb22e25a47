import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { InventoryObject } from "../../src/modules/inventory/inventory-object";
import { commitHolds, getStockLevels, holdAll, holdStock, releaseStock, returnSale } from "../../src/modules/inventory";
import { unique } from "../support/helpers";

const stub = (sku: string) => env.INVENTORY.get(env.INVENTORY.idFromName(sku));
const admin = { reason: "restock" as const, actor: "test" };

async function stocked(onHand: number, prefix = "SKU") {
  const sku = unique(prefix).toUpperCase();
  const result = await stub(sku).setOnHand(sku, { onHand, ...admin });
  expect(result.ok).toBe(true);
  return sku;
}

async function ledgerOf(sku: string) {
  return (await stub(sku).ledger(sku, 1000, null)).reverse();
}

/** The ledger replayed from zero must give exactly the object's current levels. */
async function expectLedgerConsistent(sku: string) {
  const [entries, level] = await Promise.all([ledgerOf(sku), stub(sku).levels(sku)]);
  const sum = (k: "onHandDelta" | "reservedDelta" | "soldDelta") => entries.reduce((n, e) => n + e[k], 0);
  expect({ onHand: sum("onHandDelta"), reserved: sum("reservedDelta"), sold: sum("soldDelta") }).toEqual({ onHand: level.onHand, reserved: level.reserved, sold: level.sold });
  expect(entries.map((e) => e.sequence)).toEqual(entries.map((_e, i) => i + 1));
  for (const e of entries) expect(e.available).toBeGreaterThanOrEqual(0);
  return { entries, level };
}

describe("InventoryObject: holds", () => {
  it("holds, replaces and releases an owner's hold, refusing more than could be held", async () => {
    const sku = await stocked(10);
    expect(await holdStock(env, { sku, owner: "cart:a", quantity: 4, ttlMs: null })).toEqual({ ok: true, sku, quantity: 4, available: 6, expiresAt: null });
    // Replacing, not adding: the owner's own hold counts towards what it could hold.
    expect(await holdStock(env, { sku, owner: "cart:a", quantity: 10, ttlMs: null })).toMatchObject({ ok: true, quantity: 10, available: 0 });
    expect(await holdStock(env, { sku, owner: "cart:b", quantity: 1, ttlMs: null })).toEqual({ ok: false, sku, requested: 1, available: 0 });
    expect(await holdStock(env, { sku, owner: "cart:a", quantity: 11, ttlMs: null })).toEqual({ ok: false, sku, requested: 11, available: 10 });
    await releaseStock(env, { sku, owner: "cart:a" });
    await releaseStock(env, { sku, owner: "cart:a" }); // no-op
    const { entries, level } = await expectLedgerConsistent(sku);
    expect(level).toMatchObject({ onHand: 10, reserved: 0, available: 10, sold: 0 });
    expect(entries.map((e) => [e.reason, e.quantity, e.owner])).toEqual([
      ["restock", 10, null],
      ["reservation", 4, "cart:a"],
      ["reservation", 6, "cart:a"],
      ["release", -10, "cart:a"],
    ]);
  });

  it("never oversells: stock 5, 50 concurrent holds of 1 by different owners give exactly 5", async () => {
    const sku = await stocked(5);
    const results = await Promise.all(Array.from({ length: 50 }, (_v, i) => holdStock(env, { sku, owner: `cart:${i}`, quantity: 1, ttlMs: 60_000 })));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok).every((r) => r.available === 0)).toBe(true);
    const { entries, level } = await expectLedgerConsistent(sku);
    expect(level).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
    expect(entries.filter((e) => e.reason === "reservation")).toHaveLength(5);
  });

  it("validates contract input", async () => {
    await expect(holdStock(env, { sku: "bad sku!", owner: "x", quantity: 1, ttlMs: null })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(holdStock(env, { sku: "OK", owner: "x", quantity: -1, ttlMs: null })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

describe("InventoryObject: expiry by alarm", () => {
  it("schedules the alarm for the earliest expiry and releases expired holds when it fires", async () => {
    const sku = await stocked(8);
    const late = await holdStock(env, { sku, owner: "cart:late", quantity: 2, ttlMs: 3_600_000 });
    const soon = await holdStock(env, { sku, owner: "cart:soon", quantity: 3, ttlMs: 600_000 });
    await holdStock(env, { sku, owner: "cart:forever", quantity: 1, ttlMs: null });
    expect(soon.ok && late.ok).toBe(true);
    const s = stub(sku);
    await runInDurableObject(s, async (_instance: InventoryObject, state) => {
      expect(await state.storage.getAlarm()).toBe(Date.parse((soon as { expiresAt: string }).expiresAt));
      // Let "soon" run out without waiting ten minutes.
      state.storage.sql.exec("UPDATE holds SET expires_at = ? WHERE owner = 'cart:soon'", Date.now() - 1);
      await state.storage.setAlarm(Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(s)).toBe(true);
    const { entries, level } = await expectLedgerConsistent(sku);
    expect(level).toMatchObject({ onHand: 8, reserved: 3, available: 5 });
    expect(entries.at(-1)).toMatchObject({ reason: "expiry", quantity: -3, owner: "cart:soon" });
    await runInDurableObject(s, async (_instance: InventoryObject, state) => {
      expect(await state.storage.getAlarm()).toBe(Date.parse((late as { expiresAt: string }).expiresAt));
    });
  });

  it("treats an expired hold as gone even before the alarm runs", async () => {
    const sku = await stocked(1);
    const s = stub(sku);
    const t0 = Date.now();
    await runInDurableObject(s, async (instance: InventoryObject) => {
      expect((await instance.hold(sku, "cart:a", 1, 1_000, t0)).ok).toBe(true);
      expect((await instance.hold(sku, "cart:b", 1, 1_000, t0 + 999)).ok).toBe(false);
      expect((await instance.hold(sku, "cart:b", 1, 1_000, t0 + 1_000)).ok).toBe(true);
    });
    const { entries } = await expectLedgerConsistent(sku);
    expect(entries.map((e) => e.reason)).toEqual(["restock", "reservation", "expiry", "reservation"]);
  });
});

describe("holdAll", () => {
  it("holds every line or none, restoring earlier holds exactly", async () => {
    const [a, b, c] = [await stocked(5, "A"), await stocked(5, "B"), await stocked(2, "C")];
    const owner = `cart:${unique("o")}`;
    // An earlier hold on A that holdAll raises and must put back.
    await holdStock(env, { sku: a, owner, quantity: 1, ttlMs: 600_000 });
    const before = await stub(a).levels(a);
    const result = await holdAll(env, { owner, ttlMs: 60_000, lines: [{ sku: a, quantity: 3 }, { sku: b, quantity: 2 }, { sku: c, quantity: 3 }] });
    expect(result).toEqual({ ok: false, failures: [{ sku: c, requested: 3, available: 2 }] });
    const levels = await getStockLevels(env, [a, b, c]);
    expect(levels.get(a)).toMatchObject({ reserved: 1, available: 4 });
    expect(levels.get(b)).toMatchObject({ reserved: 0, available: 5 });
    expect(levels.get(c)).toMatchObject({ reserved: 0, available: 2 });
    expect((await stub(a).levels(a)).onHand).toBe(before.onHand);
    for (const sku of [a, b, c]) await expectLedgerConsistent(sku);

    expect(await holdAll(env, { owner, ttlMs: null, lines: [{ sku: a, quantity: 5 }, { sku: c, quantity: 1 }, { sku: c, quantity: 1 }] })).toEqual({ ok: true });
    const after = await getStockLevels(env, [a, c]);
    expect(after.get(a)).toMatchObject({ reserved: 5, available: 0 });
    expect(after.get(c)).toMatchObject({ reserved: 2, available: 0 });
  });
});

describe("holdAll under contention", () => {
  it("never leaves a partial hold behind when many owners race for the same SKUs", async () => {
    const [a, b] = [await stocked(3, "RA"), await stocked(3, "RB")];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_v, i) => holdAll(env, { owner: `cart:race-${i}`, ttlMs: 60_000, lines: [{ sku: a, quantity: 1 }, { sku: b, quantity: 1 }] })),
    );
    const won = results.filter((r) => r.ok).length;
    // Holds run in parallel, so under contention two owners can each win one SKU and both roll back:
    // fewer than 3 may win, but never more, and losers never keep anything.
    expect(won).toBeLessThanOrEqual(3);
    const levels = await getStockLevels(env, [a, b]);
    // Every winner holds one of each; every loser holds nothing.
    expect(levels.get(a)).toMatchObject({ reserved: won, available: 3 - won });
    expect(levels.get(b)).toMatchObject({ reserved: won, available: 3 - won });
    for (const sku of [a, b]) await expectLedgerConsistent(sku);
  });
});

describe("commitHolds and returnSale", () => {
  it("commits once per order and returns stock exactly once under concurrency", async () => {
    const sku = await stocked(6);
    const owner = `cart:${unique("o")}`;
    const orderId = unique("ord");
    await holdStock(env, { sku, owner, quantity: 4, ttlMs: 60_000 });
    await Promise.all(Array.from({ length: 5 }, () => commitHolds(env, { owner, orderId, skus: [sku] })));
    expect(await getStockLevels(env, [sku])).toEqual(new Map([[sku, { sku, onHand: 2, reserved: 0, available: 2 }]]));

    const returns = await Promise.all(Array.from({ length: 20 }, () => returnSale(env, { sku, orderId })));
    expect(returns.map((r) => r.returned).sort((x, y) => y - x)).toEqual([4, ...Array(19).fill(0)]);
    expect(await returnSale(env, { sku, orderId: "ord_never" })).toEqual({ returned: 0 });
    const { entries, level } = await expectLedgerConsistent(sku);
    expect(level).toMatchObject({ onHand: 6, reserved: 0, available: 6, sold: 0 });
    expect(entries.filter((e) => e.reason === "sale")).toEqual([expect.objectContaining({ quantity: -4, orderId, owner, soldDelta: 4 })]);
    expect(entries.filter((e) => e.reason === "cancellation")).toEqual([expect.objectContaining({ quantity: 4, orderId, soldDelta: -4 })]);
  });

  it("refuses to commit a hold that is gone", async () => {
    const sku = await stocked(3);
    await expect(commitHolds(env, { owner: "cart:nobody", orderId: unique("ord"), skus: [sku] })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await stub(sku).levels(sku)).sold).toBe(0);
  });
});

describe("InventoryObject: admin compare-and-set", () => {
  it("refuses a stale expected on-hand and on-hand below what is held", async () => {
    const sku = await stocked(10);
    const s = stub(sku);
    expect(await s.adjust(sku, { delta: 5, expected: 10, ...admin })).toMatchObject({ ok: true, level: { onHand: 15 } });
    expect(await s.adjust(sku, { delta: 5, expected: 10, ...admin })).toMatchObject({ ok: false, problem: "expected_mismatch", level: { onHand: 15 } });
    await holdStock(env, { sku, owner: "cart:x", quantity: 12, ttlMs: null });
    expect(await s.setOnHand(sku, { onHand: 11, ...admin })).toMatchObject({ ok: false, problem: "below_reserved", level: { reserved: 12 } });
    expect(await s.setOnHand(sku, { onHand: 12, expected: 15, ...admin })).toMatchObject({ ok: true, level: { onHand: 12, available: 0 } });
    const { entries } = await expectLedgerConsistent(sku);
    expect(entries).toHaveLength(4);
  });

  it("keeps the ledger append-only", async () => {
    const sku = await stocked(1);
    await runInDurableObject(stub(sku), (_instance: InventoryObject, state) => {
      expect(() => state.storage.sql.exec("UPDATE ledger SET quantity = 100")).toThrow(/append-only/);
      expect(() => state.storage.sql.exec("DELETE FROM ledger")).toThrow(/append-only/);
    });
  });
});
