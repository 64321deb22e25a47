/**
 * Tax arithmetic on integer minor units and integer basis points (1900 = 19%), exact: BigInt
 * numerators and denominators, one rounding (half up) per rate, never a float.
 *
 * Rounding rule (docs/pricing.md): for each rate, the tax of all amounts taxed at that rate is
 * computed exactly and rounded once; then it is allocated to the amounts: each gets its exact share
 * rounded down, and the cents left over go one each to the amounts with the largest remainders
 * (ties: the earlier amount). So the lines' taxes always add up to the rounded tax of the rate, each
 * line's tax is within one cent of its exact share, and the same input always gives the same split.
 */

export const BASIS_POINTS = 10_000;

export interface Taxable {
  /** Non-negative minor units: net when prices exclude tax, gross when they include it. */
  amount: number;
  /** Non-negative basis points, e.g. 1900 for 19%. */
  rateBp: number;
}

/** round(n / d) half up, for n >= 0 and d > 0. */
function roundHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

/** Exact tax of one amount as a fraction: exclusive `amount * r`, inclusive `amount * r / (1 + r)`. */
function exactTax(item: Taxable, inclusive: boolean): { num: bigint; den: bigint } {
  const bp = BigInt(item.rateBp);
  return { num: BigInt(item.amount) * bp, den: inclusive ? BigInt(BASIS_POINTS) + bp : BigInt(BASIS_POINTS) };
}

/**
 * The tax of each amount, in input order. `inclusive`: the amounts include their tax (the result is
 * the tax contained in them); otherwise the tax comes on top.
 */
export function allocateTax(items: readonly Taxable[], inclusive: boolean): number[] {
  for (const item of items) {
    if (!Number.isSafeInteger(item.amount) || item.amount < 0) throw new RangeError(`Taxable amounts are non-negative integers: ${item.amount}`);
    if (!Number.isSafeInteger(item.rateBp) || item.rateBp < 0) throw new RangeError(`Tax rates are non-negative integer basis points: ${item.rateBp}`);
  }
  const out = new Array<number>(items.length).fill(0);
  const byRate = new Map<number, number[]>();
  items.forEach((item, i) => byRate.set(item.rateBp, [...(byRate.get(item.rateBp) ?? []), i]));
  for (const indexes of byRate.values()) {
    const parts = indexes.map((i) => ({ i, ...exactTax(items[i]!, inclusive) }));
    const den = parts[0]!.den;
    const total = roundHalfUp(parts.reduce((sum, p) => sum + p.num, 0n), den);
    let allocated = 0n;
    for (const p of parts) {
      const share = p.num / den;
      out[p.i] = Number(share);
      allocated += share;
    }
    const byRemainder = [...parts].sort((a, b) => {
      const ra = a.num % den;
      const rb = b.num % den;
      return ra === rb ? a.i - b.i : ra > rb ? -1 : 1;
    });
    for (let k = 0n, left = total - allocated; k < left; k++) out[byRemainder[Number(k)]!.i]! += 1;
  }
  return out;
}

/** The tax included in one gross amount at one rate (what `allocateTax` gives a single amount). */
export function includedTax(gross: number, rateBp: number): number {
  return allocateTax([{ amount: gross, rateBp }], true)[0]!;
}

/** The tax on top of one net amount at one rate. */
export function addedTax(net: number, rateBp: number): number {
  return allocateTax([{ amount: net, rateBp }], false)[0]!;
}
