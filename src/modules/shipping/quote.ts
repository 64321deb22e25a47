import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { importShippingDefaults } from "./defaults";
import { priceMethod, type ShipmentFacts } from "./rates";
import type { ShippingOption } from "./schemas";
import { shippingMethods, shippingZones } from "./tables";

export interface ShippingQuoteInput extends ShipmentFacts {
  market: { id: string; currency: string };
  /** Destination country; null before an address is known (then only `*` zones apply). */
  country: string | null;
}

type ZoneRow = typeof shippingZones.$inferSelect;

/** The zones for a country: those that list it, else the `*` zones. */
export function zonesFor(zones: readonly ZoneRow[], country: string | null): ZoneRow[] {
  const listed = country ? zones.filter((z) => z.countries.includes(country)) : [];
  return listed.length > 0 ? listed : zones.filter((z) => z.countries.includes("*"));
}

/**
 * Pipeline step 4: the methods that can ship this cart to this destination in this market, with their
 * price for it, cheapest first (then by position). Two reads in one round trip.
 */
export type QuotedMethod = ShippingOption & { taxClass: string };

export async function quoteShipping(ctx: ServiceContext, input: ShippingQuoteInput): Promise<QuotedMethod[]> {
  let zones = zonesFor(await ctx.db.select().from(shippingZones), input.country);
  // No zone at all: a shop that never imported its SHIPPING_RATES seed defaults does so once.
  if (zones.length === 0 && (await importShippingDefaults(ctx))) zones = zonesFor(await ctx.db.select().from(shippingZones), input.country);
  if (zones.length === 0) return [];
  const methods = await ctx.db
    .select()
    .from(shippingMethods)
    .where(
      and(
        inArray(shippingMethods.zoneId, zones.map((z) => z.id)),
        eq(shippingMethods.active, true),
        eq(shippingMethods.currency, input.market.currency),
        or(isNull(shippingMethods.marketId), eq(shippingMethods.marketId, input.market.id)),
      ),
    )
    .orderBy(asc(shippingMethods.position), asc(shippingMethods.id));
  return methods
    .flatMap((m) => {
      const price = priceMethod(m, input);
      return price ? [{ id: m.id, name: m.name, description: m.description, amount: { amount: price.amount, currency: m.currency }, free: price.free, taxClass: m.taxClass, position: m.position }] : [];
    })
    .sort((a, b) => a.amount.amount - b.amount.amount || a.position - b.position || a.id.localeCompare(b.id))
    .map(({ position: _position, ...option }) => option);
}
