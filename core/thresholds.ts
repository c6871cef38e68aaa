/**
 * The threshold language, k6-style: `latency: ["p(99)<250"]`. Parsing lives in core because the
 * profile schema checks every expression up front; evaluating them against a run is `reports/`.
 */

export type Aggregation = 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'p';

/** The metrics a threshold can name, what each measures, and the aggregations that make sense for it. */
export const THRESHOLD_METRICS = {
  latency: { unit: 'ms', aggregations: ['p', 'avg', 'min', 'max', 'med'], about: 'intended send time to receipt' },
  send_lag: { unit: 'ms', aggregations: ['p', 'avg', 'min', 'max', 'med'], about: 'actual minus intended send time' },
  tps: { unit: 'tx/s', aggregations: ['avg', 'min', 'max'], about: 'committed per second; min and max over 1 s windows' },
  tx_committed: { unit: 'tx', aggregations: ['count', 'rate'], about: 'rate = share of sent' },
  tx_failed: { unit: 'tx', aggregations: ['count', 'rate'], about: 'rejected by the state machine; rate = share of sent' },
  tx_errored: { unit: 'tx', aggregations: ['count', 'rate'], about: 'transport or target errors; rate = share of sent' },
  tx_timed_out: { unit: 'tx', aggregations: ['count', 'rate'], about: 'no receipt in time; rate = share of sent' },
  dropped: { unit: 'tx', aggregations: ['count', 'rate'], about: 'due but never sent; rate = share of scheduled' },
} as const satisfies Record<string, { unit: string; aggregations: readonly Aggregation[]; about: string }>;

export type ThresholdMetric = keyof typeof THRESHOLD_METRICS;
export const THRESHOLD_METRIC_NAMES = Object.keys(THRESHOLD_METRICS) as [ThresholdMetric, ...ThresholdMetric[]];

export type ComparisonOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface ThresholdExpr {
  readonly aggregation: Aggregation;
  /** The percentile, for `p(N)`. */
  readonly percentile?: number;
  readonly op: ComparisonOp;
  readonly limit: number;
  /** The expression as the user wrote it. */
  readonly source: string;
}

const EXPR = /^\s*(avg|min|max|med|count|rate|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Parses `p(99)<250`; returns a message (what is wrong, in words) instead of throwing. */
export function parseThresholdExpr(metric: ThresholdMetric, source: string): ThresholdExpr | { error: string } {
  const m = EXPR.exec(source);
  if (!m) return { error: `an expression such as "p(99)<250" or "rate<0.01"` };
  const [, aggText = '', pText, op = '<', limitText = '0'] = m;
  const aggregation: Aggregation = pText === undefined ? (aggText as Aggregation) : 'p';
  const allowed: readonly Aggregation[] = THRESHOLD_METRICS[metric].aggregations;
  if (!allowed.includes(aggregation)) {
    const names = allowed.map((a) => (a === 'p' ? 'p(N)' : a)).join(', ');
    return { error: `one of the aggregations of ${metric} (${names})` };
  }
  const percentile = pText === undefined ? undefined : Number(pText);
  if (percentile !== undefined && !(percentile > 0 && percentile <= 100)) {
    return { error: 'a percentile in p(N) between 0 (excluded) and 100' };
  }
  const base = { aggregation, op: op as ComparisonOp, limit: Number(limitText), source: source.trim() };
  return percentile === undefined ? base : { ...base, percentile };
}

export function compare(value: number, op: ComparisonOp, limit: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
      return value === limit;
    case '!=':
      return value !== limit;
  }
}
