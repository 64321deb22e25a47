import DataLoader from "dataloader";
import type { Database } from "../../db/client";
import { availabilityBySkus, type Availability } from "./projection";

/** Request-scoped batchers: one D1 query for the availability of every variant on a page. */
export function createInventoryLoaders(db: Database) {
  return {
    availabilityBySku: new DataLoader<string, Availability>(async (skus) => {
      const map = await availabilityBySkus(db, skus);
      return skus.map((sku) => map.get(sku)!);
    }),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;
