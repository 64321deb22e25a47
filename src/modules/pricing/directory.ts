import type { Database } from "../../db/client";

/** Whether a customer exists: the customers module's answer, injected by the root (customers imports carts, which imports pricing). */
export type CustomerExists = (db: Database, customerId: string) => Promise<boolean>;

let customerLookup: CustomerExists | undefined;

export function provideCustomerExists(fn: CustomerExists): void {
  customerLookup = fn;
}

export function customerExists(db: Database, customerId: string): Promise<boolean> {
  if (!customerLookup) throw new Error("pricing: the customer lookup was not provided (src/app/wiring.ts).");
  return customerLookup(db, customerId);
}

/** Which variants exist, and their products: the catalog's answer, injected by the root (src/app/wiring.ts). */
export type VariantProducts = (db: Database, variantIds: readonly string[]) => Promise<Map<string, string>>;

let lookup: VariantProducts | undefined;

/** The catalog imports pricing (prices in its write batches, market prices in its reads); the way back is this setter. */
export function provideVariantProducts(fn: VariantProducts): void {
  lookup = fn;
}

export function variantProducts(db: Database, variantIds: readonly string[]): Promise<Map<string, string>> {
  if (!lookup) throw new Error("pricing: the variant lookup was not provided (src/app/wiring.ts).");
  return lookup(db, variantIds);
}
