/**
 * Judging an exported run's thresholds from Prometheus, over every runner at once. Each k6
 * runner judges only its own share of the iterations; the runners' series meet on Prometheus,
 * labelled by the run's testid and told apart by k6-operator's instance_id. A runner's counters
 * and native histograms are cumulative from its start, so the whole run is the sum, over runners,
 * of each one's last value: `sum(max_over_time(counter[R]))`, `sum(last_over_time(histogram[R]))`.
 * Each query is an instant query at (or within a few minutes after) the end of the run; `bool`
 * makes it answer 1 when the threshold holds and 0 when it fails.
 */
import { K6 } from '../../metrics/catalog.js';
import type { K6Plan, K6Threshold } from './plan.js';

/** The range that covers the whole run from its end: the run, its drain, and five minutes to spare. */
export function runRange(plan: K6Plan): string {
  return `${Math.ceil((plan.warmupMs + plan.durationMs + plan.timeoutMs) / 60_000) + 5}m`;
}

export function wholeRunPromQL(plan: K6Plan, t: K6Threshold): string {
  const r = runRange(plan);
  const sel = (extra: string): string => `{testid=${JSON.stringify(plan.testid)}${extra}}`;
  const count = (outcome?: string): string => `sum(max_over_time(${K6.tx}${sel(`${outcome ? `, outcome="${outcome}"` : ''}, phase="measured"`)}[${r}]))`;
  const cmp = (expr: string, limit: number): string => `${expr} ${t.op} bool ${limit}`;
  const outcome = /outcome:(\w+)/.exec(t.metric)?.[1];
  switch (t.source.metric) {
    case 'latency': {
      const h = `sum(last_over_time(${K6.httpReqDuration}${sel(', phase="measured"')}[${r}]))`;
      const seconds = t.limit / 1000;
      if (t.aggregation === 'avg') return cmp(`histogram_sum(${h}) / histogram_count(${h})`, seconds);
      const q = t.aggregation === 'min' ? 0 : t.aggregation === 'max' ? 1 : t.aggregation === 'med' ? 0.5 : Number(/p\((.*)\)/.exec(t.aggregation)?.[1] ?? 0) / 100;
      return cmp(`histogram_quantile(${q}, ${h})`, seconds);
    }
    case 'tps':
      return cmp(`${count('committed')} / ${plan.durationMs / 1000}`, t.limit / (plan.durationMs / 1000));
    case 'dropped':
      return cmp(`sum(max_over_time(${K6.droppedIterations}${sel('')}[${r}]))`, t.limit);
    default: {
      const name = /^tx_(\w+)$/.exec(t.source.metric)?.[1] ?? '';
      const which = outcome ?? name;
      return t.aggregation === 'count' ? cmp(count(which), t.limit) : cmp(`${count(which)} / ${count()}`, t.limit);
    }
  }
}
