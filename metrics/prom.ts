/**
 * The prom-client sink: the only file that imports prom-client. Metric names, help and buckets
 * come from the catalog (metrics/catalog.ts).
 *
 * The load side sees up to a million transactions a second, and prom-client's labelled inc costs
 * ~80 ns and its histogram observe ~200–400 ns here (measured): a third of a core at that rate. So
 * the hot path only bumps typed arrays, and the prom-client metrics catch up from them when
 * scraped (their `collect` hook). Histograms keep their buckets in typed arrays too and hand
 * prom-client the finished series (a binary search, ~20 ns a value).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import type { BlockReportStats } from '../core/target.js';
import { EXECUTOR, LOAD, type MetricDef } from './catalog.js';

export type Labels = Readonly<Record<string, string>>;

/** One process's metrics: a prom-client registry, with the labels every series carries. */
export class MetricsRegistry {
  readonly registry = new client.Registry();

  constructor(defaultLabels: Labels = {}) {
    this.registry.setDefaultLabels(defaultLabels);
  }

  /** The text exposition, as Prometheus scrapes it. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  counter<L extends string>(def: MetricDef<L>, collect?: (c: client.Counter<L>) => void): client.Counter<L> {
    return new client.Counter<L>({
      name: def.name,
      help: def.help,
      labelNames: def.labels,
      registers: [this.registry],
      ...(collect ? { collect(this: client.Counter<L>) { collect(this); } } : {}),
    });
  }

  gauge<L extends string>(def: MetricDef<L>, collect?: (g: client.Gauge<L>) => void): client.Gauge<L> {
    return new client.Gauge<L>({
      name: def.name,
      help: def.help,
      labelNames: def.labels,
      registers: [this.registry],
      ...(collect ? { collect(this: client.Gauge<L>) { collect(this); } } : {}),
    });
  }

  histogram(def: MetricDef, buckets: readonly number[], labels: Labels = {}): BucketHistogram {
    const h = new BucketHistogram(def, buckets, labels);
    // prom-client formats any metric that answers get() with its series; a histogram typed as one.
    this.registry.registerMetric(h as unknown as client.Metric);
    return h;
  }
}

/** A histogram whose hot path is a binary search and two typed-array increments. */
export class BucketHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: Float64Array;
  private readonly counts: Float64Array;
  private readonly labels: Labels;
  private sum = 0;
  private count = 0;

  constructor(def: MetricDef, buckets: readonly number[], labels: Labels) {
    this.name = def.name;
    this.help = def.help;
    this.bounds = Float64Array.from([...new Set(buckets)].sort((a, b) => a - b));
    this.counts = new Float64Array(this.bounds.length);
    this.labels = labels;
  }

  observe(value: number): void {
    let lo = 0;
    let hi = this.bounds.length;
    // The first bound ≥ value (le is inclusive); past the last, only +Inf counts it.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.bounds[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.counts.length) this.counts[lo]!++;
    this.sum += value;
    this.count++;
  }

  /** What prom-client asks a metric for when it formats the exposition. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { metricName: string; labels: Labels; value: number }[] }> {
    const values: { metricName: string; labels: Labels; value: number }[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i]!;
      values.push({ metricName: `${this.name}_bucket`, labels: { ...this.labels, le: String(this.bounds[i]) }, value: cumulative });
    }
    values.push({ metricName: `${this.name}_bucket`, labels: { ...this.labels, le: '+Inf' }, value: this.count });
    values.push({ metricName: `${this.name}_sum`, labels: this.labels, value: this.sum });
    values.push({ metricName: `${this.name}_count`, labels: this.labels, value: this.count });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

/** A transaction kind as the load side labels it. */
export interface KindLabel {
  readonly family: string;
  readonly kind: string;
}

type TxCounter = 'offered' | 'sent' | 'committed' | 'errored' | 'timedOut' | 'dropped';
const TX_COUNTERS: readonly TxCounter[] = ['offered', 'sent', 'committed', 'errored', 'timedOut', 'dropped'];

export interface LoadMetricsOptions {
  /** Kinds by index: the hot path names a kind by its index. */
  readonly kinds: readonly KindLabel[];
  /** Failure reasons by index. */
  readonly reasons: readonly string[];
  /** Latency thresholds of the profile, ms: bucket edges go there. */
  readonly latencyBuckets: readonly number[];
  readonly sendLagBuckets: readonly number[];
}

/**
 * The load side's metrics. The collector calls the hot-path methods with a kind index; counts are
 * turned into prom-client counters at scrape time.
 */
export class LoadMetrics {
  private readonly kinds: readonly KindLabel[];
  private readonly reasons: readonly string[];
  private readonly counts: Record<TxCounter, Float64Array>;
  /** kind × reason, flattened. */
  private readonly failedCounts: Float64Array;
  readonly latency: BucketHistogram;
  readonly sendLag: BucketHistogram;
  private inFlightNow = 0;
  private offeredRateNow = 0;
  private achievedRateNow = 0;
  private measuringNow = 0;
  private readonly slo = new Map<string, number>();

