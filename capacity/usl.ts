import jStat from '../reports/jstat.js';

/**
 * The Universal Scalability Law, X(N) = λN / (1 + σ(N−1) + κN(N−1)): σ is contention (the serial
 * share, Amdahl's law when κ = 0), κ is coherency (pairwise crosstalk, which makes throughput peak
 * and then fall). Fitted from measured throughput at a few thread counts, it extrapolates to more.
 */

export interface ThroughputPoint {
  readonly threads: number;
  readonly tps: number;
}

/** A fitted coefficient with its 95% interval; null where the data cannot give one. */
export interface Estimate {
  readonly value: number;
  readonly se: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

export interface UslFit {
  /** Mean measured X(1): throughput of one thread. */
  readonly lambda: number;
  readonly sigma: Estimate;
  /** When not identified, fixed at 0 (value 0, no interval): an assumption, not a measurement. */
  readonly kappa: Estimate;
  readonly identified: { readonly sigma: boolean; readonly kappa: boolean };
  /** How σ/κ and their uncertainty were obtained. */
  readonly method: 'regression' | 'amdahl-delta';
  /** Degrees of freedom of the t quantile behind the intervals (0: no intervals). */
  readonly df: number;
  /** Cov(σ, κ) of the regression; null when κ is not identified or df = 0. */
  readonly covSigmaKappa: number | null;
  /** Distinct thread counts measured, ascending. */
  readonly levels: readonly number[];
  readonly samples: number;
  readonly assumptions: readonly string[];
  /** What this data did that a reader should know (negative estimates, missing intervals). */
  readonly notes: readonly string[];
}

export interface UslPrediction {
  readonly threads: number;
  /** Null when the fitted denominator is not positive at this N (the model breaks down there). */
  readonly tps: number | null;
  /** Null when no finite bound can be given (no interval, or an interval corner breaks down). */
  readonly low: number | null;
  readonly high: number | null;
  readonly note?: string;
}

const LEVEL = 0.95;

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]): number => {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
};
const tQuantile = (df: number): number => jStat.studentt.inv(1 - (1 - LEVEL) / 2, df);

function estimate(value: number, se: number | null, df: number): Estimate {
  if (se === null || !(df > 0) || !Number.isFinite(se)) return { value, se: null, low: null, high: null };
  const half = tQuantile(df) * se;
  return { value, se, low: value - half, high: value + half };
}

export function fitUsl(points: readonly ThroughputPoint[]): UslFit {
  const byN = new Map<number, number[]>();
  for (const p of points) {
    if (!Number.isInteger(p.threads) || p.threads < 1) throw new Error(`USL: thread count must be a positive integer, got ${p.threads}`);
    if (!(p.tps > 0) || !Number.isFinite(p.tps)) throw new Error(`USL: throughput must be positive and finite, got ${p.tps} at N=${p.threads}`);
    const xs = byN.get(p.threads) ?? [];
    xs.push(p.tps);
    byN.set(p.threads, xs);
  }
  const ones = byN.get(1);
  if (!ones) throw new Error('USL: a measurement at N=1 is required (λ is X(1))');
  const levels = [...byN.keys()].sort((a, b) => a - b);
  const higher = levels.filter((n) => n > 1);
  if (higher.length === 0) throw new Error('USL: at least one measurement with N>1 is required');
  const lambda = mean(ones);

  const assumptions = [
    'throughput follows the USL X(N) = λN / (1 + σ(N−1) + κN(N−1)), with λ = mean measured X(1)',
    'the measured thread counts are representative of the extrapolated ones (same workload, no change of regime such as running out of physical cores)',
  ];
  const notes: string[] = [];

  let fit: Pick<UslFit, 'sigma' | 'kappa' | 'identified' | 'method' | 'df' | 'covSigmaKappa'>;
  if (higher.length === 1) {
    // One level above N=1: σ(N−1) and κN(N−1) are proportional there, so only their sum is seen.
    const m = higher[0]!;
    const xm = byN.get(m)!;
    const x1 = lambda;
    const xbar = mean(xm);
    const sigma = ((m * x1) / xbar - 1) / (m - 1);
    assumptions.push(
      `only N=1 and N=${m} measured: σ and κ cannot both be identified, so κ is fixed at 0 (Amdahl's law) and no retrograde peak is predicted`,
      `σ = (N·X̄(1)/X̄(N) − 1)/(N−1) from the means; its standard error by the delta method from the sample variances of X(1) and X(N), with Welch–Satterthwaite degrees of freedom`,
    );
    let se: number | null = null;
    let df = 0;
    if (ones.length >= 2 && xm.length >= 2) {
      // ∂σ/∂X̄1 and ∂σ/∂X̄N, times Var(X̄) = s²/n: the two independent contributions to Var(σ).
      const a = (m / (xbar * (m - 1))) ** 2 * (variance(ones) / ones.length);
      const b = ((m * x1) / (xbar * xbar * (m - 1))) ** 2 * (variance(xm) / xm.length);
      se = Math.sqrt(a + b);
      df = a + b > 0 ? (a + b) ** 2 / (a * a / (ones.length - 1) + (b * b) / (xm.length - 1)) : ones.length + xm.length - 2;
    } else notes.push(`σ has no interval: it needs at least 2 samples at both N=1 and N=${m} (have ${ones.length} and ${xm.length})`);
    fit = {
      sigma: estimate(sigma, se, df),
      kappa: { value: 0, se: null, low: null, high: null },
      identified: { sigma: true, kappa: false },
      method: 'amdahl-delta',
      df,
      covSigmaKappa: null,
    };
  } else {
    // y = N/C(N) − 1 = σ(N−1) + κN(N−1), C = X/λ: linear in (σ, κ), through the origin.
    let saa = 0;
    let sab = 0;
    let sbb = 0;
    let say = 0;
    let sby = 0;
    const rows: { a: number; b: number; y: number }[] = [];
    for (const n of higher) {
      for (const x of byN.get(n)!) {
        const a = n - 1;
        const b = n * (n - 1);
        const y = (n * lambda) / x - 1;
        rows.push({ a, b, y });
        saa += a * a;
        sab += a * b;
        sbb += b * b;
        say += a * y;
        sby += b * y;
      }
    }
    const det = saa * sbb - sab * sab;
    const sigma = (sbb * say - sab * sby) / det;
    const kappa = (saa * sby - sab * say) / det;
    const df = rows.length - 2;
    let rss = 0;
    for (const r of rows) rss += (r.y - sigma * r.a - kappa * r.b) ** 2;
    const s2 = df > 0 ? rss / df : NaN;
    assumptions.push(
      'σ and κ by least squares through the origin on y = N/C(N) − 1 = σ(N−1) + κN(N−1), C(N) = X(N)/λ, over every N>1 sample (repeats as separate points)',
      'standard errors from the residual variance and (XᵀX)⁻¹; residuals assumed independent with equal variance in y',
      "λ's own uncertainty is not propagated into the regression (it is treated as known)",
    );
    if (df <= 0) notes.push(`no intervals: ${rows.length} samples above N=1 leave no residual degrees of freedom for 2 coefficients`);
    fit = {
      sigma: estimate(sigma, df > 0 ? Math.sqrt((s2 * sbb) / det) : null, df),
      kappa: estimate(kappa, df > 0 ? Math.sqrt((s2 * saa) / det) : null, df),
      identified: { sigma: true, kappa: true },
      method: 'regression',
      df: Math.max(df, 0),
      covSigmaKappa: df > 0 ? (-s2 * sab) / det : null,
    };
  }

  if (fit.sigma.value < 0)
    notes.push(`σ fitted negative (${fit.sigma.value.toPrecision(3)}): measured scaling was super-linear (cache effects or noise); reported as fitted, not clamped`);
  if (fit.identified.kappa && fit.kappa.value < 0)
    notes.push(`κ fitted negative (${fit.kappa.value.toPrecision(3)}): no throughput peak; reported as fitted, not clamped`);
  return { lambda, ...fit, levels, samples: points.length, assumptions, notes };
}

