import type { FieldError } from "../../shared/errors";
import type { RateBand } from "./tables";

/** What a method's price depends on. */
export interface ShipmentFacts {
  /** Sum of variant weight x quantity (variants without a weight count 0). */
  weightGrams: number;
  /** Merchandise subtotal before discounts, minor units of the method's currency. */
  subtotal: number;
}

export interface PricedMethodInput {
  kind: "flat" | "weight" | "subtotal";
  amount: number | null;
  bands: RateBand[] | null;
  freeOver: number | null;
}

/** The band a value falls in: the first whose inclusive `upTo` reaches it (null: no limit). */
function bandFor(bands: readonly RateBand[], value: number): RateBand | null {
  return bands.find((b) => b.upTo === null || value <= b.upTo) ?? null;
}

/**
 * A method's price for a shipment, or null when it cannot take it (heavier or dearer than its last
 * band). Free-over thresholds compare the subtotal before discounts (docs/pricing.md).
 */
export function priceMethod(method: PricedMethodInput, facts: ShipmentFacts): { amount: number; free: boolean } | null {
  let amount: number | null;
  if (method.kind === "flat") amount = method.amount;
  else amount = bandFor(method.bands ?? [], method.kind === "weight" ? facts.weightGrams : facts.subtotal)?.amount ?? null;
  if (amount === null) return null;
  if (method.freeOver !== null && facts.subtotal >= method.freeOver) return { amount: 0, free: amount > 0 };
  return { amount, free: false };
}

/** Whether kind, amount and bands fit together: flat has an amount; band kinds have ascending bands. */
export function methodShapeErrors(method: PricedMethodInput): FieldError[] {
  const errors: FieldError[] = [];
  if (method.kind === "flat") {
    if (method.amount === null) errors.push({ pointer: "/amount", detail: "A flat method needs an amount." });
    if (method.bands !== null) errors.push({ pointer: "/bands", detail: "A flat method has no bands." });
    return errors;
  }
  if (method.amount !== null) errors.push({ pointer: "/amount", detail: `A ${method.kind} method is priced by its bands.` });
  const bands = method.bands ?? [];
  if (bands.length === 0) errors.push({ pointer: "/bands", detail: `A ${method.kind} method needs at least one band.` });
  bands.forEach((band, i) => {
    const previous = bands[i - 1];
    if (band.upTo === null && i !== bands.length - 1) errors.push({ pointer: `/bands/${i}/upTo`, detail: "Only the last band may be open-ended." });
    if (previous && previous.upTo !== null && band.upTo !== null && band.upTo <= previous.upTo) {
      errors.push({ pointer: `/bands/${i}/upTo`, detail: "Bands ascend: each upTo above the previous one." });
    }
  });
  return errors;
}
