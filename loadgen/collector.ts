import { Histogram } from '../metrics/histogram.js';
import type { TxStatus } from '../core/tx.js';

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

/** One second of the run, by the time things happened (sends when sent, receipts when received). */
export interface WindowStats {
  /** Seconds from the start of the run to the window's start. */
  readonly t: number;
  readonly phase: Phase;
  /** Transactions the schedule made due in this second (by intended time): the offered load. */
  readonly offered: number;
  readonly sent: number;
  readonly dropped: number;
  readonly committed: number;
  readonly failed: number;
  readonly errored: number;
  readonly timedOut: number;
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
}

/**
 * Counts and times everything, in two books: transactions by their INTENDED time (warm-up or
 * measured: this decides whose latency counts), and events by when they HAPPENED (per-second
 * windows, throughput). All times are ms from the start of the run.
 */
export class Collector {
  readonly warmup = emptyBuckets();
  readonly measured = emptyBuckets();
  /** Commits and sends that happened inside the measured window: throughput and achieved rate. */
  committedInWindow = 0;
  sentInWindow = 0;
  readonly windows: WindowStats[] = [];

  private current = { sent: 0, dropped: 0, committed: 0, failed: 0, errored: 0, timedOut: 0 };
  private windowStartMs = 0;
  /** Offered load by second of intended time. A transaction is due before its second closes, so each is counted in time. */
  private readonly offeredBySecond: number[] = [];

  private readonly options: CollectorOptions;
  /** Latency of measured transactions, intended send time to receipt. */
  readonly latency: Histogram;
  /** How late measured transactions were sent: the load generator's own health. */
  readonly sendLag: Histogram;
  private readonly windowLatency: Histogram;

  private constructor(options: CollectorOptions, latency: Histogram, sendLag: Histogram, windowLatency: Histogram) {
    this.options = options;
    this.latency = latency;
    this.sendLag = sendLag;
    this.windowLatency = windowLatency;
  }

  static async create(options: CollectorOptions): Promise<Collector> {
    const [latency, sendLag, windowLatency] = await Promise.all([Histogram.create(), Histogram.create(), Histogram.create()]);
    return new Collector(options, latency, sendLag, windowLatency);
  }

  private book(intendedMs: number): Buckets {
    return intendedMs < this.options.warmupEndMs ? this.warmup : this.measured;
  }

  private inWindow(atMs: number): boolean {
    return atMs >= this.options.warmupEndMs && atMs < this.options.endMs;
  }

  private offer(intendedMs: number): void {
    const second = Math.floor(intendedMs / 1000);
    this.offeredBySecond[second] = (this.offeredBySecond[second] ?? 0) + 1;
  }

  dropped(intendedMs: number): void {
    this.offer(intendedMs);
    const b = this.book(intendedMs);
    b.scheduled++;
    b.dropped++;
    this.current.dropped++;
  }

  sent(intendedMs: number, atMs: number): void {
    this.offer(intendedMs);
    const b = this.book(intendedMs);
    b.scheduled++;
    b.sent++;
    this.current.sent++;
    if (this.inWindow(atMs)) this.sentInWindow++;
    if (b === this.measured) this.sendLag.record(Math.max(0, atMs - intendedMs));
  }

  /** A receipt: the latency runs from the intended send time, so a stalled target cannot hide. */
  receipt(intendedMs: number, atMs: number, status: TxStatus): void {
    const b = this.book(intendedMs);
    const latencyMs = atMs - intendedMs;
    if (status === 'committed') {
      b.committed++;
      this.current.committed++;
      if (this.inWindow(atMs)) this.committedInWindow++;
    } else {
      b.failed++;
      this.current.failed++;
    }
    this.windowLatency.record(latencyMs);
    if (b === this.measured) this.latency.record(latencyMs);
  }

  errored(intendedMs: number): void {
    this.book(intendedMs).errored++;
    this.current.errored++;
  }

  /**
   * No receipt within the timeout. Its latency is counted at the timeout: a lower bound, but it
   * keeps a target that answers nothing from reporting an empty (or flattering) distribution.
   */
  timedOut(intendedMs: number): void {
    const b = this.book(intendedMs);
    b.timedOut++;
    this.current.timedOut++;
    this.windowLatency.record(this.options.timeoutMs);
    if (b === this.measured) this.latency.record(this.options.timeoutMs);
  }

  /** Closes the current per-second window at `atMs`. */
  closeWindow(atMs: number, inFlight: number): WindowStats {
    const start = this.windowStartMs;
    const phase: Phase = start < this.options.warmupEndMs ? 'warmup' : start < this.options.endMs ? 'measured' : 'drain';
    const w: WindowStats = {
      t: start / 1000,
      phase,
      offered: this.offeredBySecond[Math.floor(start / 1000)] ?? 0,
      ...this.current,
      latencyP50Ms: this.windowLatency.percentile(50),
      latencyP99Ms: this.windowLatency.percentile(99),
      inFlight,
    };
    this.windows.push(w);
    this.windowLatency.reset();
    this.current = { sent: 0, dropped: 0, committed: 0, failed: 0, errored: 0, timedOut: 0 };
    this.windowStartMs = atMs;
    return w;
  }

  dispose(): void {
    this.latency.dispose();
    this.sendLag.dispose();
    this.windowLatency.dispose();
  }
}
