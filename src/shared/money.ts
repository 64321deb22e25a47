/**
 * Money helpers. Amounts are integer minor units everywhere; this file is the one place that knows
 * how many minor units a currency has (ISO 4217: most have 2, JPY 0, KWD 3), for formatting only.
 * Nothing here turns an amount into a float.
 */

/** ISO 4217 currencies whose minor unit is not 2 decimals. Everything else has 2. */
const MINOR_UNIT_EXCEPTIONS: Record<string, number> = {
  // 0 decimals
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // 3 decimals
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // 4 decimals
  CLF: 4, UYW: 4,
};

/** Decimal places of a currency's minor unit (ISO 4217). */
export function minorUnits(currency: string): number {
  return MINOR_UNIT_EXCEPTIONS[currency] ?? 2;
}

/** "1999" with 2 minor units -> "19.99"; with 0 -> "1999"; with 3 -> "1.999". Exact: string arithmetic only. */
export function toDecimalString(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Money amounts are integers: ${amount}`);
  const digits = minorUnits(currency);
  const sign = amount < 0 ? "-" : "";
  const abs = String(Math.abs(amount));
  if (digits === 0) return sign + abs;
  const padded = abs.padStart(digits + 1, "0");
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/**
 * A display string such as "€19.99", "¥1,999" or "KWD 1.999". Intl formats the exact decimal string
 * (never a float), with as many decimals as the currency has.
 */
export function formatMoney(money: { amount: number; currency: string }, locale = "en"): string {
  const digits = minorUnits(money.currency);
  const format = new Intl.NumberFormat(locale, { style: "currency", currency: money.currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  // Intl.NumberFormat accepts decimal strings and formats them exactly; the cast covers older lib typings.
  return format.format(toDecimalString(money.amount, money.currency) as unknown as number);
}
