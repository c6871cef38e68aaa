/**
 * The "parabench / Overview" dashboard: one run (or a few, side by side) from the load side.
 * Also the panel helpers the Executor dashboard shares.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type Panel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueGraphMode, LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { LATENCY_QUANTILES, OVERVIEW as Q, VARIABLES } from './queries.js';

// ── shared helpers ──────────────────────────────────────────────────────────────────────────

/** Every panel and variable queries the data source the `datasource` variable picks. */
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export type Unit = 'reqps' | 's' | 'percentunit' | 'short';

export interface Query {
  readonly expr: string;
  readonly legend?: string;
}

function targets(queries: readonly Query[], format = PromQueryFormat.TimeSeries): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const t = new DataqueryBuilder().refId(String.fromCharCode(65 + i)).expr(q.expr).format(format);
    return q.legend === undefined ? t : t.legendFormat(q.legend);
  });
}

export function timeSeries(title: string, unit: Unit, queries: readonly Query[], description: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .min(0)
    .span(12)
    .height(8)
    .fillOpacity(10)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).calcs(['mean', 'max', 'lastNotNull']))
    .targets(targets(queries));
}

export function statPanel(title: string, unit: Unit, query: Query, description: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(6)
    .height(4)
    .graphMode(BigValueGraphMode.Area)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .targets(targets([query]));
}

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus');
}

/** A variable whose values are a label's values; multi-select, "All" matching any value. */
export function labelVariable(name: string, label: string, query: string, sort = VariableSort.AlphabeticalAsc): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(sort)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

/**
 * Adds a row and its panels. The panels go after the row, not into it: panels inside a row are
 * for collapsed rows only, and the SDK's RowBuilder.withPanel collapses the row.
 */
export function section(b: DashboardBuilder, title: string, panels: readonly cog.Builder<Panel>[]): DashboardBuilder {
  b.withRow(new RowBuilder(title));
  panels.forEach((p) => b.withPanel(p));
  return b;
}

/**
 * Builds the dashboard and numbers its panels 1…n in layout order: Grafana would number them on
 * load otherwise, and links to a panel (`viewPanel=`) need ids that stay put between generations.
 */
export function finish(builder: DashboardBuilder): Dashboard {
  const d = builder.build();
  let id = 0;
  const number = (p: { id?: number; panels?: Panel[] }): void => {
    p.id = ++id;
    p.panels?.forEach(number);
  };
  d.panels?.forEach(number);
  return d;
}

export function dashboardBuilder(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['parabench'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-15m', to: 'now' })
    .refresh('5s')
    .timezone('browser');
}

// ── the dashboard ───────────────────────────────────────────────────────────────────────────

/** Green below the first step, then each [from, color]. */
const steps = (...from: [number, string][]): ThresholdsConfigBuilder =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'green' }, ...from.map(([value, color]) => ({ value, color }))]);

const percent = (q: number): string => `p${Math.round(q * 100)}`;

function latencyPanel(): timeseries.PanelBuilder {
  // No dashed style for the thresholds: an override matches by a string option, which the
  // dashboard JSON Schema (options: object) rejects; the legend tells them apart instead.
  return timeSeries(
    'Latency percentiles and thresholds',
    's',
    [
      ...LATENCY_QUANTILES.map((q) => ({ expr: Q.latency(q), legend: `{{run_id}} ${percent(q)}` })),
      { expr: Q.slo, legend: '{{run_id}} threshold p({{percentile}})' },
    ],
    'From the intended send time to the answer (open loop). The thresholds are the profile’s (parabench_slo_latency_seconds).',
  ).span(24);
}

