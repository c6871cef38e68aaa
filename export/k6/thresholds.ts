/**
 * parabench's thresholds in k6's terms: the metric or sub-metric k6 judges, its aggregation and
 * limit. Each k6 runner judges its own share, so a count's limit is divided among the runners by
 * the script (perRunner); export/k6/promql.ts judges the whole run from Prometheus.
 */
import type { Profile } from '../../core/profile/schema.js';
import { parseThresholdExpr, type ComparisonOp, type ThresholdMetric } from '../../core/thresholds.js';
import { K6_SCRIPT_METRICS } from '../../metrics/catalog.js';
import { k6Duration } from './format.js';

/** One parabench threshold as k6 judges it (per runner) and as Prometheus judges the whole run. */
export interface K6Threshold {
  readonly source: { readonly metric: ThresholdMetric; readonly expr: string };
  /** A k6 metric or sub-metric: `http_req_duration{phase:measured}`. */
  readonly metric: string;
  /** k6's aggregation: `p(99)`, `avg`, `count`, `rate`… */
  readonly aggregation: string;
  readonly op: ComparisonOp;
  /** The limit for the whole run; a count's is divided among the runners by the script (perRunner). */
  readonly limit: number;
  readonly perRunner: boolean;
  readonly abortOnFail: boolean;
  /** k6 counts it from the start of the test: the warm-up is added to the profile's delay. */
  readonly delayAbortEval?: string;
  /** What changed on the way, for the README. */
  readonly note?: string;
}

export interface UnmappedThreshold {
  readonly metric: ThresholdMetric;
  readonly expr: string;
  readonly why: string;
}

const OUTCOME_OF = {
  tx_committed: { outcome: 'committed', rate: K6_SCRIPT_METRICS.committed },
  tx_failed: { outcome: 'failed', rate: K6_SCRIPT_METRICS.failed },
  tx_errored: { outcome: 'errored', rate: K6_SCRIPT_METRICS.errored },
  tx_timed_out: { outcome: 'timed_out', rate: K6_SCRIPT_METRICS.timedOut },
} as const;

/** The profile's thresholds, those k6 can judge and those it cannot (with why). */
export function mapThresholds(profile: Profile, transactions: number): { mapped: K6Threshold[]; unmapped: UnmappedThreshold[] } {
  const mapped: K6Threshold[] = [];
  const unmapped: UnmappedThreshold[] = [];
  const seconds = profile.duration / 1000;
  for (const [metricName, specs] of Object.entries(profile.thresholds)) {
    const metric = metricName as ThresholdMetric;
    for (const spec of specs ?? []) {
      const parsed = parseThresholdExpr(metric, spec.threshold);
      // The schema checked every expression already.
      if ('error' in parsed) throw new Error(`thresholds.${metric}: ${parsed.error}`);
      const source = { metric, expr: parsed.source };
      const outcome = metric in OUTCOME_OF ? OUTCOME_OF[metric as keyof typeof OUTCOME_OF] : undefined;
      let k6: { metric: string; aggregation: string; limit: number; perRunner: boolean; note?: string } | undefined;
      if (metric === 'latency') {
        k6 = { metric: 'http_req_duration{phase:measured}', aggregation: parsed.aggregation === 'p' ? `p(${parsed.percentile ?? 0})` : parsed.aggregation, limit: parsed.limit, perRunner: false };
      } else if (outcome && parsed.aggregation === 'count') {
        k6 = { metric: `${K6_SCRIPT_METRICS.tx}{outcome:${outcome.outcome},phase:measured}`, aggregation: 'count', limit: parsed.limit, perRunner: true };
      } else if (outcome) {
        k6 = { metric: `${outcome.rate}{phase:measured}`, aggregation: 'rate', limit: parsed.limit, perRunner: false };
      } else if (metric === 'tps' && parsed.aggregation === 'avg') {
        k6 = {
          metric: `${K6_SCRIPT_METRICS.tx}{outcome:committed,phase:measured}`,
          aggregation: 'count',
          limit: round(parsed.limit * seconds),
          perRunner: true,
          note: `committed transactions of the measured window: ${parsed.limit} tx/s × ${seconds} s`,
        };
      } else if (metric === 'dropped') {
        const share = parsed.aggregation === 'rate';
        k6 = {
          metric: 'dropped_iterations',
          aggregation: 'count',
          limit: share ? round(parsed.limit * transactions) : parsed.limit,
          perRunner: true,
          note: `k6 counts dropped iterations over the whole run, warm-up included${share ? `; the limit is that share of its ${transactions} transactions` : ''}`,
        };
      } else if (metric === 'send_lag') {
        unmapped.push({ ...source, why: 'k6 starts an iteration when it is due or drops it (dropped_iterations), and does not report how late it started' });
      } else {
        unmapped.push({ ...source, why: `k6 thresholds have no per-second windows for tps ${parsed.aggregation}; judge it from Prometheus` });
      }
      if (!k6) continue;
      // A count that must grow fails until the very end of the run: it cannot abort one early.
      const grows = k6.aggregation === 'count' && (parsed.op === '>' || parsed.op === '>=' || parsed.op === '==');
      const notes = [k6.note, spec.abortOnFail && grows ? 'abortOnFail left out: a count that must grow fails until the end of the run' : undefined].filter((n) => n !== undefined);
      mapped.push({
        source,
        metric: k6.metric,
        aggregation: k6.aggregation,
        op: parsed.op,
        limit: k6.limit,
        perRunner: k6.perRunner,
        abortOnFail: spec.abortOnFail && !grows,
        ...(spec.abortOnFail && !grows ? { delayAbortEval: k6Duration(profile.warmup + spec.delayAbortEvalMs) } : {}),
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      });
    }
  }
  return { mapped, unmapped };
}

const round = (x: number): number => Number(x.toPrecision(12));
