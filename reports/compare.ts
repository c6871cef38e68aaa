/**
 * Baseline comparison that knows noise. On a shared 2-core machine one run's TPS or p99 moves by
 * several percent from run to run, so a gate that compares two single numbers cries wolf. Each
 * metric is compared as the mean of repeated runs on each side, with a 95% confidence interval of
 * the relative change (Welch's t interval: the two sides may be as noisy as they like). A
 * regression is called only when the whole interval lies beyond the allowed margin on the worse
 * side: the runs say, with 97.5% confidence, that it got worse by more than the margin. With a
 * single run on either side there is no spread to judge by: the comparison says so, and calls a
 * regression only past three times the margin.
 */
import jStat from './jstat.js';
import type { Summary } from './summary.js';

export type ComparedMetric = 'tps' | 'p50' | 'p99' | 'speedup' | 'efficiency';

/**
 * regression / improvement: the whole interval is beyond the margin. possible …: the change is
 * real but may be within the margin (more runs would tell). within the margin: real, and smaller
 * than the margin. no significant change: the interval holds zero.
 */
export const VERDICTS = ['regression', 'improvement', 'possible regression', 'possible improvement', 'within the margin', 'no significant change'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One run's figures, as a comparison reads them. */
export interface RunFigures {
  readonly tps: number;
  /** Latency, ms. */
  readonly p50: number | null;
  readonly p99: number | null;
  /** Executor speed-up against sequential on the same blocks (bench) or W/block time (runs), and its share of the bound. */
  readonly speedup: number | null;
  readonly efficiency: number | null;
}

export interface MetricComparison {
  readonly metric: ComparedMetric;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly base: { readonly mean: number; readonly samples: readonly number[] };
  readonly current: { readonly mean: number; readonly samples: readonly number[] };
  /** Relative change of the mean: +0.05 is 5% higher. */
  readonly change: number;
  /** 95% confidence interval of the relative change; null with a single run on either side. */
  readonly ci: readonly [number, number] | null;
  /** How sure that the means differ at all (1 - p of Welch's t-test); null with single runs. */
  readonly confidence: number | null;
  readonly verdict: Verdict;
  readonly regression: boolean;
  /** The verdict in words, with the figures. */
  readonly message: string;
}

export interface Comparison {
  readonly base: { readonly file: string; readonly profile: string; readonly profileHash: string; readonly runs: number };
  readonly current: { readonly file: string; readonly profile: string; readonly profileHash: string; readonly runs: number };
  /** The largest regression allowed, as a share (0.05 = 5%). */
  readonly maxRegression: number;
  readonly metrics: readonly MetricComparison[];
  readonly passed: boolean;
}

const META: Record<ComparedMetric, { unit: string; better: 'higher' | 'lower'; label: string }> = {
  tps: { unit: 'tx/s', better: 'higher', label: 'throughput' },
  p50: { unit: 'ms', better: 'lower', label: 'latency p50' },
  p99: { unit: 'ms', better: 'lower', label: 'latency p99' },
  speedup: { unit: '×', better: 'higher', label: 'speed-up' },
  efficiency: { unit: '', better: 'higher', label: 'efficiency' },
};

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]): number => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

