/**
 * The highest open-loop rate a target sustains within its SLO: coarse steps up (doubling) until a
 * rate fails, then bisection between the last rate that passed and the first that failed. The
 * search never runs a step beyond the first failing rate: every later step lies between a pass and
 * a fail. What "sustains" means is judged by `judgeStep`, from a run's summary; how a rate is run
 * is the caller's (`measure`), so the search can be tested against a simulated target.
 */
import type { Summary } from '../reports/index.js';

/** One step of the search: an open-loop run at `rate`, judged. */
export interface Step {
  readonly rate: number;
  readonly passed: boolean;
  /** Why it failed, in words: the SLO thresholds that failed, drops, errors, achieved below offered. */
  readonly reasons: readonly string[];
  /** Committed per second in the measured window. */
  readonly tps: number;
  /** Sent per second (the generator's achieved rate). */
  readonly sent: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly generatorBound: boolean;
  /** Set when this rate failed once and passed when run again: why the first run failed. */
  readonly retried?: readonly string[];
}

/** Below this share of the offered rate, a target is not keeping up, whatever its latency says. */
const KEEPING_UP = 0.98;

/** Judges one run against the SLO (its thresholds) and against keeping up with the offered rate. */
export function judgeStep(rate: number, s: Summary): Step {
  const reasons: string[] = [];
  for (const t of s.thresholds) if (!t.ok) reasons.push(`threshold ${t.metric} ${t.expr} failed (${t.value === null ? 'no data' : `${Number(t.value.toPrecision(4))} ${t.unit}`})`);
  if (s.tx.dropped > 0) reasons.push(`${s.tx.dropped} dropped (the in-flight limit was reached)`);
  const lost = s.tx.errored + s.tx.timedOut;
  if (lost > 0) reasons.push(`${lost} errored or timed out`);
  if (s.rate.achieved < KEEPING_UP * rate) reasons.push(`sent ${Math.round(s.rate.achieved)} tx/s of ${rate} offered (the generator could not keep up)`);
  else if (s.tps < KEEPING_UP * rate) reasons.push(`committed ${Math.round(s.tps)} tx/s of ${rate} offered (achieved below offered)`);
  if (s.verification.mismatch) reasons.push(`results differ from sequential execution: ${s.verification.mismatch}`);
  return {
    rate,
    passed: reasons.length === 0,
    reasons,
    tps: s.tps,
    sent: s.rate.achieved,
    p50: s.latencyMs.p50,
    p90: s.latencyMs.p90,
    p99: s.latencyMs.p99,
    generatorBound: s.generatorBound,
  };
}

export interface SearchOptions {
  /** The first rate tried, tx/s. */
  readonly start: number;
  /** Bisection stops when the gap between pass and fail is at most this share of the failing rate. */
  readonly resolution: number;
  /** Never offered above this (the generator's own ceiling): reaching it passing ends the search. */
  readonly maxRate: number;
  /** Never below this: a target failing it has no sustainable rate here. */
  readonly minRate: number;
  /** After each step, for progress. */
  readonly onStep?: (step: Step, index: number) => void;
  /**
   * Run a failing rate once more before believing it: on a shared machine one transient stall
   * fails a step, and the search would settle below a rate the target sustains. The second run's
   * verdict is the step's; a step that passed on the retry keeps why the first run failed.
   */
  readonly confirmFailures?: boolean;
}

export interface SearchResult {
  readonly steps: readonly Step[];
  /** The highest rate that passed; null when even the lowest failed. */
  readonly sustained: Step | null;
  /** The lowest rate that failed; null when the maximum rate passed. */
  readonly firstFailing: Step | null;
  /** Where the search stopped, in words. */
  readonly ending: string;
}

const roundRate = (r: number): number => (r >= 1000 ? Math.round(r / 100) * 100 : r >= 100 ? Math.round(r / 10) * 10 : Math.max(1, Math.round(r)));

export async function searchCapacity(measure: (rate: number) => Promise<Step>, o: SearchOptions): Promise<SearchResult> {
  const steps: Step[] = [];
  const tryRate = async (rate: number): Promise<Step> => {
    let step = await measure(rate);
    if (!step.passed && o.confirmFailures) {
      const first = step;
      const again = await measure(rate);
      step = again.passed ? { ...again, retried: first.reasons } : { ...again, reasons: [...again.reasons, `failed twice (the first run: ${first.reasons.join('; ')})`] };
    }
    steps.push(step);
    o.onStep?.(step, steps.length - 1);
    return step;
  };
  let pass: Step | null = null;
  let fail: Step | null = null;
  // Coarse: double up from a pass, or halve down from a fail, until the two bracket the capacity.
  let rate = roundRate(Math.min(o.maxRate, Math.max(o.minRate, o.start)));
  for (;;) {
    const step = await tryRate(rate);
    if (step.passed) {
      pass = step;
      if (fail || rate >= o.maxRate) break;
      rate = roundRate(Math.min(o.maxRate, rate * 2));
    } else {
      fail = step;
      if (pass || rate <= o.minRate) break;
      rate = roundRate(Math.max(o.minRate, rate / 2));
    }
  }
  if (!pass) return { steps, sustained: null, firstFailing: fail, ending: `even ${fail?.rate ?? o.minRate} tx/s, the lowest rate tried, failed` };
  if (!fail) return { steps, sustained: pass, firstFailing: null, ending: `${pass.rate} tx/s, the most the generator offers here (--max-rate), passed` };
  // Fine: bisect between them.
  while ((fail.rate - pass.rate) / fail.rate > o.resolution) {
    const mid = roundRate((pass.rate + fail.rate) / 2);
    if (mid <= pass.rate || mid >= fail.rate) break;
    const step = await tryRate(mid);
    if (step.passed) pass = step;
    else fail = step;
  }
  return { steps, sustained: pass, firstFailing: fail, ending: `between ${pass.rate} tx/s (passed) and ${fail.rate} tx/s (failed), ${(((fail.rate - pass.rate) / fail.rate) * 100).toFixed(1)}% apart` };
}

export interface Knee {
  /** The offered rate at the knee: past it, latency climbs faster than throughput. */
  readonly rate: number;
  readonly p99: number;
  /** Δln(p99) / Δln(throughput) on the segment after the knee. */
  readonly elasticity: number;
}

/**
 * The knee of latency against offered rate: the last rate before the first segment on which p99
 * grows faster (relatively) than committed throughput. Null when latency never climbs faster.
 */
export function findKnee(steps: readonly Step[]): Knee | null {
  const points = steps.filter((s) => s.p99 !== null && s.p99 > 0 && s.tps > 0).sort((a, b) => a.rate - b.rate);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const dTps = Math.log(Math.max(b.tps, a.tps * 1.000001) / a.tps);
    const elasticity = Math.log(b.p99! / a.p99!) / dTps;
    if (elasticity > 1) return { rate: a.rate, p99: a.p99!, elasticity };
  }
  return null;
}
