import type { TxStatus } from '../core/tx.js';
import { Histogram } from '../metrics/histogram.js';
import type { LoadMetrics } from '../metrics/prom.js';

/** Where every transaction ended. scheduled = sent + dropped; sent = committed + failed + errored + timedOut. */
export interface Buckets {
  scheduled: number;
  sent: number;
  dropped: number;
  committed: number;
  failed: number;
  errored: number;
  timedOut: number;
}

export const emptyBuckets = (): Buckets => ({ scheduled: 0, sent: 0, dropped: 0, committed: 0, failed: 0, errored: 0, timedOut: 0 });

export type Phase = 'warmup' | 'measured' | 'drain';

/** One second of the run. */
export interface WindowStats {
  /** Seconds from the start of the run to the window's start. */
  readonly t: number;
  readonly phase: Phase;
  /** Due in this second by the schedule (intended time): the offered load. */
  readonly offered: number;
  /** Due in this second but not sent (intended time). */
  readonly dropped: number;
  /** Sent in this second (actual time): the achieved send rate. */
  readonly sent: number;
  /** Answered in this second (receipt time). */
  readonly committed: number;
  readonly failed: number;
  readonly errored: number;
  readonly timedOut: number;
  /** Latency percentiles of the receipts of this second. */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  readonly inFlight: number;
}

export interface CollectorOptions {
  /** End of the warm-up, ms from the start of the run. */
  readonly warmupEndMs: number;
  /** End of the measured window (and of the schedule), ms from the start. */
  readonly endMs: number;
  readonly timeoutMs: number;
  /** Live Prometheus metrics, fed as events happen (transactions named by their kind's index). */
  readonly metrics?: LoadMetrics;
}

type Counter = 'offered' | 'dropped' | 'sent' | 'committed' | 'failed' | 'errored' | 'timedOut';
const COUNTERS: readonly Counter[] = ['offered', 'dropped', 'sent', 'committed', 'failed', 'errored', 'timedOut'];

/**
 * Counts and times everything, in two books: transactions by their INTENDED time (warm-up or
 * measured: this decides whose latency counts), and events by the second they HAPPENED in (per-second
 * windows, throughput). All times are ms from the start of the run. A second's counts are final
 * once time has passed its end and the sender has handled everything due by then, which is when
 * the runner closes its window.
 */
export class Collector {
  readonly warmup = emptyBuckets();
  readonly measured = emptyBuckets();
  /** Commits and sends that happened inside the measured window: throughput and achieved rate. */
  committedInWindow = 0;
  sentInWindow = 0;
  readonly windows: WindowStats[] = [];

  private readonly bySecond: Record<Counter, number[]> = {
    offered: [],
    dropped: [],
    sent: [],
    committed: [],
    failed: [],
    errored: [],
    timedOut: [],
  };
  private nextWindow = 0;

  private readonly options: CollectorOptions;
  private readonly metrics: LoadMetrics | undefined;
  /** Latency of measured transactions, intended send time to receipt. */
  readonly latency: Histogram;
  /** How late measured transactions were sent: the load generator's own health. */
  readonly sendLag: Histogram;
  private readonly windowLatency: Histogram;

  private constructor(options: CollectorOptions, latency: Histogram, sendLag: Histogram, windowLatency: Histogram) {
    this.options = options;
    this.metrics = options.metrics;
    this.latency = latency;
    this.sendLag = sendLag;
    this.windowLatency = windowLatency;
  }

  static async create(options: CollectorOptions): Promise<Collector> {
    const [latency, sendLag, windowLatency] = await Promise.all([Histogram.create(), Histogram.create(), Histogram.create()]);
    return new Collector(options, latency, sendLag, windowLatency);
  }

  private count(counter: Counter, atMs: number): void {
    const second = Math.max(0, Math.floor(atMs / 1000));
    const series = this.bySecond[counter];
    series[second] = (series[second] ?? 0) + 1;
  }

  private book(intendedMs: number): Buckets {
    return intendedMs < this.options.warmupEndMs ? this.warmup : this.measured;
  }

  private inWindow(atMs: number): boolean {
    return atMs >= this.options.warmupEndMs && atMs < this.options.endMs;
  }

  dropped(intendedMs: number, kind = 0): void {
    if (this.metrics) {
      this.metrics.offered(kind);
      this.metrics.dropped(kind);
    }
    const b = this.book(intendedMs);
    b.scheduled++;
    b.dropped++;
    this.count('offered', intendedMs);
    this.count('dropped', intendedMs);
  }

  sent(intendedMs: number, atMs: number, kind = 0): void {
    if (this.metrics) {
      this.metrics.offered(kind);
      this.metrics.sent(kind, Math.max(0, atMs - intendedMs) / 1000);
    }
    const b = this.book(intendedMs);
    b.scheduled++;
    b.sent++;
    this.count('offered', intendedMs);
    this.count('sent', atMs);
    if (this.inWindow(atMs)) this.sentInWindow++;
    if (b === this.measured) this.sendLag.record(Math.max(0, atMs - intendedMs));
  }

  /** A receipt: the latency runs from the intended send time, so a stalled target cannot hide. */
  receipt(intendedMs: number, atMs: number, status: TxStatus, kind = 0, reason = -1): void {
    const b = this.book(intendedMs);
    const latencyMs = atMs - intendedMs;
    if (this.metrics) {
      if (status === 'committed') this.metrics.committed(kind, latencyMs / 1000);
      else this.metrics.failed(kind, reason, latencyMs / 1000);
    }
    if (status === 'committed') {
      b.committed++;
      this.count('committed', atMs);
      if (this.inWindow(atMs)) this.committedInWindow++;
    } else {
      b.failed++;
      this.count('failed', atMs);
    }
    this.windowLatency.record(latencyMs);
    if (b === this.measured) this.latency.record(latencyMs);
  }

  errored(intendedMs: number, atMs: number, kind = 0): void {
    this.metrics?.errored(kind);
    this.book(intendedMs).errored++;
    this.count('errored', atMs);
  }

  /**
   * No receipt within the timeout. Its latency is counted at the timeout: a lower bound, but it
   * keeps a target that answers nothing from reporting an empty (or flattering) distribution.
   */
  timedOut(intendedMs: number, kind = 0): void {
    this.metrics?.timedOut(kind, this.options.timeoutMs / 1000);
    const b = this.book(intendedMs);
    b.timedOut++;
    this.count('timedOut', intendedMs + this.options.timeoutMs);
    this.windowLatency.record(this.options.timeoutMs);
    if (b === this.measured) this.latency.record(this.options.timeoutMs);
  }

  /** Closes the next one-second window (or the last, partial one); its counts must be final. */
  closeWindow(inFlight: number): WindowStats {
    const second = this.nextWindow++;
    const start = second * 1000;
    const phase: Phase = start < this.options.warmupEndMs ? 'warmup' : start < this.options.endMs ? 'measured' : 'drain';
    const at = (c: Counter): number => this.bySecond[c][second] ?? 0;
    const counts = Object.fromEntries(COUNTERS.map((c) => [c, at(c)])) as Record<Counter, number>;
    const w: WindowStats = {
      t: second,
      phase,
      ...counts,
      latencyP50Ms: this.windowLatency.percentile(50),
      latencyP99Ms: this.windowLatency.percentile(99),
      inFlight,
    };
    this.windows.push(w);
    this.metrics?.second({ offered: counts.offered, sent: counts.sent, inFlight, measuring: phase === 'measured' });
    this.windowLatency.reset();
    return w;
  }

  dispose(): void {
    this.latency.dispose();
    this.sendLag.dispose();
    this.windowLatency.dispose();
  }
}
