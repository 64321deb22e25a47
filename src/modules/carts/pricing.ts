import type { Env } from "../../env";
import type { Totals } from "./schemas";

type RateTable = Record<string, number>;

/** `{"default":{"amount":990},"DE":{"amount":490}}` -> { default: 990, DE: 490 } */
function shippingRates(env: Pick<Env, "SHIPPING_RATES">): RateTable {
  const raw = JSON.parse(env.SHIPPING_RATES || "{}") as Record<string, { amount: number }>;
  return Object.fromEntries(Object.entries(raw).map(([country, rate]) => [country, rate.amount]));
}

/** `{"default":0,"DE":1900}`: basis points per country. */
function taxRates(env: Pick<Env, "TAX_RATES">): RateTable {
  return JSON.parse(env.TAX_RATES || "{}") as RateTable;
}

function rateFor(table: RateTable, country: string | undefined): number {
  return (country !== undefined ? table[country] : undefined) ?? table["default"] ?? 0;
}

/** Integer basis points of an integer amount, rounded half up: money never touches a float result. */
export function applyBasisPoints(amount: number, basisPoints: number): number {
  return Math.floor((amount * basisPoints + 5_000) / 10_000);
}

/**
 * Cart and order totals, computed on the server only. Shipping is the flat rate of the shipping
 * country (the `default` rate when there is no address yet); tax is the country's rate applied to
 * subtotal + shipping. An empty cart costs nothing, not even shipping.
 */
export function computeTotals(
  env: Pick<Env, "SHIPPING_RATES" | "TAX_RATES">,
  input: { currency: string; lines: { unitPrice: number; quantity: number }[]; country: string | undefined },
): Totals {
  const subtotal = input.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const shipping = input.lines.length === 0 ? 0 : rateFor(shippingRates(env), input.country);
  const tax = applyBasisPoints(subtotal + shipping, rateFor(taxRates(env), input.country));
  const money = (amount: number) => ({ amount, currency: input.currency });
  return { subtotal: money(subtotal), shipping: money(shipping), tax: money(tax), total: money(subtotal + shipping + tax) };
}