function latencyHeatmap(): heatmap.PanelBuilder {
  // One heatmap per run: bucket layouts follow each profile's thresholds, and summing runs with
  // different `le` sets would give a meaningless distribution. Full width, on its own line: Grafana
  // lays the copies out from x = 0.
  return new heatmap.PanelBuilder()
    .title('Latency distribution: $run_id')
    .description('Transactions answered per latency bucket, over the rate interval before each point.')
    .datasource(DATASOURCE)
    .unit('short')
    .span(24)
    .height(8)
    .repeat('run_id')
    .maxPerRow(2)
    .calculate(false)
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Oranges').scale(heatmap.HeatmapColorScale.Exponential).exponent(0.5).steps(64).fill('dark-orange').reverse(false))
    .yAxis(new heatmap.YAxisConfigBuilder().unit('s'))
    .targets(targets([{ expr: Q.latencyHeatmap, legend: '{{le}}' }], PromQueryFormat.Heatmap));
}

function runInfo(): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Runs')
    .description('The selected runs: their profile, target and executor (parabench_run_info).')
    .datasource(DATASOURCE)
    .unit('short')
    .span(24)
    .height(4)
    .withTarget(new DataqueryBuilder().refId('A').expr(Q.runInfo).format(PromQueryFormat.Table).instant())
    // The gauge is always 1 and the time is the query's: only the labels say something.
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true, Value: true }, indexByName: { run_id: 0, profile: 1, target: 2, executor: 3 } } });
}

export function overviewDashboard(): Dashboard {
  const b = dashboardBuilder(
    'parabench-overview',
    'parabench / Overview',
    'Offered versus achieved load, outcomes and latency of parabench runs (`parabench run --metrics-port`).',
  ).variables([
    datasourceVariable(),
    // Newest first, so the default selection is the newest run.
    labelVariable('run_id', 'Run', VARIABLES.runId, VariableSort.AlphabeticalDesc),
    labelVariable('profile', 'Profile', VARIABLES.profile),
  ]);

  section(b, 'Now', [
    runInfo(),
    statPanel('Achieved TPS', 'reqps', { expr: Q.sent, legend: '{{run_id}}' }, 'Transactions sent per second, now.'),
    statPanel('p99 latency', 's', { expr: Q.latency(0.99), legend: '{{run_id}}' }, '99th percentile of latency over the last rate interval.'),
    statPanel('Failed', 'percentunit', { expr: Q.failedShare, legend: '{{run_id}}' }, 'Share of the sent transactions the target rejected, over the run so far.')
      .thresholds(steps([0.01, 'orange'], [0.05, 'red'])),
    statPanel('Dropped', 'short', { expr: Q.droppedTotal, legend: '{{run_id}}' }, 'Transactions due but never sent (in-flight limit reached), over the run so far. Any drop means the load generator set the pace, not the target.')
      .thresholds(steps([1, 'red'])),
  ]);
  section(b, 'Throughput', [
    timeSeries('Offered vs achieved TPS', 'reqps', [
      { expr: Q.offered, legend: '{{run_id}} offered' },
      { expr: Q.sent, legend: '{{run_id}} sent' },
      { expr: Q.committed, legend: '{{run_id}} committed' },
    ], 'Offered: due by the schedule. Sent (achieved): left the load generator. Committed: the target committed them.'),
    timeSeries('Outcomes', 'reqps', [
      { expr: Q.committed, legend: '{{run_id}} committed' },
      { expr: Q.failed, legend: '{{run_id}} failed' },
      { expr: Q.errored, legend: '{{run_id}} errored' },
      { expr: Q.timedOut, legend: '{{run_id}} timed out' },
      { expr: Q.dropped, legend: '{{run_id}} dropped' },
    ], 'Failed: executed and rejected by the target. Errored: no receipt. Timed out: no answer in time. Dropped: never sent.'),
  ]);
  section(b, 'Latency', [latencyPanel(), latencyHeatmap()]);
  section(b, 'Load generator', [
    timeSeries('In flight', 'short', [{ expr: Q.inFlight, legend: '{{run_id}}' }], 'Sent and awaiting an answer. Flat at the in-flight limit means transactions are being dropped.'),
    timeSeries('Send lag p99', 's', [{ expr: Q.sendLagP99, legend: '{{run_id}}' }], 'How late the load generator sends after the intended time. Growing lag: the generator itself is saturated.'),
  ]);
  return finish(b);
}
