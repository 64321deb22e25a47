import DataLoader from "dataloader";
import type { Database } from "../../db/client";
import { addressesByCustomerIds } from "./addresses";
import type { Address } from "./schemas";

/** Request-scoped batchers: one D1 query for the addresses of every customer on a page. */
export function createCustomerLoaders(db: Database) {
  return {
    addressesByCustomer: new DataLoader<string, Address[]>(async (keys) => {
      const map = await addressesByCustomerIds(db, keys);
      return keys.map((k) => map.get(k) ?? []);
    }),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
