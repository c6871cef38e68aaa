/**
 * summary.json: the source of truth of a run, versioned. Scripts rely on its fields (DESIGN.md);
 * add fields freely, but change or remove one only with a new schema version.
 */
import { profileHash } from '../core/profile/hash.js';
import type { Profile } from '../core/profile/schema.js';
import type { BoundSummary, ChainStats, ExecutorStats, TargetDescription, Verification } from '../core/target.js';
import type { Buckets, RunResult, WindowStats } from '../loadgen/index.js';
import type { Comparison, RunFigures } from './compare.js';
import { evaluateThresholds, type MetricSource, type ThresholdResult } from './thresholds.js';

export const SUMMARY_SCHEMA = 'parabench.summary/v1';

export interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  /** 1-minute load average when the run started and when it ended: a busy host makes figures noisy. */
  readonly loadAvgStart: number;
  readonly loadAvgEnd: number;
  /** Calibration of synthetic work: xorshift rounds per µs on this machine. */
  readonly workItersPerUs: number;
}

type Percentiles = { count: number; min: number | null; mean: number | null; p50: number | null; p90: number | null; p99: number | null; p999: number | null; max: number | null };

export interface Summary {
  readonly schema: typeof SUMMARY_SCHEMA;
  readonly parabench: { readonly version: string };
  readonly startedAt: string;
  /** Every threshold passed and the verification (where there was one) found no difference. */
  readonly passed: boolean;
  readonly aborted: string | null;
  readonly profile: {
    readonly name: string;
    readonly file: string;
    /** sha256 of the resolved profile: two summaries with the same hash ran the same scenario. */
    readonly hash: string;
    readonly description: string | null;
    readonly seed: number;
    readonly workload: string;
    readonly schedule: string;
  };
  /** The profile as it ran, defaults filled in and overrides applied; durations in ms. */
  readonly config: Profile;
  readonly target: TargetDescription;
  readonly window: { readonly warmupMs: number; readonly durationMs: number; readonly timeoutMs: number };
  readonly rate: { readonly requested: number; readonly achieved: number };
  /** Committed transactions per second of the measured window. */
  readonly tps: number;
  /** Transactions due in the measured window, by where they ended. */
  readonly tx: Buckets;
  readonly warmupTx: Buckets;
  /** From intended send time to receipt. Timed-out transactions count at the timeout (a lower bound). */
  readonly latencyMs: Percentiles & { readonly timeoutCountedAtMs: number; readonly hdr: string };
  readonly sendLagMs: Percentiles;
  /**
   * The load generator, not the target, limited the run: it sent less than asked without dropping
   * anything, or it sent late by more than 5 ms at p99 and by more than a quarter of the latency
   * p99 (latency runs from the intended time, so that lateness is in it). The figures are then the
   * generator's as much as the target's.
   */
  readonly generatorBound: boolean;
  readonly executor:
    | (Omit<ExecutorStats, 'stateRoot'> & {
    readonly name: string;
    readonly threads: number;
    readonly meanTxPerBlock: number;
    readonly meanBlockMs: number;
    readonly usPerTx: number;
    /** The state root after the last block: same seed and same transactions executed, same root. */
    readonly stateRoot: string | null;
  })
    | null;
  /** Without a verifying target: checked false, and nothing claimed to match. */
  readonly verification: Omit<Verification, 'mismatch'> & { readonly mismatch: string | null };
  /** What the executed blocks allowed (W/CP, S_max…), from their declared sets; null when the target cannot tell. */
  readonly bound: BoundSummary | null;
  readonly thresholds: readonly ThresholdResult[];
  readonly windows: readonly WindowStats[];
  readonly unmatchedReceipts: number;
  readonly errors: readonly { readonly message: string; readonly count: number }[];
  /** Why transactions failed (a reason of the state machine, or a node's own message), warm-up included, most frequent first. */
  readonly failures: readonly { readonly reason: string; readonly count: number }[];
  /** Things that make the figures less trustworthy than they look, in words. */
  readonly warnings: readonly string[];
  readonly machine: MachineInfo;
  /** Set when the run replayed a trace instead of generating its traffic. */
  readonly trace: TraceInfo | null;
  /**
   * With --repeat N: the figures of every run (this summary is the last one's, in full). A
   * comparison uses their spread, not one noisy sample.
   */
  readonly repeats: readonly RunFigures[] | null;
  /** With --baseline: this run (or its repeats) against the baseline's. `passed` includes its verdict. */
  readonly baseline: Comparison | null;
  /** A real chain's blocks during the run (an EVM target): mined is `tps`, sent is `rate.achieved`. */
  readonly chain: ChainStats | null;
}

