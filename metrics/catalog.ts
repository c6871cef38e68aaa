/**
 * Every Prometheus metric parabench exposes: its name, type, help, unit and labels, and the bucket
 * layouts. The one place they are defined: the prom-client sink (metrics/prom.ts), the dashboards
 * and the Prometheus rules all import from here, so a panel cannot point at a metric that does not
 * exist.
 *
 * Conventions (prometheus.io/docs/practices/naming): prefix `parabench_`, base units (`_seconds`),
 * `_total` on counters, labels with a bounded set of values only (a transaction kind, never an id).
 * Load-side series also carry `run_id` and `profile`, set once per run as default labels.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef<L extends string = string> {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly L[];
}

const def = <L extends string>(name: string, type: MetricType, help: string, labels: readonly L[] = []): MetricDef<L> => ({ name, type, help, labels });

/** Labels every load-side series carries (default labels of the run's registry). */
export const RUN_LABELS = ['run_id', 'profile'] as const;

const TX = ['family', 'kind'] as const;

/** The load side: what `parabench run` offered, sent and got back. */
export const LOAD = {
  offered: def('parabench_tx_offered_total', 'counter', 'Transactions due by the schedule (sent + dropped): the offered load.', TX),
  sent: def('parabench_tx_sent_total', 'counter', 'Transactions sent to the target.', TX),
  committed: def('parabench_tx_committed_total', 'counter', 'Transactions the target committed.', TX),
  failed: def('parabench_tx_failed_total', 'counter', 'Transactions the target executed and rejected (insufficient funds, slippage…), by reason.', [...TX, 'reason'] as const),
  errored: def('parabench_tx_errored_total', 'counter', 'Transactions that ended in an error instead of a receipt (target error, lost connection).', TX),
  timedOut: def('parabench_tx_timed_out_total', 'counter', 'Transactions without an answer within the timeout.', TX),
  dropped: def('parabench_tx_dropped_total', 'counter', 'Transactions due but not sent: the in-flight limit was reached (the load generator could not keep up, as k6 dropped_iterations).', TX),
  latency: def('parabench_tx_latency_seconds', 'histogram', 'Latency from the intended send time to the answer (open loop: a stalled target cannot hide).'),
  sendLag: def('parabench_send_lag_seconds', 'histogram', 'How late transactions were sent after their intended time: the load generator’s own health.'),
  inFlight: def('parabench_tx_in_flight', 'gauge', 'Transactions sent and awaiting an answer.'),
  offeredRate: def('parabench_offered_rate_tps', 'gauge', 'Transactions due in the last full second (the schedule’s rate).'),
  achievedRate: def('parabench_achieved_rate_tps', 'gauge', 'Transactions sent in the last full second.'),
  // `percentile`, not `quantile`: that label is reserved for summaries (promtool says so).
  sloLatency: def('parabench_slo_latency_seconds', 'gauge', 'The profile’s latency thresholds: p(percentile) must stay below this.', ['percentile'] as const),
  measuring: def('parabench_run_measuring', 'gauge', '1 inside the measured window, 0 in warm-up and drain.'),
  info: def('parabench_run_info', 'gauge', 'The run: always 1, its labels describe it.', ['run_id', 'profile', 'target', 'executor'] as const),
} as const;

const EX = ['executor'] as const;

/** The executor side: what the executor did with its blocks (`parabench serve`, and in-process runs). */
export const EXECUTOR = {
  blocks: def('parabench_executor_blocks_total', 'counter', 'Blocks executed.', EX),
  txs: def('parabench_executor_tx_total', 'counter', 'Transactions executed (in executed blocks).', EX),
  executions: def('parabench_executor_executions_total', 'counter', 'Transaction executions, re-executions included.', EX),
  reexecutions: def('parabench_executor_reexecutions_total', 'counter', 'Executions thrown away and redone (optimistic executors).', EX),
  validations: def('parabench_executor_validations_total', 'counter', 'Read-set validations (Block-STM).', EX),
  aborts: def('parabench_executor_aborts_total', 'counter', 'Aborted incarnations.', EX),
  waits: def('parabench_executor_waits_total', 'counter', 'Times a transaction waited on another’s write.', EX),
  blockDuration: def('parabench_executor_block_duration_seconds', 'histogram', 'Wall time of one block in the executor.', EX),
  work: def('parabench_executor_work_seconds_total', 'counter', 'W: declared work (cost) of the executed transactions.', EX),
  criticalPath: def('parabench_executor_critical_path_seconds_total', 'counter', 'CP: the longest read-after-write chain of each executed block, summed.', EX),
  boundTime: def('parabench_executor_bound_seconds_total', 'counter', 'Σ max(CP, W/T) over the executed blocks: the least time T threads could take.', EX),
  speedup: def('parabench_executor_speedup', 'gauge', 'Work done per unit of wall time over the executed blocks: W / Σ block time.', EX),
  speedupBound: def('parabench_executor_speedup_bound', 'gauge', 'S_max(T) of the executed blocks, W / Σ max(CP, W/T): no executor on T threads does better.', EX),
  threads: def('parabench_executor_threads', 'gauge', 'Threads the executor runs on.', EX),
  blockSizeLimit: def('parabench_executor_block_size_limit', 'gauge', 'Most transactions in one block.', EX),
  queueDepth: def('parabench_executor_queue_depth', 'gauge', 'Transactions received and waiting for a block.', EX),
} as const;

