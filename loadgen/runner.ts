import type { Clock, Timer } from '../core/clock.js';
import { ParabenchError } from '../core/errors.js';
import { hasBlockAnalysis, hasChainStats, hasClosedLoopDriver, hasExecutorStats, hasVerification, type BlockReport, type BoundSummary, type ChainStats, type ExecutorStats, type Target, type Verification } from '../core/target.js';
import type { Receipt, Tx } from '../core/tx.js';
import type { Histogram } from '../metrics/histogram.js';
import type { LoadMetrics } from '../metrics/prom.js';
import { kindIds, REASONS } from '../ledger/index.js';
import { Collector, type Buckets, type WindowStats } from './collector.js';
import { Outstanding } from './outstanding.js';
import type { Schedule } from './schedules/index.js';
import type { Workload } from './workloads/index.js';

export interface RunOptions {
  readonly workload: Workload;
  readonly schedule: Schedule;
  readonly target: Target;
  readonly clock: Clock;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** A transaction without a receipt this long after its intended time is timed out. */
  readonly timeoutMs: number;
  /** Most transactions awaiting receipts; a due transaction beyond this is dropped, never sent. */
  readonly maxInFlight: number;
  /** Time slice of the sender: all transactions due in a slice go in one submit (1 ms; see load-generation research). */
  readonly sliceMs?: number;
  /** Most transactions per submit call. */
  readonly maxBatch?: number;
  /** Called once a second with the window that just closed. */
  readonly onWindow?: (window: WindowStats, live: LiveStats) => void;
  /** Stops the schedule early (Ctrl-C); what was sent is still drained and accounted for. */
  readonly signal?: AbortSignal;
  /** Live Prometheus metrics of the load (kinds indexed as ledger's kindIds, reasons as REASONS). */
  readonly metrics?: LoadMetrics;
  /**
   * Asked after each second of the measured window, with the figures so far: a reason to stop the
   * run now (a threshold with abortOnFail that fails), or undefined to go on.
   */
  readonly abortCheck?: (view: LiveView) => string | undefined;
  /** Each block the target reports (the metrics' executor side). */
  readonly onBlock?: (report: BlockReport, txs?: readonly Tx[]) => void;
}

/** Running totals for a progress line. */
export interface LiveStats {
  readonly elapsedMs: number;
  readonly totalMs: number;
  readonly sent: number;
  readonly committed: number;
  readonly dropped: number;
  readonly inFlight: number;
}

export interface RunResult {
  readonly startedAt: Date;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly timeoutMs: number;
  /** Transactions the schedule made due in the measured window, per second. */
  readonly requestedRate: number;
  /** Sends that happened inside the measured window, per second. */
  readonly achievedRate: number;
  /** Commits that happened inside the measured window, per second. */
  readonly tps: number;
  /** Transactions whose intended time is in the measured window. */
  readonly measured: Readonly<Buckets>;
  readonly warmup: Readonly<Buckets>;
  readonly latency: Histogram;
  readonly sendLag: Histogram;
  readonly windows: readonly WindowStats[];
  /** Receipts for transactions not awaiting one (late after a timeout, duplicated, or never sent). */
  readonly unmatchedReceipts: number;
  /** Distinct target errors and how many transactions each ended. */
  readonly errors: readonly { message: string; count: number }[];
  /** Why transactions failed (the state machine's or the node's reason), warm-up included, most frequent first. */
  readonly failures: readonly { reason: string; count: number }[];
  readonly executor?: ExecutorStats;
  /** A real chain's blocks during the run (an EVM target). */
  readonly chain?: ChainStats;
  readonly verification?: Verification;
  /** What the executed blocks allowed, from their declared sets, on the executor's thread count. */
  readonly bound?: BoundSummary;
  /** Why the run stopped before its schedule ended, when it did. */
  readonly aborted?: string;
  /** Frees the histograms' memory. */
  dispose(): void;
}

const WINDOW_MS = 1000;
const DRAIN_POLL_MS = 5;

/**
 * Drives one run: sends every transaction when the schedule says it is due (open loop: the target
 * never paces the sender), counts what it could not send as dropped, matches receipts, times out
 * what never comes back, and checks at the end that every transaction is in exactly one bucket.
 */
const KIND_INDEX = new Map<string, number>(kindIds.map((k, i) => [k, i]));
const REASON_INDEX = new Map<string, number>(REASONS.map((r, i) => [r, i]));

