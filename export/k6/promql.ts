/**
 * Judging an exported run's thresholds from Prometheus, over every runner at once. Each k6
 * runner judges only its own share of the iterations; the runners' series meet on Prometheus,
 * labelled by the run's testid and told apart by k6-operator's instance_id. A runner's counters
 * and native histograms are cumulative from its start, so the whole run is the sum over runners of
 * each one's last value: `sum(counter)`, `sum(histogram)`, as an instant query at the end of the
 * run or up to five minutes after (Prometheus's lookback). That is why the TestRun turns k6's stale
 * markers off: with them, a runner's series vanish the moment it stops. (`last_over_time` of a
 * native histogram would not need that, but Debian's Prometheus 2.42 answers it with nothing.)
 * `bool` makes each query answer 1 when the threshold holds and 0 when it fails.
 * test/export/k6-prometheus.test.ts runs them on a real Prometheus, on series shaped as k6 writes them.
 */
import { K6 } from '../../metrics/catalog.js';
import type { K6Plan, K6Threshold } from './plan.js';

export function wholeRunPromQL(plan: K6Plan, t: K6Threshold): string {
  const sel = (extra: string): string => `{testid=${JSON.stringify(plan.testid)}${extra}}`;
  // `or vector(0)`: k6 writes no series for what never happened (dropped_iterations, above all).
  const total = (series: string): string => `(sum(${series}) or vector(0))`;
  const count = (outcome?: string): string => total(`${K6.tx}${sel(`${outcome ? `, outcome="${outcome}"` : ''}, phase="measured"`)}`);
  const cmp = (expr: string, limit: number): string => `${expr} ${t.op} bool ${limit}`;
  const outcome = /outcome:(\w+)/.exec(t.metric)?.[1];
  switch (t.source.metric) {
    case 'latency': {
      const h = `sum(${K6.httpReqDuration}${sel(', phase="measured"')})`;
      const seconds = t.limit / 1000;
      if (t.aggregation === 'avg') return cmp(`histogram_sum(${h}) / histogram_count(${h})`, seconds);
      const q = t.aggregation === 'min' ? 0 : t.aggregation === 'max' ? 1 : t.aggregation === 'med' ? 0.5 : Number(/p\((.*)\)/.exec(t.aggregation)?.[1] ?? 0) / 100;
      return cmp(`histogram_quantile(${q}, ${h})`, seconds);
    }
    case 'tps':
      return cmp(`${count('committed')} / ${plan.durationMs / 1000}`, t.limit / (plan.durationMs / 1000));
    case 'dropped':
      return cmp(total(`${K6.droppedIterations}${sel('')}`), t.limit);
    default: {
      const name = /^tx_(\w+)$/.exec(t.source.metric)?.[1] ?? '';
      const which = outcome ?? name;
      return t.aggregation === 'count' ? cmp(count(which), t.limit) : cmp(`${count(which)} / ${count()}`, t.limit);
    }
  }
}
