/**
 * Every PromQL expression of the dashboards and the Prometheus rules, built from the catalog's
 * metric names so that a renamed metric breaks the build, not a panel. The dashboards and the rules
 * share the builders below and differ only in their Scope: Grafana variables and
 * `$__rate_interval` for the dashboards, all series and a fixed window for the rules.
 */
import { EXECUTOR, K6, K6_TX_NAME_TAG, LOAD, type MetricDef } from '../metrics/catalog.js';

export interface Scope {
  /** Label matchers, without the braces; '' selects every series. */
  readonly matchers: string;
  /** The range of rate() and increase(). */
  readonly window: string;
  /** The labels a result keeps: one series per run, or per executor. */
  readonly by: readonly string[];
}

type Suffix = '' | '_bucket' | '_sum' | '_count';

function selector(m: MetricDef, s: Scope, suffix: Suffix = ''): string {
  // A histogram has no series under its bare name, and only histograms have the suffixed ones.
  if ((m.type === 'histogram') !== (suffix !== '')) {
    throw new Error(`${m.name} is a ${m.type}: ${suffix ? `it has no ${suffix} series` : 'query its _bucket, _sum or _count series'}`);
  }
  return `${m.name}${suffix}${s.matchers ? `{${s.matchers}}` : ''}`;
}

const by = (s: Scope, ...extra: string[]): string => `by (${[...s.by, ...extra].join(', ')})`;

/** Per-second rate of a counter (or a histogram's _sum/_count), summed per scope. */
export const rate = (m: MetricDef, s: Scope, suffix: Suffix = ''): string => `sum ${by(s)} (rate(${selector(m, s, suffix)}[${s.window}]))`;

/** A gauge per scope: sum for amounts (queue depth), max for settings every series shares (threads). */
export const gauge = (m: MetricDef, s: Scope, agg: 'sum' | 'max' = 'sum'): string => `${agg} ${by(s)} (${selector(m, s)})`;

export const quantile = (q: number, h: MetricDef, s: Scope): string =>
  `histogram_quantile(${q}, sum ${by(s, 'le')} (rate(${selector(h, s, '_bucket')}[${s.window}])))`;

export const mean = (h: MetricDef, s: Scope): string => `${rate(h, s, '_sum')} / ${rate(h, s, '_count')}`;

/**
 * num / den, with 0 where num has no series: prom-client exposes a labelled counter only once it
 * was incremented, so a run without failures would otherwise show "no data" instead of 0.
 */
export const share = (num: string, den: string): string => `(${num} or 0 * ${den}) / ${den}`;

/** A counter's value now: one run is one process, so the counter is the run's total. */
const total = (m: MetricDef, s: Scope): string => `sum ${by(s)} (${selector(m, s)})`;

// ── the Overview dashboard (load side) ──────────────────────────────────────────────────────

/** The matchers every load-side query of the Overview carries. */
export const RUN_MATCHERS = 'run_id=~"$run_id", profile=~"$profile"';
const run: Scope = { matchers: RUN_MATCHERS, window: '$__rate_interval', by: ['run_id'] };

export const LATENCY_QUANTILES = [0.5, 0.9, 0.99] as const;

export const OVERVIEW = {
  offered: rate(LOAD.offered, run),
  sent: rate(LOAD.sent, run),
  committed: rate(LOAD.committed, run),
  failed: rate(LOAD.failed, run),
  errored: rate(LOAD.errored, run),
  timedOut: rate(LOAD.timedOut, run),
  dropped: rate(LOAD.dropped, run),
  latency: (q: number): string => quantile(q, LOAD.latency, run),
  slo: gauge(LOAD.sloLatency, { ...run, by: ['run_id', 'percentile'] }, 'max'),
  // Heatmap cells are counts per bucket and interval; Grafana de-accumulates the `le` buckets.
  latencyHeatmap: `sum by (le) (increase(${selector(LOAD.latency, run, '_bucket')}[${run.window}]))`,
  inFlight: gauge(LOAD.inFlight, run),
  sendLagP99: quantile(0.99, LOAD.sendLag, run),
  runInfo: `max by (run_id, profile, target, executor) (${selector(LOAD.info, run)})`,
  failedShare: share(total(LOAD.failed, run), total(LOAD.sent, run)),
  droppedTotal: `${total(LOAD.dropped, run)} or 0 * ${total(LOAD.offered, run)}`,
} as const;