  constructor(reg: MetricsRegistry, options: LoadMetricsOptions) {
    this.kinds = options.kinds;
    this.reasons = options.reasons;
    const n = options.kinds.length;
    this.counts = Object.fromEntries(TX_COUNTERS.map((c) => [c, new Float64Array(n)])) as Record<TxCounter, Float64Array>;
    this.failedCounts = new Float64Array(n * Math.max(1, options.reasons.length));
    for (const c of TX_COUNTERS) this.exportCounter(reg, LOAD[c], this.counts[c]);
    const exported = new Float64Array(this.failedCounts.length);
    reg.counter(LOAD.failed, (counter) => {
      const r = Math.max(1, this.reasons.length);
      for (let i = 0; i < this.failedCounts.length; i++) {
        const delta = this.failedCounts[i]! - exported[i]!;
        if (delta === 0) continue;
        const k = this.kinds[Math.floor(i / r)]!;
        counter.inc({ family: k.family, kind: k.kind, reason: this.reasons[i % r] ?? 'unknown' }, delta);
        exported[i] = this.failedCounts[i]!;
      }
    });
    this.latency = reg.histogram(LOAD.latency, options.latencyBuckets);
    this.sendLag = reg.histogram(LOAD.sendLag, options.sendLagBuckets);
    reg.gauge(LOAD.inFlight, (g) => g.set(this.inFlightNow));
    reg.gauge(LOAD.offeredRate, (g) => g.set(this.offeredRateNow));
    reg.gauge(LOAD.achievedRate, (g) => g.set(this.achievedRateNow));
    reg.gauge(LOAD.measuring, (g) => g.set(this.measuringNow));
    reg.gauge(LOAD.sloLatency, (g) => {
      for (const [percentile, seconds] of this.slo) g.set({ percentile }, seconds);
    });
  }

  private exportCounter(reg: MetricsRegistry, def: MetricDef<'family' | 'kind'>, counts: Float64Array): void {
    const exported = new Float64Array(counts.length);
    const counter = reg.counter(def, (c) => {
      for (let i = 0; i < counts.length; i++) {
        const delta = counts[i]! - exported[i]!;
        if (delta === 0) continue;
        const k = this.kinds[i]!;
        c.inc({ family: k.family, kind: k.kind }, delta);
        exported[i] = counts[i]!;
      }
    });
    // Every kind's series exists from the start at 0: rate() over a series that appears late misses its first increase.
    for (const k of this.kinds) counter.inc({ family: k.family, kind: k.kind }, 0);
  }

  // ── hot path ──

  offered(kind: number): void {
    this.counts.offered[kind]!++;
  }

  sent(kind: number, lagSeconds: number): void {
    this.counts.sent[kind]!++;
    this.sendLag.observe(lagSeconds);
  }

  dropped(kind: number): void {
    this.counts.dropped[kind]!++;
  }

  committed(kind: number, latencySeconds: number): void {
    this.counts.committed[kind]!++;
    this.latency.observe(latencySeconds);
  }

  failed(kind: number, reason: number, latencySeconds: number): void {
    this.failedCounts[kind * Math.max(1, this.reasons.length) + (reason >= 0 ? reason : 0)]!++;
    this.latency.observe(latencySeconds);
  }

  errored(kind: number): void {
    this.counts.errored[kind]!++;
  }

  timedOut(kind: number, latencySeconds: number): void {
    this.counts.timedOut[kind]!++;
    this.latency.observe(latencySeconds);
  }

  // ── once a second ──

  second(s: { offered: number; sent: number; inFlight: number; measuring: boolean }): void {
    this.offeredRateNow = s.offered;
    this.achievedRateNow = s.sent;
    this.inFlightNow = s.inFlight;
    this.measuringNow = s.measuring ? 1 : 0;
  }

