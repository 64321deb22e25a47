import { eq } from "drizzle-orm";
import { createDb } from "../../db/client";
import type { EventHandler } from "../events";
import { variantProducts } from "./directory";
import { priceListPrices, variantPrices } from "./tables";

/**
 * Prices of deleted variants go when the catalog says so: `product.deleted` drops every price of the
 * product, `product.updated` for a variant that no longer exists drops that variant's prices.
 * Deleting what is already gone changes nothing, so redelivery is harmless. Until the event is handled
 * the orphaned rows are invisible: prices are only ever read for variants that exist.
 */
export const pricingForgetDeletedVariants: EventHandler = {
  name: "pricing.forget-deleted-variants",
  types: ["product.deleted", "product.updated"],
  async handle(env, event) {
    const db = createDb(env.DB);
    if (event.type === "product.deleted") {
      await db.batch([db.delete(variantPrices).where(eq(variantPrices.productId, event.resource.id)), db.delete(priceListPrices).where(eq(priceListPrices.productId, event.resource.id))]);
      return;
    }
    const variantId = (event.payload.data as { variantId?: unknown }).variantId;
    if (typeof variantId !== "string" || (await variantProducts(db, [variantId])).has(variantId)) return;
    await db.batch([db.delete(variantPrices).where(eq(variantPrices.variantId, variantId)), db.delete(priceListPrices).where(eq(priceListPrices.variantId, variantId))]);
  },
};
