import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InventoryObject } from "../../src/modules/inventory/inventory-object";

/**
 * Model-based property test of the reservation invariants. Arbitrary sequences of hold / release /
 * commit / return / adjust / set / time passing run against a real InventoryObject (with a virtual
 * clock) and a ten-line model of what should happen. After every step:
 *   - the object agrees with the model (so refusals happen exactly when they should);
 *   - available is never negative;
 *   - reserved + sold + available = the on-hand history (sum of restock/adjustment deltas);
 *   - replaying the ledger from zero gives the current levels.
 */

type Op =
  | { kind: "hold"; owner: number; quantity: number; ttl: number | null }
  | { kind: "release"; owner: number }
  | { kind: "commit"; owner: number; order: number }
  | { kind: "return"; order: number }
  | { kind: "adjust"; delta: number; stale: boolean | null }
  | { kind: "set"; onHand: number }
  | { kind: "tick"; ms: number };

const owner = fc.integer({ min: 0, max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("hold" as const), owner, quantity: fc.integer({ min: 0, max: 6 }), ttl: fc.option(fc.integer({ min: 1, max: 5_000 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("release" as const), owner }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("commit" as const), owner, order: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("return" as const), order: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("adjust" as const), delta: fc.integer({ min: -6, max: 8 }).filter((d) => d !== 0), stale: fc.option(fc.boolean()) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("set" as const), onHand: fc.integer({ min: 0, max: 15 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 4_000 }) }) },
);

class Model {
  onHand = 0;
  history = 0;
  holds = new Map<string, { quantity: number; expiresAt: number | null }>();
  sales = new Map<string, { quantity: number; returned: boolean }>();

  get reserved() {
    return [...this.holds.values()].reduce((n, h) => n + h.quantity, 0);
  }
  get sold() {
    return [...this.sales.values()].reduce((n, s) => n + (s.returned ? 0 : s.quantity), 0);
  }
  expire(now: number) {
    for (const [o, h] of this.holds) if (h.expiresAt !== null && h.expiresAt <= now) this.holds.delete(o);
  }
  hold(o: string, quantity: number, ttl: number | null, now: number): boolean {
    const could = this.onHand - this.reserved + (this.holds.get(o)?.quantity ?? 0);
    if (quantity > could) return false;
    if (quantity === 0) this.holds.delete(o);
    else this.holds.set(o, { quantity, expiresAt: ttl === null ? null : now + ttl });
    return true;
  }
  commit(o: string, order: string): boolean {
    if (this.sales.has(order)) return true;
    const h = this.holds.get(o);
    if (!h) return false;
    this.holds.delete(o);
    this.sales.set(order, { quantity: h.quantity, returned: false });
    this.onHand -= h.quantity;
    return true;
  }
  returnSale(order: string): number {
    const s = this.sales.get(order);
    // Returning an order that bought nothing fences it: a later commit for it sells nothing.
    if (!s) {
      this.sales.set(order, { quantity: 0, returned: true });
      return 0;
    }
    if (s.returned) return 0;
    s.returned = true;
    this.onHand += s.quantity;
    return s.quantity;
  }
  adjust(delta: number): boolean {
    if (this.onHand + delta < this.reserved) return false;
    this.onHand += delta;
    this.history += delta;
    return true;
  }
}

let run = 0;

describe("reservation invariants (fast-check)", () => {
  it("hold over arbitrary sequences of operations", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const sku = `PROP-${Date.now().toString(36)}-${++run}`;
        const stub = env.INVENTORY.get(env.INVENTORY.idFromName(sku));
        await runInDurableObject(stub, async (object: InventoryObject) => {
          const model = new Model();
          let now = Date.now();
          await object.setOnHand(sku, { onHand: 5, reason: "restock" }, now);
          model.adjust(5);
          for (const step of ops) {
            model.expire(now);
            switch (step.kind) {
              case "hold": {
                const result = await object.hold(sku, `o${step.owner}`, step.quantity, step.ttl, now);
                expect(result.ok).toBe(model.hold(`o${step.owner}`, step.quantity, step.ttl, now));
                break;
              }
              case "release":
                await object.release(sku, `o${step.owner}`, now);
                model.hold(`o${step.owner}`, 0, null, now);
                break;
              case "commit":
                expect((await object.commit(sku, `o${step.owner}`, `ord${step.order}`, now)).ok).toBe(model.commit(`o${step.owner}`, `ord${step.order}`));
                break;
              case "return":
                expect((await object.returnSale(sku, `ord${step.order}`, now)).returned).toBe(model.returnSale(`ord${step.order}`));
                break;
              case "adjust": {
                const expected = step.stale === null ? undefined : step.stale ? model.onHand + 1 : model.onHand;
                const result = await object.adjust(sku, { delta: step.delta, expected, reason: "adjustment" }, now);
                expect(result.ok).toBe(step.stale === true ? false : model.adjust(step.delta));
                break;
              }
              case "set":
                expect((await object.setOnHand(sku, { onHand: step.onHand, reason: "adjustment" }, now)).ok).toBe(model.adjust(step.onHand - model.onHand));
                break;
              case "tick":
                now += step.ms;
                model.expire(now);
                break;
            }

            const level = await object.levels(sku, now);
            expect(level.available).toBeGreaterThanOrEqual(0);
            expect({ onHand: level.onHand, reserved: level.reserved, sold: level.sold }).toEqual({ onHand: model.onHand, reserved: model.reserved, sold: model.sold });
            expect(level.reserved + level.sold + level.available).toBe(model.history);

            const ledger = await object.ledger(sku, 10_000, null, now);
            const sum = (pick: (e: (typeof ledger)[number]) => number) => ledger.reduce((n, e) => n + pick(e), 0);
            expect(sum((e) => (e.reason === "restock" || e.reason === "adjustment" ? e.onHandDelta : 0))).toBe(level.reserved + level.sold + level.available);
            expect({ onHand: sum((e) => e.onHandDelta), reserved: sum((e) => e.reservedDelta), sold: sum((e) => e.soldDelta) }).toEqual({
              onHand: level.onHand,
              reserved: level.reserved,
              sold: level.sold,
            });
            expect(ledger.every((e) => e.available >= 0 && e.reserved >= 0 && e.sold >= 0)).toBe(true);
          }
        });
      }),
      { numRuns: 100 },
    );
  });
});