const usl = (lambda: number, sigma: number, kappa: number, n: number): number | null => {
  const d = 1 + sigma * (n - 1) + kappa * n * (n - 1);
  return d > 0 ? (lambda * n) / d : null;
};

/**
 * X(threads) at the fitted σ, κ, with bounds at the corners of their interval box: X falls in σ
 * and in κ for N > 1, so the corners hold its extremes over the box (a conservative band, since
 * it ignores the σ–κ correlation). κ not identified stays at its assumed 0.
 */
export function predictUsl(fit: UslFit, threads: number): UslPrediction {
  if (!(threads >= 1)) throw new Error(`USL: thread count must be at least 1, got ${threads}`);
  const tps = usl(fit.lambda, fit.sigma.value, fit.kappa.value, threads);
  if (tps === null)
    return { threads, tps: null, low: null, high: null, note: `the fitted model breaks down at N=${threads}: 1 + σ(N−1) + κN(N−1) ≤ 0` };
  if (threads === 1) return { threads, tps, low: tps, high: tps };
  const sigmas = [fit.sigma.low, fit.sigma.high];
  const kappas = fit.identified.kappa ? [fit.kappa.low, fit.kappa.high] : [0, 0];
  if (sigmas.includes(null) || kappas.includes(null)) return { threads, tps, low: null, high: null, note: 'no interval for σ or κ' };
  const corners: (number | null)[] = [];
  for (const s of sigmas) for (const k of kappas) corners.push(usl(fit.lambda, s!, k!, threads));
  const finite = corners.filter((c): c is number => c !== null);
  const low = Math.min(...finite);
  if (finite.length < corners.length)
    return { threads, tps, low, high: null, note: `an interval corner breaks down at N=${threads} (1 + σ(N−1) + κN(N−1) ≤ 0): no finite upper bound` };
  return { threads, tps, low, high: Math.max(...finite) };
}

/**
 * Where throughput peaks, N* = sqrt((1−σ)/κ); null when there is no interior peak (κ ≤ 0 or not
 * identified: throughput keeps rising; σ ≥ 1: it never rises).
 */
export function peakThreads(fit: UslFit): number | null {
  const { value: sigma } = fit.sigma;
  const { value: kappa } = fit.kappa;
  if (!fit.identified.kappa || !(kappa > 0) || sigma >= 1) return null;
  return Math.sqrt((1 - sigma) / kappa);
}