export const ALL_METRICS: readonly MetricDef[] = [...Object.values(LOAD), ...Object.values(EXECUTOR)];

// ── k6 (runs exported with `parabench export k6`) ───────────────────────────────────────────

/**
 * The custom metrics the exported k6 script defines, by their k6 names (export/k6/script.ts). Its
 * requests are tagged `name` (POST /tx is `parabench.tx`) and, for transactions, `phase`
 * (`warmup` or `measured`); the `parabench_tx` counter also carries `outcome` and, when failed,
 * the `reason`.
 */
export const K6_SCRIPT_METRICS = {
  /** Counter: every answered transaction, tagged outcome (committed, failed, errored, timed_out), phase and reason. */
  tx: 'parabench_tx',
  /** Rates: the share of sent transactions that ended so, for thresholds like tx_failed: rate<0.01. */
  committed: 'parabench_tx_committed',
  failed: 'parabench_tx_failed',
  errored: 'parabench_tx_errored',
  timedOut: 'parabench_tx_timed_out',
  /** Counter: iterations k6 started past the end of the exported transactions (at most one expected). */
  beyondTrace: 'parabench_iterations_beyond_trace',
} as const;

export const K6_TX_NAME_TAG = 'parabench.tx';
export const K6_HELLO_NAME_TAG = 'parabench.hello';

/**
 * A k6 metric's series on Prometheus, as k6's remote-write output (`-o experimental-prometheus-rw`)
 * names them: prefix `k6_`; counters end in `_total`, rates in `_rate`; a trend is a native
 * histogram in base units (`_seconds`) with K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true, or
 * else one gauge per K6_PROMETHEUS_RW_TREND_STATS entry, `p(99)` written `p99`, values in seconds.
 */
export const k6Series = {
  counter: (name: string): string => `k6_${name}_total`,
  rate: (name: string): string => `k6_${name}_rate`,
  gauge: (name: string): string => `k6_${name}`,
  nativeHistogram: (name: string): string => `k6_${name}_seconds`,
  trendStat: (name: string, stat: string): string => `k6_${name}_${stat.replace(/^p\((.*)\)$/, (_, p: string) => `p${p.replace('.', '')}`)}`,
} as const;

/**
 * The k6 series parabench's k6 dashboard and threshold queries read. Every series carries the run's
 * `testid` tag; k6-operator adds `instance_id` (one per runner), so runners' series stay apart.
 * Not in ALL_METRICS: parabench never exposes them itself, k6 writes them.
 */
export const K6 = {
  httpReqs: k6Series.counter('http_reqs'),
  httpReqDuration: k6Series.nativeHistogram('http_req_duration'),
  /** Trend-stats mode only: each runner's own p99 since it started (not aggregable across runners). */
  httpReqDurationP99: k6Series.trendStat('http_req_duration', 'p(99)'),
  iterations: k6Series.counter('iterations'),
  droppedIterations: k6Series.counter('dropped_iterations'),
  vus: k6Series.gauge('vus'),
  tx: k6Series.counter(K6_SCRIPT_METRICS.tx),
  beyondTrace: k6Series.counter(K6_SCRIPT_METRICS.beyondTrace),
} as const;

// ── bucket layouts ──────────────────────────────────────────────────────────────────────────

const round = (x: number): number => Number(x.toPrecision(3));

/**
 * Latency buckets, in seconds: a ×1.5 ladder from 1 ms to 60 s, made dense around every latency
 * threshold of the profile (±10%, ±25%, ±50%) with an edge exactly at it, so that "the share under
 * the SLO" is exact and histogram_quantile near the SLO is within a few percent.
 */
export function latencyBuckets(thresholdsMs: readonly number[] = []): number[] {
  const edges = new Set<number>();
  for (let b = 0.001; b <= 60; b *= 1.5) edges.add(round(b));
  for (const ms of thresholdsMs) {
    const s = ms / 1000;
    if (!(s > 0) || !Number.isFinite(s)) continue;
    for (const f of [0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5]) edges.add(round(s * f));
  }
  return [...edges].sort((a, b) => a - b);
}

/** Send lag: 0.1 ms to 1 s. A healthy generator stays in the first few buckets. */
export const SEND_LAG_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** Block execution time: 100 µs to 10 s. */
export const BLOCK_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