export interface TraceInfo {
  readonly file: string;
  readonly speed: number;
  /** The hash of the profile the trace was recorded from. */
  readonly recordedProfileHash: string;
  /** Times the sender found its next transaction not yet read from the trace. */
  readonly underruns: number;
}

export interface SummaryInput {
  readonly result: RunResult;
  readonly profile: Profile & { readonly name: string };
  readonly file: string;
  readonly target: TargetDescription;
  readonly workload: string;
  readonly schedule: string;
  readonly machine: MachineInfo;
  readonly version: string;
  readonly trace?: TraceInfo;
}

export function buildSummary(input: SummaryInput): Summary {
  const { result, profile } = input;
  const thresholds = evaluateThresholds(profile.thresholds, metricSource(result));
  const v = result.verification;
  const verification = {
    checked: v?.checked ?? false,
    blocks: v?.blocks ?? 0,
    txs: v?.txs ?? 0,
    blocksSkipped: v?.blocksSkipped ?? 0,
    stateRootMatches: v?.stateRootMatches ?? false,
    rootsCompared: v?.rootsCompared ?? 0,
    receiptsMatch: v?.receiptsMatch ?? false,
    mismatch: v?.mismatch ?? null,
  };
  const verified = !verification.checked || (verification.stateRootMatches && verification.receiptsMatch);
  const e = result.executor;
  return {
    schema: SUMMARY_SCHEMA,
    parabench: { version: input.version },
    startedAt: result.startedAt.toISOString(),
    // A run stopped by an abortOnFail threshold failed, whatever its truncated figures say now.
    passed: verified && thresholds.every((t) => t.ok) && !(result.aborted ?? '').startsWith('threshold '),
    aborted: result.aborted ?? null,
    profile: {
      name: profile.name,
      file: input.file,
      hash: profileHash(profile),
      description: profile.description ?? null,
      seed: profile.seed,
      workload: input.workload,
      schedule: input.schedule,
    },
    config: profile,
    target: input.target,
    window: { warmupMs: result.warmupMs, durationMs: result.durationMs, timeoutMs: result.timeoutMs },
    rate: { requested: result.requestedRate, achieved: round(result.achievedRate, 1) },
    tps: round(result.tps, 1),
    tx: { ...result.measured },
    warmupTx: { ...result.warmup },
    latencyMs: { ...percentiles(result.latency), timeoutCountedAtMs: result.timeoutMs, hdr: result.latency.encode() },
    sendLagMs: percentiles(result.sendLag),
    generatorBound: generatorBound(result),
    executor: e
      ? {
          name: input.target.executor ?? 'unknown',
          threads: input.target.threads ?? 1,
          ...e,
          execMs: round(e.execMs, 3),
          prepareMs: round(e.prepareMs, 3),
          commitMs: round(e.commitMs, 3),
          meanTxPerBlock: round(e.blocks > 0 ? e.txs / e.blocks : 0, 1),
          meanBlockMs: round(e.blocks > 0 ? e.execMs / e.blocks : 0, 3),
          usPerTx: round(e.txs > 0 ? (e.execMs * 1000) / e.txs : 0, 3),
          stateRoot: e.stateRoot ?? null,
        }
      : null,
    verification,
    // No blocks kept (--no-verify): no bound to speak of, rather than one of zeros.
    bound: result.bound && result.bound.blocks > 0 ? roundBound(result.bound) : null,
    thresholds,
    windows: result.windows,
    unmatchedReceipts: result.unmatchedReceipts,
    errors: result.errors,
    failures: result.failures,
    warnings: [
      ...warnings(result, verification),
      ...(input.trace && input.trace.underruns > 0 ? [`the trace was read slower than it was sent ${input.trace.underruns} times: those transactions went out late`] : []),
    ],
    machine: input.machine,
    trace: input.trace ?? null,
    repeats: null,
    baseline: null,
    chain: result.chain ?? null,
  };
}