/** Welch's t: the difference of means (b - a), its standard error and degrees of freedom. */
function welch(a: readonly number[], b: readonly number[]): { diff: number; se: number; df: number } {
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se = Math.sqrt(va + vb);
  const df = se === 0 ? Infinity : (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { diff: mean(b) - mean(a), se, df };
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const fmt = (x: number, unit: string): string => `${Number(x.toPrecision(4)).toLocaleString('en-US')}${unit === '' ? '' : unit === '×' ? '×' : ` ${unit}`}`;

export function compareMetric(metric: ComparedMetric, base: readonly number[], current: readonly number[], maxRegression: number): MetricComparison {
  const meta = META[metric];
  const bm = mean(base);
  const cm = mean(current);
  const change = bm === 0 ? (cm === 0 ? 0 : Infinity) : (cm - bm) / Math.abs(bm);
  // Worse is a fall for higher-is-better metrics and a rise for lower-is-better ones.
  const worse = meta.better === 'higher' ? -change : change;
  let ci: [number, number] | null = null;
  let confidence: number | null = null;
  // The interval of "how much worse" (positive: worse), or the point estimate alone.
  let worseLow = worse;
  let worseHigh = worse;
  if (base.length >= 2 && current.length >= 2 && bm !== 0) {
    const w = welch(base, current);
    if (w.se === 0) {
      ci = [change, change];
      confidence = w.diff === 0 ? 0 : 1;
    } else {
      const t = jStat.studentt.inv(0.975, w.df);
      ci = [(w.diff - t * w.se) / Math.abs(bm), (w.diff + t * w.se) / Math.abs(bm)];
      // Clamped: the t CDF comes back a hair off at the ends.
      confidence = Math.min(1, Math.max(0, 1 - 2 * (1 - jStat.studentt.cdf(Math.abs(w.diff / w.se), w.df))));
    }
    [worseLow, worseHigh] = meta.better === 'higher' ? [-ci[1], -ci[0]] : [ci[0], ci[1]];
  } else {
    // No spread to judge by: only a change far past the margin counts.
    const far = Math.abs(worse) > 3 * maxRegression;
    worseLow = far ? worse : Math.min(worse, 0);
    worseHigh = far ? worse : Math.max(worse, 0);
  }
  const regression = worseLow > maxRegression;
  const improvement = worseHigh < -maxRegression;
  const verdict: Verdict = regression
    ? 'regression'
    : improvement
      ? 'improvement'
      : worseLow > 0
        ? worseHigh > maxRegression
          ? 'possible regression'
          : 'within the margin'
        : worseHigh < 0
          ? worseLow < -maxRegression
            ? 'possible improvement'
            : 'within the margin'
          : 'no significant change';
  const spread = ci ? `95% CI ${pct(ci[0])} … ${pct(ci[1])}, ${((confidence ?? 0) * 100).toFixed(1)}% sure it changed` : `single runs: no spread to judge by (repeat with --repeat N)`;
  const message = `${meta.label} ${fmt(bm, meta.unit)} → ${fmt(cm, meta.unit)} (${pct(change)}; ${spread})${regression ? `: a regression beyond the allowed ${(maxRegression * 100).toFixed(1)}%` : verdict === 'possible regression' ? `: worse, but maybe not beyond the allowed ${(maxRegression * 100).toFixed(1)}% (more runs would tell)` : ''}`;
  return { metric, unit: meta.unit, better: meta.better, base: { mean: bm, samples: base }, current: { mean: cm, samples: current }, change, ci, confidence, verdict, regression, message };
}

export interface CompareSide {
  readonly file: string;
  readonly profile: string;
  readonly profileHash: string;
  readonly runs: readonly RunFigures[];
}

/** Every metric both sides have. */
export function compareRuns(base: CompareSide, current: CompareSide, maxRegression: number): Comparison {
  const metrics: MetricComparison[] = [];
  for (const m of ['tps', 'p50', 'p99', 'speedup', 'efficiency'] as const) {
    const a = base.runs.map((r) => r[m]).filter((x): x is number => x !== null && Number.isFinite(x));
    const b = current.runs.map((r) => r[m]).filter((x): x is number => x !== null && Number.isFinite(x));
    if (a.length === base.runs.length && b.length === current.runs.length && a.length > 0 && b.length > 0) metrics.push(compareMetric(m, a, b, maxRegression));
  }
  const side = (s: CompareSide): Comparison['base'] => ({ file: s.file, profile: s.profile, profileHash: s.profileHash, runs: s.runs.length });
  return { base: side(base), current: side(current), maxRegression, metrics, passed: metrics.every((m) => !m.regression) };
}

/** A summary's figures for comparison: every repeated run's when it has them, else its own. */
export function figuresOf(summary: Summary): RunFigures[] {
  return summary.repeats ? [...summary.repeats] : [runFigures(summary)];
}

/** One run's figures, from its summary. */
export function runFigures(summary: Summary): RunFigures {
  const e = summary.executor;
  const b = summary.bound;
  let speedup: number | null = null;
  let efficiency: number | null = null;
  if (e && b && e.execMs > 0 && b.txs > 0 && e.txs > 0) {
    // The bound covers the blocks kept for verification; scale its work to every executed block.
    const work = (b.work / b.txs) * e.txs;
    speedup = work / (e.execMs * 1000);
    efficiency = b.smax > 0 ? speedup / b.smax : null;
  }
  return { tps: summary.tps, p50: summary.latencyMs.p50, p99: summary.latencyMs.p99, speedup, efficiency };
}

/** Two summaries (or sets of repeated runs) compared; the caller has checked they ran the same profile. */
export function compareSummaries(base: Summary, baseFile: string, current: Summary, currentFile: string, maxRegression: number): Comparison {
  const side = (s: Summary, file: string): CompareSide => ({ file, profile: s.profile.name, profileHash: s.profile.hash, runs: figuresOf(s) });
  return compareRuns(side(base, baseFile), side(current, currentFile), maxRegression);
}

/** The comparison as the terminal shows it. */
export function renderComparison(c: Comparison): string {
  const lines = [
    `parabench compare · ${c.base.profile} · base ${c.base.file} (${c.base.runs} run${c.base.runs === 1 ? '' : 's'}) → ${c.current.file} (${c.current.runs} run${c.current.runs === 1 ? '' : 's'}) · allowed regression ${(c.maxRegression * 100).toFixed(1)}%`,
    '',
  ];
  for (const m of c.metrics) lines.push(`  ${m.regression ? '✗' : '✓'} ${m.message}`);
  if (c.metrics.length === 0) lines.push('  nothing to compare: the summaries share no metric');
  const single = c.base.runs < 2 || c.current.runs < 2;
  lines.push('', c.passed ? '  PASSED: no regression beyond the allowed margin' : `  FAILED: ${c.metrics.filter((m) => m.regression).map((m) => m.metric).join(', ')} regressed`);
  if (single) lines.push('  (a single run on a side has no spread: only changes past 3× the margin count; use --repeat N on both sides)');
  return `${lines.join('\n')}\n`;
}
