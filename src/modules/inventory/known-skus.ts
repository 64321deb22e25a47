import type { Database } from "../../db/client";

/**
 * What inventory needs from the catalog: which of these SKUs exist (stock is only set for known
 * variants). The composition root provides it (src/app/wiring.ts), so inventory does not import the
 * catalog, which imports inventory for availability.
 */
export type KnownSkus = (db: Database, skus: readonly string[]) => Promise<Set<string>>;

let lookup: KnownSkus | undefined;

export function provideKnownSkus(knownSkus: KnownSkus): void {
  lookup = knownSkus;
}

export function existingSkus(db: Database, skus: readonly string[]): Promise<Set<string>> {
  if (!lookup) throw new Error("inventory has no known-SKU lookup: the composition root (src/app/wiring.ts) provides it.");
  return lookup(db, skus);
}