/** The figures thresholds are judged on, read from a finished run. */
export function metricSource(result: Pick<RunResult, 'measured' | 'windows' | 'latency' | 'sendLag' | 'tps'>): MetricSource {
  const t = result.measured;
  const measuredWindows = result.windows.filter((w) => w.phase === 'measured');
  const share = (n: number, of: number): number | null => (of > 0 ? n / of : null);
  const counts = {
    tx_committed: [t.committed, share(t.committed, t.sent)],
    tx_failed: [t.failed, share(t.failed, t.sent)],
    tx_errored: [t.errored, share(t.errored, t.sent)],
    tx_timed_out: [t.timedOut, share(t.timedOut, t.sent)],
    dropped: [t.dropped, share(t.dropped, t.scheduled)],
  } as const;
  return {
    percentile: (metric, p) => (metric === 'latency' ? result.latency : result.sendLag).percentile(p),
    aggregate(metric, aggregation) {
      if (metric === 'latency' || metric === 'send_lag') {
        const h = metric === 'latency' ? result.latency : result.sendLag;
        return aggregation === 'avg' ? h.mean : aggregation === 'min' ? h.min : aggregation === 'max' ? h.max : null;
      }
      if (metric === 'tps') {
        if (aggregation === 'avg') return result.tps;
        const perWindow = measuredWindows.map((w) => w.committed);
        if (perWindow.length === 0) return null;
        return aggregation === 'min' ? Math.min(...perWindow) : aggregation === 'max' ? Math.max(...perWindow) : null;
      }
      const [count, rate] = counts[metric];
      return aggregation === 'count' ? count : aggregation === 'rate' ? rate : null;
    },
  };
}

function percentiles(h: RunResult['latency']): Percentiles {
  const r = (x: number | null): number | null => (x === null ? null : round(x, 3));
  return {
    count: h.count,
    min: r(h.min),
    mean: r(h.mean),
    p50: r(h.percentile(50)),
    p90: r(h.percentile(90)),
    p99: r(h.percentile(99)),
    p999: r(h.percentile(99.9)),
    max: r(h.max),
  };
}

const LAG_P99_MS = 5;

/** Send lag p99 when it is a large part of latency p99, else null. */
function lateSending(result: RunResult): { lag: number; latency: number } | null {
  const lag = result.sendLag.percentile(99) ?? 0;
  const latency = result.latency.percentile(99) ?? 0;
  return lag > LAG_P99_MS && lag > 0.25 * latency ? { lag, latency } : null;
}

function generatorBound(result: RunResult): boolean {
  const short = !result.aborted && result.measured.dropped === 0 && result.achievedRate < result.requestedRate * 0.995;
  return short || lateSending(result) !== null;
}

function warnings(result: RunResult, verification: Summary['verification']): string[] {
  const out: string[] = [];
  const t = result.measured;
  if (result.achievedRate < result.requestedRate * 0.99 && !result.aborted) {
    out.push(
      `the sender achieved ${round(result.achievedRate, 0)} of the ${result.requestedRate} tx/s asked for: the load generator, not only the target, limited this run`,
    );
  }
  const late = lateSending(result);
  if (late) {
    out.push(`generator-bound: transactions went out up to ${round(late.lag, 1)} ms late (send lag p99), a large part of the latency p99 (${round(late.latency, 1)} ms); the load generator, not only the target, shaped these figures`);
  }
  if (t.dropped > 0) {
    out.push(`${t.dropped} transactions were due but not sent: ${t.dropped === t.scheduled ? 'all of them' : 'the in-flight limit (maxInFlight) was reached'}`);
  }
  if (result.unmatchedReceipts > 0) {
    out.push(`${result.unmatchedReceipts} receipts matched no transaction awaiting one (late after a timeout, or answered twice)`);
  }
  if (verification.checked && verification.blocksSkipped > 0) {
    out.push(`verification covered the first ${verification.blocks} blocks; ${verification.blocksSkipped} later blocks could not be checked (beyond its memory budget, or receipts lost with a dropped connection)`);
  }
  if (verification.checked && verification.blocks > 0 && verification.rootsCompared < verification.blocks && !verification.mismatch) {
    out.push(`the target reported state roots for ${verification.rootsCompared} of the ${verification.blocks} blocks checked: the others had only their receipts compared with sequential execution`);
  }
  if (!verification.checked && result.chain) {
    const r = result.chain.receipts;
    out.push(`an EVM node's results are its receipts, not re-executed on the sequential reference: ${r.checked} of ${result.chain.ours} read, ${r.reverted} reverted`);
  } else if (!verification.checked) out.push('results were not checked against sequential execution (--no-verify, or a target that cannot be checked)');
  return out;
}

function roundBound(b: BoundSummary): BoundSummary {
  return {
    ...b,
    work: round(b.work, 1),
    criticalPath: round(b.criticalPath, 1),
    parallelism: round(b.parallelism, 2),
    smax: round(b.smax, 3),
    slist: round(b.slist, 3),
    slock: round(b.slock, 3),
    hotKeys: b.hotKeys.map((k) => ({ key: k.key, share: round(k.share, 4), writeShare: round(k.writeShare, 4) })),
    deltaKeys: b.deltaKeys.map((k) => ({ key: k.key, share: round(k.share, 4) })),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