  /** The profile's latency threshold for a percentile ("99"), seconds. */
  setSlo(percentile: string, seconds: number): void {
    this.slo.set(percentile, seconds);
  }
}

/** What one executed block adds to the executor's metrics: its report's statistics, and W and CP when known. */
export interface BlockFigures extends Pick<BlockReportStats, 'executions' | 'reexecutions' | 'validations' | 'aborts' | 'waits' | 'execMs'> {
  readonly txs: number;
  /** Declared work W and critical path CP of the block, µs, when the block's transactions are known. */
  readonly workUs?: number;
  readonly criticalPathUs?: number;
}

/** The executor side's metrics, fed one block at a time. */
export class ExecutorMetrics {
  private readonly threads: number;
  private readonly t = { blocks: 0, txs: 0, executions: 0, reexecutions: 0, validations: 0, aborts: 0, waits: 0, workS: 0, cpS: 0, boundS: 0, execSWithBound: 0 };
  private readonly duration: BucketHistogram;

  constructor(reg: MetricsRegistry, options: { executor: string; threads: number; blockSizeLimit: number; blockBuckets: readonly number[]; queueDepth?: () => number }) {
    this.threads = options.threads;
    const labels = { executor: options.executor };
    const t = this.t;
    const total = (def: MetricDef<'executor'>, read: () => number): void => {
      let exported = 0;
      const c = reg.counter(def, (counter) => {
        const now = read();
        if (now > exported) counter.inc(labels, now - exported);
        exported = now;
      });
      c.inc(labels, 0);
    };
    total(EXECUTOR.blocks, () => t.blocks);
    total(EXECUTOR.txs, () => t.txs);
    total(EXECUTOR.executions, () => t.executions);
    total(EXECUTOR.reexecutions, () => t.reexecutions);
    total(EXECUTOR.validations, () => t.validations);
    total(EXECUTOR.aborts, () => t.aborts);
    total(EXECUTOR.waits, () => t.waits);
    total(EXECUTOR.work, () => t.workS);
    total(EXECUTOR.criticalPath, () => t.cpS);
    total(EXECUTOR.boundTime, () => t.boundS);
    this.duration = reg.histogram(EXECUTOR.blockDuration, options.blockBuckets, labels);
    reg.gauge(EXECUTOR.speedup, (g) => {
      if (t.execSWithBound > 0) g.set(labels, t.workS / t.execSWithBound);
    });
    reg.gauge(EXECUTOR.speedupBound, (g) => {
      if (t.boundS > 0) g.set(labels, t.workS / t.boundS);
    });
    reg.gauge(EXECUTOR.threads).set(labels, options.threads);
    reg.gauge(EXECUTOR.blockSizeLimit).set(labels, options.blockSizeLimit);
    const depth = options.queueDepth;
    if (depth) reg.gauge(EXECUTOR.queueDepth, (g) => g.set(labels, depth()));
  }

  block(b: BlockFigures): void {
    const t = this.t;
    t.blocks++;
    t.txs += b.txs;
    t.executions += b.executions;
    t.reexecutions += b.reexecutions;
    t.validations += b.validations;
    t.aborts += b.aborts;
    t.waits += b.waits;
    const execS = b.execMs / 1000;
    this.duration.observe(execS);
    if (b.workUs !== undefined && b.criticalPathUs !== undefined) {
      const w = b.workUs / 1e6;
      const cp = b.criticalPathUs / 1e6;
      t.workS += w;
      t.cpS += cp;
      t.boundS += Math.max(cp, w / this.threads);
      t.execSWithBound += execS;
    }
  }
}

/** Serves /metrics on host:port (port 0 picks one); resolves once listening. */
export async function serveMetrics(reg: MetricsRegistry, port: number, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('parabench serves its metrics at /metrics\n');
      return;
    }
    reg.text().then(
      (text) => res.writeHead(200, { 'content-type': reg.contentType }).end(text),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(e as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return {
    url: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Pushes the registry's current figures to a Pushgateway, grouped by job and run. */
export async function pushMetrics(reg: MetricsRegistry, url: string, job: string, groupings: Labels): Promise<void> {
  const gateway = new client.Pushgateway(url, { timeout: 5000 }, reg.registry);
  const { resp } = await gateway.pushAdd({ jobName: job, groupings: { ...groupings } });
  const status = (resp as { statusCode?: number } | undefined)?.statusCode;
  if (status !== undefined && (status < 200 || status >= 300)) throw new Error(`the Pushgateway at ${url} answered HTTP ${status}`);
}