// ── the Executor dashboard ──────────────────────────────────────────────────────────────────

export const EXECUTOR_MATCHERS = 'job=~"$job", executor=~"$executor"';
// By job too: a `run` process and a `serve` process may run the same executor at once.
const ex: Scope = { matchers: EXECUTOR_MATCHERS, window: '$__rate_interval', by: ['job', 'executor'] };

const work = rate(EXECUTOR.work, ex);
const blockTime = rate(EXECUTOR.blockDuration, ex, '_sum');
const txs = rate(EXECUTOR.txs, ex);

export const EXECUTOR_PANELS = {
  speedup: `${work} / ${blockTime}`,
  speedupBound: `${work} / ${rate(EXECUTOR.boundTime, ex)}`,
  // speed-up / bound = (W / block time) / (W / bound time): W cancels, and so does its 0/0 when idle.
  efficiency: `${rate(EXECUTOR.boundTime, ex)} / ${blockTime}`,
  reexecutionsPerTx: `${rate(EXECUTOR.reexecutions, ex)} / ${txs}`,
  validationsPerTx: `${rate(EXECUTOR.validations, ex)} / ${txs}`,
  blockP50: quantile(0.5, EXECUTOR.blockDuration, ex),
  blockP99: quantile(0.99, EXECUTOR.blockDuration, ex),
  blockMean: mean(EXECUTOR.blockDuration, ex),
  queueDepth: gauge(EXECUTOR.queueDepth, ex),
  threads: gauge(EXECUTOR.threads, ex, 'max'),
  txRate: txs,
  blockSizeLimit: gauge(EXECUTOR.blockSizeLimit, ex, 'max'),
  workOverCriticalPath: `${work} / ${rate(EXECUTOR.criticalPath, ex)}`,
} as const;

// ── the k6 dashboard (runs exported with `parabench export k6`) ─────────────────────────────

/**
 * k6's series, as its remote-write output names them (metrics/catalog.ts). Every runner writes its
 * own (k6-operator tags each with instance_id), each cumulative since the runner started: a run's
 * figure is the sum over its runners, and its latency the sum of their native histograms.
 */
export const K6_MATCHERS = 'testid=~"$testid"';
const k6Selector = (name: string, extra = ''): string => `${name}{${K6_MATCHERS}${extra ? `, ${extra}` : ''}}`;
const k6Rate = (name: string, extra = '', by = 'testid'): string => `sum by (${by}) (rate(${k6Selector(name, extra)}[$__rate_interval]))`;
const k6Total = (name: string, extra = ''): string => `sum by (testid) (${k6Selector(name, extra)})`;
const K6_TX = `name="${K6_TX_NAME_TAG}"`;