/** The measured window so far, as thresholds read it. */
export interface LiveView {
  readonly measured: Readonly<Buckets>;
  readonly latency: Histogram;
  readonly sendLag: Histogram;
  readonly windows: readonly WindowStats[];
  /** Commits per second of the measured window so far. */
  readonly tps: number;
  /** How far into the measured window, ms. */
  readonly measuredMs: number;
}

export async function run(options: RunOptions): Promise<RunResult> {
  const { workload, schedule, target, clock } = options;
  const sliceMs = options.sliceMs ?? 1;
  const maxBatch = options.maxBatch ?? 1000;
  const endMs = options.warmupMs + options.durationMs;
  const collector = await Collector.create({ warmupEndMs: options.warmupMs, endMs, timeoutMs: options.timeoutMs, ...(options.metrics ? { metrics: options.metrics } : {}) });
  // With metrics on, each transaction carries its kind's index (and a failure its reason's).
  const kindTag = options.metrics ? (tx: Tx): number => KIND_INDEX.get(tx.kind) ?? 0 : (): number => 0;

  // Transactions awaiting a receipt, id → intended time (ids, and so intended times, increase).
  const outstanding = new Outstanding(options.maxInFlight);
  let unmatchedReceipts = 0;
  const errorCounts = new Map<string, number>();
  const failureCounts = new Map<string, number>();
  let t0 = 0;

  /** Transactions the target could not process end as errored; each distinct error is counted. */
  /** A node's messages may carry numbers (have 0 want 5): past 100 distinct reasons, the rest are lumped. */
  function countFailure(reason: string): void {
    const key = failureCounts.has(reason) || failureCounts.size < 100 ? reason : 'other reasons (more than 100 distinct)';
    failureCounts.set(key, (failureCounts.get(key) ?? 0) + 1);
  }

  function fail(ids: readonly number[], error: Error): void {
    let n = 0;
    for (const id of ids) {
      const intended = outstanding.take(id);
      if (intended === undefined) continue;
      collector.errored(intended, clock.now() - t0, outstanding.lastTag);
      n++;
    }
    // A cause that ended nothing it named (all answered already) is not one; an error naming no
    // transaction is a reason kept for the record (a malformed frame from the target).
    if (n > 0 || ids.length === 0) errorCounts.set(error.message, (errorCounts.get(error.message) ?? 0) + n);
  }

  // A closed loop sends again as soon as answers come: a receipt asks for a top-up on the next turn.
  let topUpSoon: (() => void) | undefined;

  await target.open({
    genesis: workload.genesis,
    clock,
    timeoutMs: options.timeoutMs,
    onReceipts(receipts: readonly Receipt[]) {
      topUpSoon?.();
      for (const r of receipts) {
        const intended = outstanding.take(r.id);
        if (intended === undefined) {
          unmatchedReceipts++;
          continue;
        }
        const at = r.commitMs - t0;
        // Late is late, whether or not the once-a-second sweep got to it first.
        if (at - intended >= options.timeoutMs) collector.timedOut(intended, outstanding.lastTag);
        else {
          collector.receipt(intended, at, r.status, outstanding.lastTag, r.reason === undefined ? -1 : (REASON_INDEX.get(r.reason) ?? 0));
          if (r.status === 'failed') countFailure(r.reason ?? 'no reason given');
        }
      }
    },
    onErrors: fail,
    ...(options.onBlock ? { onBlock: options.onBlock } : {}),
  });

  const startedAt = clock.wallNow();
  t0 = clock.now();
  let next = 0;
  let nextWindowMs = WINDOW_MS;
  let aborted: string | undefined;
  let stoppedMs = Infinity;
  const sendLimit = (): number => (aborted ? next : schedule.total);

  const sweepTimeouts = (nowMs: number): void => {
    outstanding.expire(nowMs - options.timeoutMs, (intended, tag) => collector.timedOut(intended, tag));
  };

  const closeWindows = (nowMs: number): void => {
    while (nowMs >= nextWindowMs) {
      sweepTimeouts(nextWindowMs);
      const w = collector.closeWindow(outstanding.size);
      const windowEndMs = nextWindowMs;
      nextWindowMs += WINDOW_MS;
      if (options.abortCheck && !aborted && w.phase === 'measured') {
        const measuredMs = Math.min(windowEndMs, endMs) - options.warmupMs;
        const reason = options.abortCheck({
          measured: collector.measured,
          latency: collector.latency,
          sendLag: collector.sendLag,
          windows: collector.windows,
          tps: measuredMs > 0 ? (collector.committedInWindow * 1000) / measuredMs : 0,
          measuredMs,
        });
        if (reason !== undefined) {
          aborted = reason;
          stoppedMs = nowMs;
        }
      }
      options.onWindow?.(w, {
        elapsedMs: nowMs,
        totalMs: endMs,
        sent: collector.warmup.sent + collector.measured.sent,
        committed: collector.warmup.committed + collector.measured.committed,
        dropped: collector.warmup.dropped + collector.measured.dropped,
        inFlight: outstanding.size,
      });
    }
  };

  const submit = (batch: Tx[]): void => {
    try {
      target.submit(batch);
    } catch (e) {
      // A target that throws on submit has not taken these: they end as errored, not lost.
      fail(
        batch.map((t) => t.id),
        e instanceof Error ? e : new Error(String(e)),
      );
    }
  };

  // The intended time of `next`, asked of the schedule once per id.
  let nextIntended = schedule.total > 0 && !schedule.closedLoop ? schedule.intendedMs(0) : Infinity;
  let lastIntended = 0;

  /** Sends everything due now, in batches; returns true once the schedule is exhausted. */
  const sendDue = (): boolean => {
    const nowMs = clock.now() - t0;
    const limit = sendLimit();
    // A replayed trace may not have read `next` yet (Infinity): ask again on every slice.
    if (nextIntended === Infinity && next < schedule.total) nextIntended = schedule.intendedMs(next);
    let batch: Tx[] = [];
    for (; next < limit && nextIntended <= nowMs; next++, nextIntended = next < schedule.total ? schedule.intendedMs(next) : Infinity) {
      const intended = nextIntended;
      lastIntended = intended;
      // Generated even when dropped, so every id keeps the same transaction whatever the timing.
      const tx = workload.next(next);
      const tag = kindTag(tx);
      if (outstanding.size >= options.maxInFlight) {
        collector.dropped(intended, tag);
        continue;
      }
      outstanding.add(tx.id, intended, tag);
      collector.sent(intended, nowMs, tag);
      batch.push(tx);
      if (batch.length >= maxBatch) {
        submit(batch);
        batch = [];
      }
    }
    if (batch.length > 0) submit(batch);
    closeWindows(nowMs);
    return next >= sendLimit();
  };

  /** Closed loop: sends what the in-flight limit has room for, now (the intended time is the send time). */
  const closed = schedule.closedLoop;
  const pull = (max: number): Tx[] => {
    const nowMs = clock.now() - t0;
    const out: Tx[] = [];
    if (!closed || aborted || nowMs >= endMs) return out;
    const room = Math.min(max, closed.inFlight - outstanding.size);
    for (let k = 0; k < room; k++) {
      const tx = workload.next(next++);
      const tag = kindTag(tx);
      outstanding.add(tx.id, nowMs, tag);
      collector.sent(nowMs, nowMs, tag);
      out.push(tx);
    }
    if (out.length > 0) lastIntended = nowMs;
    return out;
  };
  const topUp = (): boolean => {
    const nowMs = clock.now() - t0;
    const batch = pull(Infinity);
    for (let from = 0; from < batch.length; from += maxBatch) submit(batch.slice(from, from + maxBatch));
    closeWindows(nowMs);
    return aborted !== undefined || nowMs >= endMs;
  };

  await new Promise<void>((resolve) => {
    let timer: Timer | undefined;
    let soon: Timer | undefined;
    if (closed && !hasClosedLoopDriver(target)) {
      topUpSoon = () => {
        soon ??= clock.setTimeout(() => {
          soon = undefined;
          topUp();
        }, 0);
      };
    }
    const driven = closed !== undefined && hasClosedLoopDriver(target);
    const onAbort = (): void => {
      aborted = 'interrupted';
      stoppedMs = clock.now() - t0;
      // A driving target sees the run is over (done()) and stops by itself.
      if (driven) return;
      timer?.cancel();
      timer = clock.setTimeout(tick, 0);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (): void => {
      options.signal?.removeEventListener('abort', onAbort);
      topUpSoon = undefined;
      soon?.cancel();
      resolve();
    };
    const tick = (): void => {
      if (closed ? topUp() : sendDue()) finish();
      else timer = clock.setTimeout(tick, sliceMs);
    };
    if (options.signal?.aborted) onAbort();
    else if (closed && driven && hasClosedLoopDriver(target)) {
      // The target keeps its loop going itself; the run only keeps its windows and timeouts.
      const keep = (): void => {
        const nowMs = clock.now() - t0;
        sweepTimeouts(nowMs);
        closeWindows(nowMs);
        timer = clock.setTimeout(keep, sliceMs * 10);
      };
      keep();
      const done = (): boolean => aborted !== undefined || clock.now() - t0 >= endMs;
      void target.driveClosedLoop({ next: pull, done }, { inFlight: closed.inFlight, batch: closed.batch, untilMs: t0 + endMs }).finally(() => {
        timer?.cancel();
        finish();
      });
    } else tick();
  });

  // Drain: wait for the last receipts, until the last transaction's timeout at the latest.
  const drainDeadline = lastIntended + options.timeoutMs;
  await new Promise<void>((resolve) => {
    const poll = (): void => {
      const nowMs = clock.now() - t0;
      sweepTimeouts(nowMs);
      closeWindows(nowMs);
      if (outstanding.size === 0 || nowMs >= drainDeadline) resolve();
      else clock.setTimeout(poll, DRAIN_POLL_MS);
    };
    poll();
  });
  outstanding.clear((intended, tag) => collector.timedOut(intended, tag));
  const finalMs = clock.now() - t0;
  if (finalMs > nextWindowMs - WINDOW_MS) collector.closeWindow(0);

  const executor = hasExecutorStats(target) ? target.executorStats() : undefined;
  const verification = hasVerification(target) ? await target.verify() : undefined;
  const bound = hasBlockAnalysis(target) ? target.blockAnalysis(target.description.threads ?? 1) : undefined;
  await target.close();
  // After close: an EVM target reads the last blocks as it closes.
  const chain = hasChainStats(target) ? target.chainStats() : undefined;

  checkAccounting('warm-up', collector.warmup);
  checkAccounting('measured', collector.measured);
  const scheduled = collector.warmup.scheduled + collector.measured.scheduled;
  if (!aborted && !closed && scheduled !== schedule.total) {
    throw new ParabenchError('ACCOUNTING', `the schedule had ${schedule.total} transactions but ${scheduled} were accounted for`);
  }

  // An interrupted run was measured only until it stopped.
  const windowSeconds = Math.max(0, Math.min(endMs, stoppedMs) - options.warmupMs) / 1000;
  const perSecond = (n: number): number => (windowSeconds > 0 ? n / windowSeconds : 0);
  return {
    startedAt,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    timeoutMs: options.timeoutMs,
    requestedRate: perSecond(collector.measured.scheduled),
    achievedRate: perSecond(collector.sentInWindow),
    tps: perSecond(collector.committedInWindow),
    measured: collector.measured,
    warmup: collector.warmup,
    latency: collector.latency,
    sendLag: collector.sendLag,
    windows: collector.windows,
    unmatchedReceipts,
    errors: [...errorCounts].map(([message, count]) => ({ message, count })),
    failures: [...failureCounts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    ...(executor ? { executor } : {}),
    ...(verification ? { verification } : {}),
    ...(chain ? { chain } : {}),
    ...(bound ? { bound } : {}),
    ...(aborted ? { aborted } : {}),
    dispose: () => collector.dispose(),
  };
}

/** The promise of the harness: every transaction sent ends in exactly one bucket. */
function checkAccounting(phase: string, b: Buckets): void {
  const ended = b.committed + b.failed + b.errored + b.timedOut;
  if (b.sent !== ended || b.scheduled !== b.sent + b.dropped) {
    throw new ParabenchError(
      'ACCOUNTING',
      `${phase} transactions do not add up: sent ${b.sent} ≠ committed ${b.committed} + failed ${b.failed} + errored ${b.errored} + timed out ${b.timedOut}, or scheduled ${b.scheduled} ≠ sent + dropped ${b.dropped}`,
      { hint: 'This is a bug in parabench (a target answering twice is counted apart, as unmatched receipts); please report it with the profile.' },
    );
  }
}
