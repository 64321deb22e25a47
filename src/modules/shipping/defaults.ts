import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { ServiceContext } from "../../context";
import { isUniqueViolation } from "../../shared/db-errors";
import { newId } from "../../shared/ids";
import { log } from "../../shared/log";
import { defaultMarket } from "../pricing";
import { shippingDefaultImports, shippingMethods, shippingZones } from "./tables";

const SOURCE = "SHIPPING_RATES";

/** `{"default":{"amount":990},"DE":{"amount":490}}` -> flat amounts per country (`*` for default). */
export function parseShippingRatesVariable(raw: string | undefined): { country: string; amount: number }[] {
  const parsed = JSON.parse(raw || "{}") as Record<string, { amount?: unknown }>;
  return Object.entries(parsed).map(([country, rate]) => {
    const code = country === "default" ? "*" : country;
    const amount = rate?.amount;
    if (!/^([A-Z]{2}|\*)$/.test(code) || !Number.isSafeInteger(amount) || (amount as number) < 0) {
      throw new Error(`SHIPPING_RATES: '${country}' needs a country code (or default) and an integer amount.`);
    }
    return { country: code, amount: amount as number };
  });
}

/**
 * The SHIPPING_RATES variable is only a seed default now: the first time a shop quotes shipping with
 * no zone at all, each entry becomes a zone with one flat "Standard" method in the default market's
 * currency (any market in that currency). At most once per database (the marker's primary key); an
 * admin who later deletes them does not get them back. Returns whether zones may now exist.
 */
export async function importShippingDefaults(ctx: ServiceContext): Promise<boolean> {
  const done = await ctx.db.select().from(shippingDefaultImports).where(eq(shippingDefaultImports.source, SOURCE)).get();
  if (done) return false;
  let rates: { country: string; amount: number }[] = [];
  try {
    rates = parseShippingRatesVariable(ctx.env.SHIPPING_RATES);
  } catch (error) {
    log.warn("SHIPPING_RATES seed default ignored", { requestId: ctx.requestId, error: String(error) });
  }
  const currency = (await defaultMarket(ctx)).currency;
  const at = new Date().toISOString();
  const statements: BatchItem<"sqlite">[] = [ctx.db.insert(shippingDefaultImports).values({ source: SOURCE, importedAt: at })];
  rates.forEach((rate, position) => {
    const zoneId = newId("shippingZone");
    statements.push(ctx.db.insert(shippingZones).values({ id: zoneId, name: rate.country === "*" ? "Rest of world" : rate.country, countries: [rate.country], createdAt: at, updatedAt: at }));
    statements.push(
      ctx.db.insert(shippingMethods).values({ id: newId("shippingMethod"), zoneId, marketId: null, currency, name: "Standard", kind: "flat", amount: rate.amount, position, createdAt: at, updatedAt: at }),
    );
  });
  try {
    await ctx.db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (error) {
    if (!isUniqueViolation(error, "shipping_default_imports.source")) throw error;
  }
  return true;
}
