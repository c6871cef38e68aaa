import { THRESHOLD_METRICS, compare, parseThresholdExpr, type ThresholdExpr, type ThresholdMetric } from '../core/thresholds.js';

/** The run's figures, as thresholds ask for them. null: the run has no such figure (no samples). */
export interface MetricSource {
  percentile(metric: 'latency' | 'send_lag', p: number): number | null;
  aggregate(metric: ThresholdMetric, aggregation: 'avg' | 'min' | 'max' | 'count' | 'rate'): number | null;
}

export interface ThresholdResult {
  readonly metric: ThresholdMetric;
  readonly expr: string;
  /** The measured value the expression was judged on; null when the run produced none. */
  readonly value: number | null;
  readonly unit: string;
  readonly ok: boolean;
}

/** Judges every threshold. A metric without a value fails its threshold: no evidence is not a pass. */
export function evaluateThresholds(
  thresholds: Partial<Record<ThresholdMetric, readonly (string | { readonly threshold: string })[]>>,
  source: MetricSource,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [name, exprs] of Object.entries(thresholds) as [ThresholdMetric, readonly (string | { readonly threshold: string })[]][]) {
    for (const item of exprs) {
      const text = typeof item === 'string' ? item : item.threshold;
      const expr = parseThresholdExpr(name, text);
      // The schema has already rejected malformed expressions; this keeps the types honest.
      if ('error' in expr) throw new Error(`threshold ${name}: ${text}: ${expr.error}`);
      const value = valueOf(name, expr, source);
      results.push({
        metric: name,
        expr: expr.source,
        value,
        unit: expr.aggregation === 'rate' ? 'ratio' : THRESHOLD_METRICS[name].unit,
        ok: value !== null && compare(value, expr.op, expr.limit),
      });
    }
  }
  return results;
}

function valueOf(metric: ThresholdMetric, expr: ThresholdExpr, source: MetricSource): number | null {
  if (metric === 'latency' || metric === 'send_lag') {
    if (expr.aggregation === 'p') return source.percentile(metric, expr.percentile ?? 50);
    if (expr.aggregation === 'med') return source.percentile(metric, 50);
  }
  if (expr.aggregation === 'p' || expr.aggregation === 'med') return null;
  return source.aggregate(metric, expr.aggregation);
}

/** A threshold that stops the run once it fails (k6's abortOnFail), after its delay into the measured window. */
export interface AbortingThreshold {
  readonly metric: ThresholdMetric;
  readonly threshold: string;
  readonly delayAbortEvalMs: number;
}

/**
 * The first aborting threshold that fails on the figures so far, as the reason the run stops
 * ("threshold latency p(99)<250 failed: 312 ms"); undefined while they all hold.
 */
export function abortReason(thresholds: readonly AbortingThreshold[], source: MetricSource, measuredMs: number): string | undefined {
  for (const t of thresholds) {
    if (measuredMs < t.delayAbortEvalMs) continue;
    const [result] = evaluateThresholds({ [t.metric]: [t.threshold] }, source);
    if (result && !result.ok) return `threshold ${t.metric} ${t.threshold} failed: ${result.value === null ? 'no value' : `${Number(result.value.toPrecision(4))} ${result.unit}`} (abortOnFail)`;
  }
  return undefined;
}