export const K6_PANELS = {
  committed: k6Rate(K6.tx, 'outcome="committed"'),
  byOutcome: k6Rate(K6.tx, '', 'testid, outcome'),
  iterations: k6Rate(K6.iterations),
  dropped: k6Rate(K6.droppedIterations),
  failureReasons: k6Rate(K6.tx, 'outcome="failed"', 'testid, reason'),
  failedShare: share(k6Total(K6.tx, 'outcome="failed"'), k6Total(K6.tx)),
  droppedTotal: `${k6Total(K6.droppedIterations)} or 0 * ${k6Total(K6.tx)}`,
  // Native histograms (K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true): no `le`, they add up as they are.
  latency: (q: number): string => `histogram_quantile(${q}, sum by (testid) (rate(${k6Selector(K6.httpReqDuration, K6_TX)}[$__rate_interval])))`,
  // Trend-stats mode: each runner's own p99 since it started. The run's p99 lies between the runners' least and greatest.
  runnerP99Max: `max by (testid) (${k6Selector(K6.httpReqDurationP99, K6_TX)})`,
  runnerP99Min: `min by (testid) (${k6Selector(K6.httpReqDurationP99, K6_TX)})`,
  vus: k6Total(K6.vus),
  vusPerRunner: `sum by (testid, instance_id) (${k6Selector(K6.vus)})`,
  runners: `count by (testid) (${k6Selector(K6.vus)})`,
  beyondTrace: `${k6Total(K6.beyondTrace)} or 0 * ${k6Total(K6.tx)}`,
} as const;

// ── template variables ──────────────────────────────────────────────────────────────────────

export const VARIABLES = {
  runId: `label_values(${LOAD.info.name}, run_id)`,
  profile: `label_values(${LOAD.info.name}{run_id=~"$run_id"}, profile)`,
  job: `label_values(${EXECUTOR.threads.name}, job)`,
  executor: `label_values(${EXECUTOR.threads.name}{job=~"$job"}, executor)`,
  testid: `label_values(${K6.httpReqs}, testid)`,
} as const;

// ── recording and alerting rules ────────────────────────────────────────────────────────────

/**
 * Rules look at one minute: the alerts are "over 1m", and at a 5 s scrape interval a minute holds
 * 12 samples, enough for rate() to ride out a late scrape.
 */
export const RULE_WINDOW = '1m';
const perRun: Scope = { matchers: '', window: RULE_WINDOW, by: ['run_id'] };

/** `level:metric:operations` (prometheus.io/docs/practices/rules); counters lose `_total` under rate. */
const recordName = (m: MetricDef, op: string, per = ''): string => `${perRun.by.join('_')}:${m.name.replace(/_total$/, '')}${per}:${op}`;

export const RECORDS = {
  latencyP50: { record: recordName(LOAD.latency, `p50_${RULE_WINDOW}`), expr: quantile(0.5, LOAD.latency, perRun) },
  latencyP99: { record: recordName(LOAD.latency, `p99_${RULE_WINDOW}`), expr: quantile(0.99, LOAD.latency, perRun) },
  offeredTps: { record: recordName(LOAD.offered, `rate${RULE_WINDOW}`), expr: rate(LOAD.offered, perRun) },
  achievedTps: { record: recordName(LOAD.sent, `rate${RULE_WINDOW}`), expr: rate(LOAD.sent, perRun) },
  committedTps: { record: recordName(LOAD.committed, `rate${RULE_WINDOW}`), expr: rate(LOAD.committed, perRun) },
  droppedTps: { record: recordName(LOAD.dropped, `rate${RULE_WINDOW}`), expr: rate(LOAD.dropped, perRun) },
  failureRatio: {
    record: recordName(LOAD.failed, `ratio_rate${RULE_WINDOW}`, '_per_sent'),
    expr: share(rate(LOAD.failed, perRun), rate(LOAD.sent, perRun)),
  },
} as const;

/** Achieved below this share of offered means the load generator, not the target, set the pace. */
export const ACHIEVED_MIN_SHARE = 0.95;

export const ALERTS = {
  achievedBelowOffered: `${RECORDS.achievedTps.record} < ${ACHIEVED_MIN_SHARE} * ${RECORDS.offeredTps.record}`,
  // max by (run_id) drops job/instance/profile so that each side has one series per run to match.
  latencyAboveSlo: `${RECORDS.latencyP99.record} > on (run_id) max by (run_id) (${LOAD.sloLatency.name}{percentile="99"})`,
  dropped: `${RECORDS.droppedTps.record} > 0`,
} as const;
