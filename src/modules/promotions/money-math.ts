/**
 * Integer money arithmetic for discounts. Amounts are minor units; products of amounts and
 * weights can pass 2^53, so the arithmetic is done in BigInt and only results come back as numbers.
 */

/** `basisPoints` (1/100 of a percent) of `amount`, rounded half up: 1250 bp of 999 = 124.875 -> 125. */
export function percentOf(amount: number, basisPoints: number): number {
  return Number((BigInt(amount) * BigInt(basisPoints) * 2n + 10_000n) / 20_000n);
}

/**
 * Split `total` over `weights` in proportion (largest remainder): each share is the floor of its
 * exact share, and the units left over go to the largest fractional parts, ties to the earlier
 * weight. The shares always sum to `total`, and no share exceeds its weight when `total` does not
 * exceed the sum of the weights (so an allocated discount never takes a line below zero).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + BigInt(w), 0n);
  if (total === 0 || sum === 0n) return weights.map(() => 0);
  if (BigInt(total) > sum) throw new RangeError(`Cannot allocate ${total} over weights summing to ${sum}.`);
  const t = BigInt(total);
  const shares = weights.map((w) => (t * BigInt(w)) / sum);
  const fractions = weights.map((w, index) => ({ index, remainder: (t * BigInt(w)) % sum }));
  let left = Number(t - shares.reduce((a, s) => a + s, 0n));
  fractions.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of fractions) {
    if (left === 0) break;
    shares[index]! += 1n;
    left -= 1;
  }
  return shares.map(Number);
}
