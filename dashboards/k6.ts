/**
 * The "parabench / k6" dashboard: a profile run by k6 (`parabench export k6`), on one machine or
 * on many with k6-operator, from the series k6's Prometheus remote-write output writes. All runners
 * of a run add up under its testid; latency comes from their native histograms, summed.
 */
import { VariableSort, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { K6_PANELS as Q, VARIABLES } from './queries.js';
import { dashboardBuilder, datasourceVariable, finish, labelVariable, section, statPanel, timeSeries } from './overview.js';

const percent = (q: number): string => `p${Math.round(q * 100)}`;

export function k6Dashboard(): Dashboard {
  const b = dashboardBuilder(
    'parabench-k6',
    'parabench / k6',
    'parabench profiles run by k6 (`parabench export k6`), every runner of a run added up under its testid: k6 -o experimental-prometheus-rw.',
  ).variables([datasourceVariable(), labelVariable('testid', 'Test run (testid)', VARIABLES.testid, VariableSort.AlphabeticalDesc)]);

  section(b, 'Now', [
    statPanel('Committed TPS', 'reqps', { expr: Q.committed, legend: '{{testid}}' }, 'Transactions committed per second, all runners together.'),
    statPanel('p99 latency', 's', { expr: Q.latency(0.99), legend: '{{testid}}' }, '99th percentile of POST /tx over the last rate interval, from the runners’ native histograms added up.'),
    statPanel('Failed', 'percentunit', { expr: Q.failedShare, legend: '{{testid}}' }, 'Share of the answered transactions the target rejected, over the run so far (warm-up included).'),
    statPanel('Runners', 'short', { expr: Q.runners, legend: '{{testid}}' }, 'k6 instances writing to Prometheus (k6-operator labels each with instance_id).'),
  ]);
  section(b, 'Throughput', [
    timeSeries('Iterations, committed and dropped', 'reqps', [
      { expr: Q.iterations, legend: '{{testid}} iterations' },
      { expr: Q.committed, legend: '{{testid}} committed' },
      { expr: Q.dropped, legend: '{{testid}} dropped' },
    ], 'Iterations: transactions k6 sent and saw answered (one iteration, one transaction). Dropped: due, but no VU was free (maxVUs: the in-flight limit).'),
    timeSeries('Outcomes', 'reqps', [{ expr: Q.byOutcome, legend: '{{testid}} {{outcome}}' }], 'Committed and failed: a receipt. Errored: an error answer or no connection. Timed out: no answer within the profile’s timeout.'),
  ]);
  section(b, 'Latency', [
    timeSeries('Latency percentiles (all runners)', 's', [0.5, 0.9, 0.99].map((q) => ({ expr: Q.latency(q), legend: `{{testid}} ${percent(q)}` })),
      'http_req_duration of POST /tx, from k6 sending it to the receipt. Needs K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true (the exported TestRun sets it) and Prometheus with native histograms.'),
    timeSeries('p99 bounds from each runner (trend-stats mode)', 's', [
      { expr: Q.runnerP99Max, legend: '{{testid}} greatest runner p99' },
      { expr: Q.runnerP99Min, legend: '{{testid}} least runner p99' },
    ], 'Without native histograms each runner writes its own p99 since it started, which cannot be added up: the run’s p99 lies between the least and the greatest of them.'),
  ]);
  section(b, 'Runners', [
    timeSeries('VUs per runner', 'short', [{ expr: Q.vusPerRunner, legend: '{{testid}} runner {{instance_id}}' }], 'VUs busy or idle on each runner. At maxVUs, iterations are being dropped.'),
    timeSeries('Failure reasons', 'reqps', [{ expr: Q.failureReasons, legend: '{{testid}} {{reason}}' }], 'Why the target rejected transactions. nonce-too-low here, and not in parabench run, is requests of one sender reaching the target out of order.'),
    statPanel('VUs', 'short', { expr: Q.vus, legend: '{{testid}}' }, 'VUs on all runners together.'),
    statPanel('Dropped', 'short', { expr: Q.droppedTotal, legend: '{{testid}}' }, 'Iterations due but never started, all runners, over the run so far.'),
    statPanel('Iterations past the data', 'short', { expr: Q.beyondTrace, legend: '{{testid}}' }, 'Iterations k6 started after the last exported transaction: at most one is expected (k6 rounds a ramp its own way).'),
  ]);
  return finish(b);
}
