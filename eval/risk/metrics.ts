/** Scored, labelled checkouts: p is the model's fraud probability. */
export interface Scored {
  p: number;
  fraud: boolean;
}

/** ROC AUC: the probability that a random fraud outscores a random legitimate checkout (ties count half). */
export function rocAuc(scored: readonly Scored[]): number {
  const sorted = [...scored].sort((a, b) => a.p - b.p);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.p === sorted[i]!.p) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (sorted[k]!.fraud) {
        rankSum += averageRank;
        positives += 1;
      }
    i = j;
  }
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Average precision: the area under the precision-recall curve, one step per distinct score. */
export function prAuc(scored: readonly Scored[]): number {
  const sorted = [...scored].sort((a, b) => b.p - a.p);
  const positives = sorted.filter((s) => s.fraud).length;
  if (positives === 0) return 0;
  let tp = 0;
  let fp = 0;
  let area = 0;
  let previousRecall = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.p === sorted[i]!.p) j++;
    for (let k = i; k < j; k++) {
      if (sorted[k]!.fraud) tp++;
      else fp++;
    }
    const recall = tp / positives;
    area += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
    i = j;
  }
  return area;
}

export interface AtThreshold {
  threshold: number;
  flagged: number;
  precision: number;
  recall: number;
  falsePositiveRate: number;
}

export function atThreshold(scored: readonly Scored[], threshold: number): AtThreshold {
  const flagged = scored.filter((s) => s.p >= threshold);
  const tp = flagged.filter((s) => s.fraud).length;
  const positives = scored.filter((s) => s.fraud).length;
  const negatives = scored.length - positives;
  return {
    threshold,
    flagged: flagged.length,
    precision: flagged.length ? tp / flagged.length : 0,
    recall: positives ? tp / positives : 0,
    falsePositiveRate: negatives ? (flagged.length - tp) / negatives : 0,
  };
}

export const thresholdGrid = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99] as const;

/**
 * The decision threshold for a target precision, chosen on validation: the lowest grid value at
 * which both the precision of everything flagged (at least `minFlagged` orders) and the model's
 * probability itself reach the target; null when none does.
 */
export function thresholdFor(validation: readonly Scored[], target: number, minFlagged = 5): number | null {
  for (const t of thresholdGrid) {
    if (t < target) continue;
    const m = atThreshold(validation, t);
    if (m.flagged >= minFlagged && m.precision >= target) return t;
  }
  return null;
}

export const brier = (s: readonly Scored[]) => s.reduce((a, x) => a + (x.p - (x.fraud ? 1 : 0)) ** 2, 0) / Math.max(1, s.length);

export const logLoss = (s: readonly Scored[]) =>
  -s.reduce((a, x) => a + Math.log(Math.min(1 - 1e-12, Math.max(1e-12, x.fraud ? x.p : 1 - x.p))), 0) / Math.max(1, s.length);

export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observed: number;
}

/** Calibration: mean predicted probability against the observed fraud rate, per probability band. */
export function reliability(s: readonly Scored[], edges: readonly number[] = [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.9, 1]): ReliabilityBin[] {
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < edges.length - 1; b++) {
    const last = b === edges.length - 2;
    const inBin = s.filter((x) => x.p >= edges[b]! && (x.p < edges[b + 1]! || (last && x.p <= edges[b + 1]!)));
    if (inBin.length === 0) continue;
    bins.push({
      from: edges[b]!,
      to: edges[b + 1]!,
      count: inBin.length,
      meanPredicted: inBin.reduce((a, x) => a + x.p, 0) / inBin.length,
      observed: inBin.filter((x) => x.fraud).length / inBin.length,
    });
  }
  return bins;
}
