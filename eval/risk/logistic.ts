/**
 * L2-regularised logistic regression by Newton's method (iteratively reweighted least squares).
 * Small and exact for the few features a checkout scorer has; the intercept is not penalised.
 */
export interface LogisticFit {
  intercept: number;
  weights: number[];
  iterations: number;
}

/** Solve A x = b (Gauss-Jordan with partial pivoting); a zero pivot leaves its unknown at 0. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const pivot = M[c]![c]!;
    if (Math.abs(pivot) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const k = M[r]![c]! / pivot;
      if (k !== 0) for (let j = c; j <= n; j++) M[r]![j]! -= k * M[c]![j]!;
    }
  }
  return M.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

export function fitLogistic(X: readonly number[][], y: readonly boolean[], lambda: number, maxIterations = 50): LogisticFit {
  const d = X[0]?.length ?? 0;
  let beta: number[] = new Array(d + 1).fill(0); // [intercept, ...weights]
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    const g = new Array<number>(d + 1).fill(0);
    for (let i = 0; i < X.length; i++) {
      const x = [1, ...X[i]!];
      let z = 0;
      for (let j = 0; j <= d; j++) z += beta[j]! * x[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const residual = (y[i] ? 1 : 0) - p;
      const v = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j <= d; j++) {
        if (x[j] === 0) continue;
        g[j]! += residual * x[j]!;
        for (let k = j; k <= d; k++) if (x[k] !== 0) H[j]![k]! += v * x[j]! * x[k]!;
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) H[j]![k] = H[k]![j]!;
    for (let j = 1; j <= d; j++) {
      g[j]! -= lambda * beta[j]!;
      H[j]![j]! += lambda;
    }
    const step = solve(H, g);
    beta = beta.map((b, j) => b + step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-7) break;
  }
  return { intercept: beta[0]!, weights: beta.slice(1), iterations };
}

/**
 * Fit, drop the most negative weight, refit, until no weight is negative: every learned signal
 * can then only raise the risk, which is what an explanation to an admin can say. Dropped
 * features get weight 0.
 */
export function fitNonNegative(X: readonly number[][], y: readonly boolean[], lambda: number): { fit: LogisticFit; dropped: number[] } {
  let kept = (X[0] ?? []).map((_, j) => j);
  const dropped: number[] = [];
  for (;;) {
    const fit = fitLogistic(
      X.map((row) => kept.map((j) => row[j]!)),
      y,
      lambda,
    );
    const negative = fit.weights.map((w, k) => ({ w, j: kept[k]! })).filter((e) => e.w < 0);
    if (negative.length === 0) {
      const weights = (X[0] ?? []).map(() => 0);
      kept.forEach((j, k) => (weights[j] = fit.weights[k]!));
      return { fit: { ...fit, weights }, dropped };
    }
    const worst = negative.sort((a, b) => a.w - b.w)[0]!.j;
    dropped.push(worst);
    kept = kept.filter((j) => j !== worst);
  }
}
