/**
 * The HTML report of `parabench capacity` (capacity.html): the verdict (the sustainable rate, the
 * first that failed and why, the knee, the SLO), latency and throughput against offered rate,
 * throughput against threads measured and predicted, then the tables and every assumption the
 * predictions rest on. The page is the run report's (reports/html.ts): one self-contained file,
 * uPlot and the data inline, drawn by the same page script.
 */
// The version that renders the page: capacity.json does not record the one that measured it.
import { version } from '../cli/version.js';
import { parseThresholdExpr } from '../core/thresholds.js';
import { chartFigure, chartSpecs, esc, num, pct, renderPage, type Chart, type ChartSpec } from '../reports/html.js';
import type { Prediction, Predictions, ScalingPoint } from './predict.js';
import type { CapacityResult } from './result.js';
import type { Step } from './search.js';

export type CapacityChartId = 'latency-vs-rate' | 'committed-vs-offered' | 'scaling';

/** What the data island holds; the test reads it back from the page. */
export interface CapacityReportData {
  readonly schema: 'parabench.capacity.html/v1';
  readonly profile: string;
  readonly charts: readonly ChartSpec<CapacityChartId>[];
}

const COLORS = {
  p50: '#1f6fb4',
  p99: '#d62728',
  failing: '#6b0f1a',
  offered: '#8a8a8a',
  sent: '#1f6fb4',
  committed: '#2a9d3a',
  slo: '#c62828',
  knee: '#e07b00',
  sustained: '#1e7e34',
  measured: '#1f3f8f',
  usl: '#e07b00',
  uslBand: '#f4b266',
  simulation: '#7b3fb0',
} as const;

const FAILING_REGION = 'rgba(214, 39, 40, 0.07)';
const PREDICTED_REGION = 'rgba(120, 120, 120, 0.08)';

export async function renderCapacityHtml(result: CapacityResult): Promise<string> {
  const perRate: Chart<CapacityChartId>[] = [latencyChart(result), committedChart(result)];
  const perThreads = scalingChart(result);
  const charts = [...perRate, perThreads];
  const data: CapacityReportData = { schema: 'parabench.capacity.html/v1', profile: result.profile.name, charts: chartSpecs(charts) };
  const s = result.search;
  return renderPage({
    title: `parabench capacity · ${result.profile.name} · ${s.sustained ? `${num(s.sustained.rate)} tx/s` : 'no sustainable rate'}`,
    version,
    data,
    css: CAPACITY_CSS,
    main: `${verdictSection(result)}
<section id="charts" aria-label="charts">
<h2>Against offered rate</h2>
${perRate.map((c) => chartFigure(c, CHART_TITLES['spec' in c ? c.spec.id : c.id])).join('\n')}
<h2>Against threads</h2>
${chartFigure(perThreads, CHART_TITLES.scaling)}
</section>
${stepsSection(result)}
${scalingSection(result)}
${predictionsSection(result)}
${notesSection(result)}
${machineSection(result)}
<footer>parabench ${esc(version)} · ${esc(result.schema)} · charts by uPlot (MIT)</footer>`,
  });
}

const CHART_TITLES: Record<CapacityChartId, string> = {
  'latency-vs-rate': 'Latency against offered rate: p50 and p99 of every search step',
  'committed-vs-offered': 'Committed against offered rate',
  scaling: 'Throughput against threads: measured, and predicted by the USL and by simulation',
};

// ---------------------------------------------------------------------------------------------
// The SLO

/** A latency ceiling of the SLO, as the latency chart draws it. */
export interface LatencyLimit {
  /** The percentile it is judged on; null for avg, min and max. */
  readonly percentile: number | null;
  readonly ms: number;
  /** As written: `p(99)<100`. */
  readonly expr: string;
}

/**
 * The latency ceilings among the SLO's thresholds (`latency p(99)<100`, `latency med<=20`…).
 * Floors (`>`) and anything unparsable are not limits a line can show, so they are left out.
 */
export function latencyLimits(slo: readonly string[]): LatencyLimit[] {
  const out: LatencyLimit[] = [];
  for (const line of slo) {
    const m = /^\s*latency\s+(.+)$/.exec(line);
    if (!m?.[1]) continue;
    const e = parseThresholdExpr('latency', m[1]);
    if ('error' in e || (e.op !== '<' && e.op !== '<=')) continue;
    out.push({ percentile: e.aggregation === 'p' ? (e.percentile ?? null) : e.aggregation === 'med' ? 50 : null, ms: e.limit, expr: e.source });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Verdict

function verdictSection(r: CapacityResult): string {
  const s = r.search;
  const cls = s.sustained ? 'passed' : 'failed';
  const badge = s.sustained ? `SUSTAINS ${num(s.sustained.rate)} tx/s` : 'NO SUSTAINABLE RATE';
  const items: string[] = [];
  items.push(
    s.sustained
      ? item('ok', 'sustainable', `<strong data-sustained="${s.sustained.rate}">${num(s.sustained.rate)} tx/s</strong> offered: ${num(s.sustained.tps)} tx/s committed, p99 ${latency(s.sustained.p99)}, within the SLO`)
      : item('bad', 'sustainable', `none: even ${s.firstFailing ? `${num(s.firstFailing.rate)} tx/s` : 'the lowest rate'}, the lowest tried, failed`),
  );
  items.push(
    s.firstFailing
      ? item('bad', 'first failing', `<strong data-first-failing="${s.firstFailing.rate}">${num(s.firstFailing.rate)} tx/s</strong>: ${s.firstFailing.reasons.map(esc).join('; ') || 'no reason recorded'}`)
      : item('info', 'first failing', 'none: the highest rate the generator offers passed (--max-rate), so the target may sustain more'),
  );
  const k = s.knee;
  items.push(
    k
      ? item('warn', 'knee', `<strong data-knee="${k.rate}">${num(k.rate)} tx/s</strong> (p99 ${latency(k.p99)}): past it, p99 grows ${k.elasticity.toFixed(1)}× faster than throughput, relatively`)
      : item('info', 'knee', 'none seen: latency never climbed faster than throughput'),
  );
  items.push(
    item(
      'info',
      'SLO',
      `${r.profile.slo.map((x) => `<code>${esc(x)}</code>`).join(' · ') || 'none'}; and every step must keep up with its offered rate, with nothing dropped, errored or timed out`,
    ),
  );
  items.push(item('info', 'search', `${s.steps.length} step${s.steps.length === 1 ? '' : 's'}, ${esc(s.ending)}`));
  return `<header id="verdict" class="verdict ${cls}" data-verdict="${s.sustained ? 'sustained' : 'none'}">
<div class="verdict-line"><span class="badge ${cls}">${badge}</span><h1>parabench capacity · ${esc(r.profile.name)}</h1></div>
<ul class="checks">${items.join('')}</ul>
<dl class="meta">
<dt>profile</dt><dd><code>${esc(r.profile.file)}</code></dd>
<dt>target</dt><dd>${esc(r.target)} · ${esc(r.executor)}</dd>
</dl>
</header>`;
}

function item(kind: 'ok' | 'bad' | 'warn' | 'info', label: string, html: string): string {
  const mark = { ok: '✓', bad: '✗', warn: '!', info: '·' }[kind];
  return `<li class="${kind}" data-item="${esc(label)}"><span class="mark" aria-hidden="true">${mark}</span><b>${esc(label)}</b> ${html}</li>`;
}

// ---------------------------------------------------------------------------------------------
// Charts against offered rate

/** Ascending by rate: uPlot draws lines through x in order. */
function byRate(steps: readonly Step[]): Step[] {
  return [...steps].sort((a, b) => a.rate - b.rate);
}

function rateAxis(steps: readonly Step[]): ChartSpec['x'] {
  const top = Math.max(...steps.map((s) => s.rate));
  return { label: 'offered rate (tx/s)', legend: 'offered', kind: 'linear', unit: 'tx/s', range: [0, Math.ceil(top * 1.05)] };
}

/** From the first failing rate rightwards: by the search's construction every step there failed. */
function failingRegion(r: CapacityResult): NonNullable<ChartSpec['regions']> {
  const f = r.search.firstFailing;
  return f ? [{ from: f.rate, to: null, label: 'fails the SLO', fill: FAILING_REGION }] : [];
}

function latencyChart(r: CapacityResult): Chart<CapacityChartId> {
  const steps = byRate(r.search.steps);
  if (!steps.some((s) => s.p50 !== null || s.p99 !== null)) {
    return { id: 'latency-vs-rate', absent: 'no search step had a receipt to time' };
  }
  const limits = latencyLimits(r.profile.slo);
  const rules: NonNullable<ChartSpec['rules']>[number][] = limits.map((l) => ({ axis: 'y', value: l.ms, label: `SLO: ${l.expr} ms`, color: COLORS.slo, dash: [6, 4] }));
  const knee = r.search.knee;
  if (knee) rules.push({ axis: 'x', value: knee.rate, label: `knee ${num(knee.rate)} tx/s`, color: COLORS.knee, dash: [3, 3] });
  const sus = r.search.sustained;
  if (sus) rules.push({ axis: 'x', value: sus.rate, label: `sustainable ${num(sus.rate)} tx/s`, color: COLORS.sustained });
  const failedP99 = steps.map((s) => (s.passed ? null : s.p99));
  // An SLO far above every step would fall off an axis fitted to the data: the headroom is the news.
  const highest = Math.max(0, ...steps.flatMap((s) => [s.p50 ?? 0, s.p99 ?? 0]));
  const ceiling = Math.max(0, ...limits.map((l) => l.ms));
  return {
    spec: {
      id: 'latency-vs-rate',
      x: rateAxis(steps),
      y: { label: 'latency (ms)', ...(ceiling >= highest ? { max: niceCeil(ceiling * 1.15) } : {}) },
      series: [
        { label: 'p50', color: COLORS.p50, unit: 'ms', points: { size: 6, fill: '#fff' } },
        { label: 'p99', color: COLORS.p99, unit: 'ms', points: { size: 7, fill: '#fff' } },
        { label: 'p99, failing step', color: COLORS.failing, unit: 'ms', line: false, points: { size: 10 } },
      ],
      data: [steps.map((s) => s.rate), steps.map((s) => s.p50), steps.map((s) => s.p99), failedP99],
      rules,
      regions: failingRegion(r),
      height: 300,
    },
    note: `One point a search step, each an open-loop run at its offered rate; the filled markers failed the SLO. ${
      limits.length > 0 ? `The dashed red line is the SLO's latency limit (${limits.map((l) => `<code>${esc(l.expr)}</code> ms`).join(', ')}). ` : 'The SLO sets no latency ceiling. '
    }${
      knee
        ? `The knee, at <b>${num(knee.rate)} tx/s</b>, is the last rate before p99 grows faster than throughput (Δln p99 / Δln TPS = ${knee.elasticity.toFixed(2)} on the next stretch).`
        : 'No knee: p99 never grew faster than throughput.'
    }`,
  };
}

function committedChart(r: CapacityResult): Chart<CapacityChartId> {
  const steps = byRate(r.search.steps);
  if (steps.length === 0) return { id: 'committed-vs-offered', absent: 'the search ran no step' };
  const sus = r.search.sustained;
  return {
    spec: {
      id: 'committed-vs-offered',
      x: rateAxis(steps),
      y: { label: 'throughput (tx/s)' },
      series: [
        { label: 'offered (keeping up)', color: COLORS.offered, unit: 'tx/s', dash: [6, 4], width: 1.5 },
        { label: 'sent', color: COLORS.sent, unit: 'tx/s', width: 1.5 },
        { label: 'committed', color: COLORS.committed, unit: 'tx/s', points: { size: 7, fill: '#fff' } },
        { label: 'committed, failing step', color: COLORS.failing, unit: 'tx/s', line: false, points: { size: 10 } },
      ],
      // A row at the origin, where only the diagonal is, so it reads as the line it is.
      data: [
        [0, ...steps.map((s) => s.rate)],
        [0, ...steps.map((s) => s.rate)],
        [null, ...steps.map((s) => s.sent)],
        [null, ...steps.map((s) => s.tps)],
        [null, ...steps.map((s) => (s.passed ? null : s.tps))],
      ],
      rules: sus ? [{ axis: 'x', value: sus.rate, label: `sustainable ${num(sus.rate)} tx/s`, color: COLORS.sustained }] : [],
      regions: failingRegion(r),
    },
    note: `Sent is what the generator got out, committed what the target confirmed, both per second of the measured window; a target keeping up stays on the dashed diagonal.${
      steps.some((s) => s.tps > s.rate) ? ' Committed can exceed offered: it counts receipts by when they arrive, so transactions sent in the warm-up and committed inside the measured window count too.' : ''
    }${
      steps.some((s) => s.generatorBound) ? ' Some steps were limited by the load generator itself: see the steps table.' : ''
    }`,
  };
}

// ---------------------------------------------------------------------------------------------
// Throughput against threads

interface ScalingRow {
  readonly threads: number;
  readonly measured: number | null;
  readonly prediction: Prediction | undefined;
}

/**
 * One row per measured run (repeats share their x, so each is its own marker), and one per
 * predicted thread count that was not measured. The predictions repeat on a thread count's rows:
 * a line segment of zero length, invisible.
 */
function scalingRows(scaling: readonly ScalingPoint[], p: Predictions | null): ScalingRow[] {
  const threads = [...new Set([...scaling.map((x) => x.threads), ...(p?.table.map((x) => x.threads) ?? [])])].sort((a, b) => a - b);
  return threads.flatMap((t): ScalingRow[] => {
    const prediction = p?.table.find((x) => x.threads === t);
    const runs = scaling.filter((x) => x.threads === t);
    return runs.length > 0 ? runs.map((x) => ({ threads: t, measured: x.tps, prediction })) : [{ threads: t, measured: null, prediction }];
  });
}

/**
 * Ticks of the log2 thread axis: every power of two, and each other thread count (3, 6, 12…) that
 * sits far enough from the rest to be read; on a 16-core machine, 9…15 would print over each other.
 */
function threadTicks(threads: readonly number[]): number[] {
  const all = [...new Set(threads)].sort((a, b) => a - b);
  const ticks = all.filter((t) => Number.isInteger(Math.log2(t)));
  // Halfway (3, 6, 12…) first: rounder than their neighbours, and evenly spaced on the axis.
  const halfway = (t: number): boolean => Number.isInteger(Math.log2(t / 3));
  for (const t of [...all.filter(halfway), ...all.filter((x) => !halfway(x))]) {
    if (ticks.every((k) => Math.abs(Math.log2(t) - Math.log2(k)) >= 0.4)) ticks.push(t);
  }
  return ticks.sort((a, b) => a - b);
}

function scalingChart(r: CapacityResult): Chart<CapacityChartId> {
  const p = r.predictions;
  if (r.scaling.length === 0) {
    return { id: 'scaling', absent: r.target === 'inproc' ? 'no thread count was measured' : 'thread scaling needs the executor in process; against a network target the server decides its threads' };
  }
  const rows = scalingRows(r.scaling, p);
  const ticks = threadTicks(rows.map((x) => x.threads));
  const first = rows[0]?.threads ?? 1;
  const last = rows[rows.length - 1]?.threads ?? 1;
  const maxMeasured = Math.max(...r.scaling.map((x) => x.threads));
  const round0 = (x: number | null | undefined): number | null => (x === null || x === undefined ? null : Math.round(x));
  const measured: ChartSpec['series'][number] = { label: 'measured (each run)', color: COLORS.measured, unit: 'tx/s', line: false, points: { size: 9 } };
  const series: ChartSpec['series'][number][] = [];
  const data: (number | null)[][] = [rows.map((x) => x.threads)];
  let bands: ChartSpec['bands'];
  let yMax: number | undefined;
  let cut: readonly number[] = [];
  if (p) {
    // The band's top runs away when σ's interval reaches 0 (up to linear scaling, N·λ, or without
    // bound in files from before that cap): fitted to it, the axis would flatten every measured
    // point. The axis fits the lines; the band is cut.
    yMax = niceCeil(1.25 * Math.max(...r.scaling.map((x) => x.tps), ...p.table.flatMap((x) => [x.usl.tps ?? 0, x.usl.low ?? 0, x.simulation])));
    const top = yMax;
    cut = p.table.filter((x) => x.usl.tps !== null && (x.usl.high === null || x.usl.high > top)).map((x) => x.threads);
    // The band first: uPlot fills it as it draws its upper edge, over whatever was drawn before.
    series.push(
      { label: 'USL 95% high', color: COLORS.uslBand, unit: 'tx/s', width: 1, spanGaps: true, legend: false, points: { size: 0 } },
      { label: 'USL 95% low', color: COLORS.uslBand, unit: 'tx/s', width: 1, spanGaps: true, legend: false, points: { size: 0 } },
      { label: 'USL (95% band)', color: COLORS.usl, unit: 'tx/s', spanGaps: true },
      { label: 'simulation', color: COLORS.simulation, unit: 'tx/s', dash: [8, 4], points: { size: 6, fill: '#fff' }, spanGaps: true },
    );
    data.push(
      // No finite upper bound: drawn as reaching the top, which is what it means.
      rows.map((x) => (x.prediction && x.prediction.usl.tps !== null && x.prediction.usl.high === null ? top : round0(x.prediction?.usl.high))),
      rows.map((x) => round0(x.prediction?.usl.low)),
      rows.map((x) => round0(x.prediction?.usl.tps)),
      rows.map((x) => round0(x.prediction?.simulation)),
    );
    bands = [{ upper: 0, lower: 1, fill: 'rgba(244, 178, 102, 0.25)' }];
  }
  // Last, so the measurements are drawn over the lines fitted to them.
  series.push(measured);
  data.push(rows.map((x) => round0(x.measured)));
  return {
    spec: {
      id: 'scaling',
      x: { label: 'threads (log scale)', legend: 'threads', kind: 'log2', unit: 'threads', ticks, range: [first / 1.3, last * 1.3] },
      y: { label: 'committed, closed loop (tx/s)', ...(yMax !== undefined ? { max: yMax } : {}) },
      series,
      data,
      ...(bands ? { bands } : {}),
      regions: last > maxMeasured ? [{ from: maxMeasured, to: null, label: `predicted only: more than the ${maxMeasured} thread${maxMeasured === 1 ? '' : 's'} measured`, fill: PREDICTED_REGION }] : [],
      height: 320,
    },
    note: p
      ? `Each marker is one closed-loop run on this machine (${r.machine.cpus} core${r.machine.cpus === 1 ? '' : 's'}). The USL line is fitted to them, its shaded band the 95% interval of σ${p.usl.identified.kappa ? ' and κ' : ' (κ fixed at 0)'}; the simulation schedules ${num(p.simulation.blocks)} blocks of the profile's traffic on T virtual cores, calibrated at T=1 alone. Both rest on the assumptions listed under the predictions.${
          cut.length > 0 ? ` The band is cut at the top of the chart from ${cut[0]} threads on, where its upper end is beyond ${num(yMax ?? 0)} tx/s${p.table.some((x) => x.usl.tps !== null && x.usl.high === null) ? ' or has no finite bound' : ''} (see the table).` : ''
        }`
      : `Each marker is one closed-loop run on this machine. No predictions: the models need the executor in process.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Tables

function stepsSection(r: CapacityResult): string {
  const s = r.search;
  const order = new Map(s.steps.map((x, i) => [x, i + 1]));
  const row = (x: Step): string => {
    const role = x.rate === s.sustained?.rate ? 'sustained' : x.rate === s.firstFailing?.rate ? 'first-failing' : '';
    const tag = role === 'sustained' ? '<span class="tag ok">sustainable</span>' : role === 'first-failing' ? '<span class="tag bad">first failing</span>' : '';
    const verdict = x.passed ? `<span class="ok-text">pass</span>${tag}` : `<span class="bad-text">FAIL</span>: ${x.reasons.map(esc).join('; ')}${tag}`;
    return `<tr class="${x.passed ? '' : 'fail'}${role ? ` ${role}` : ''}" data-step="${x.rate}" data-passed="${x.passed}"><td class="num">${order.get(x) ?? ''}</td><td class="num"><b>${num(x.rate)}</b></td><td class="num">${num(x.sent)}</td><td class="num">${num(x.tps)}</td><td class="num">${latencyCell(x.p50)}</td><td class="num">${latencyCell(x.p90)}</td><td class="num">${latencyCell(x.p99)}</td><td>${verdict}${x.generatorBound ? ' <span class="tag warn">generator-bound</span>' : ''}</td></tr>`;
  };
  return `<section id="steps"><h2>Search steps</h2>
<p>By offered rate; # is the order they ran in. Each is an open-loop run of the profile's warm-up and duration at that rate; tx/s and latencies are of its measured window.</p>
<table><thead><tr><th class="num">#</th><th class="num">offered tx/s</th><th class="num">sent tx/s</th><th class="num">committed tx/s</th><th class="num">p50 ms</th><th class="num">p90 ms</th><th class="num">p99 ms</th><th>verdict</th></tr></thead>
<tbody>${byRate(s.steps).map(row).join('')}</tbody></table></section>`;
}

function scalingSection(r: CapacityResult): string {
  if (r.scaling.length === 0) return '';
  const seen = new Map<number, number>();
  const rows = r.scaling
    .map((x) => {
      const run = (seen.get(x.threads) ?? 0) + 1;
      seen.set(x.threads, run);
      const cell = (v: number | null, d: number): string => `<td class="num">${v === null ? '–' : num(v, d)}</td>`;
      return `<tr data-threads="${x.threads}"><td class="num">${x.threads}</td><td class="num">${run}</td><td class="num"><b>${num(x.tps)}</b></td>${cell(x.usPerTx, 2)}${cell(x.blockMs, 2)}${cell(x.txPerBlock, 0)}</tr>`;
    })
    .join('');
  return `<section id="scaling"><h2>Thread scaling, measured</h2>
<p>Closed-loop runs on this machine: the most the executor commits at each thread count. The executor's figures are its own wall time, per transaction and per block.</p>
<table class="narrow"><thead><tr><th class="num">threads</th><th class="num">run</th><th class="num">committed tx/s</th><th class="num">executor µs/tx</th><th class="num">ms/block</th><th class="num">tx/block</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function predictionsSection(r: CapacityResult): string {
  const p = r.predictions;
  if (!p) return `<section id="predictions"><h2>Predictions</h2><p>None: the models need thread-scaling measurements, which need the executor in process.</p></section>`;
  const maxMeasured = Math.max(0, ...r.scaling.map((x) => x.threads));
  const cell = (v: number | null): string => (v === null ? '–' : num(v));
  // predictCapacity stops the band at N·λ, linear scaling of one thread: such a top is that limit, not the fit's.
  const atLinear = (x: Prediction): boolean => x.threads > 1 && x.usl.high !== null && Math.abs(x.usl.high - p.usl.lambda * x.threads) <= 1e-9 * p.usl.lambda * x.threads;
  const anyLinear = p.table.some(atLinear);
  const band = (x: Prediction): string =>
    x.usl.low === null
      ? '–'
      : x.usl.high === null
        ? `${num(x.usl.low)} … <span class="dim">no finite bound</span>`
        : `${num(x.usl.low)} … ${num(x.usl.high)}`;
  // Every row gets the slot, so the numbers stay aligned on the right whether marked or not.
  const mark = (x: Prediction): string => (anyLinear ? `<span class="slot">${atLinear(x) ? '<sup>N·λ</sup>' : ''}</span>` : '');
  const rows = p.table
    .map(
      (x) =>
        `<tr class="${x.threads > maxMeasured ? 'predicted' : ''}" data-threads="${x.threads}"><td class="num">${x.threads}</td><td class="num">${x.measured === null ? '<span class="dim">–</span>' : `<b>${num(x.measured)}</b>`}</td><td class="num">${cell(x.usl.tps)}</td><td class="num">${band(x)}${mark(x)}</td><td class="num">${num(x.simulation)}</td></tr>`,
    )
    .join('');
  const u = p.usl;
  const interval = (e: { readonly low: number | null; readonly high: number | null }, f: (x: number) => string): string =>
    e.low !== null && e.high !== null ? ` [${f(e.low)} … ${f(e.high)}]` : ' (no interval)';
  const fit = [
    `λ <b>${num(u.lambda)}</b> tx/s (one thread)`,
    `σ <b>${u.sigma.value.toFixed(4)}</b>${interval(u.sigma, (x) => x.toFixed(4))} (contention)`,
    u.identified.kappa ? `κ <b>${u.kappa.value.toExponential(2)}</b>${interval(u.kappa, (x) => x.toExponential(2))} (coherency)` : 'κ not identified: fixed at 0',
    `${u.method === 'regression' ? 'least squares' : "Amdahl's law, delta method"} over ${u.samples} runs at N = ${u.levels.join(', ')}${u.df > 0 ? ` (${u.df.toFixed(1)} degrees of freedom)` : ''}`,
  ].join(' · ');
  const sim = p.simulation;
  return `<section id="predictions"><h2>Predictions: what more threads would bring</h2>
<p>Committed tx/s in a closed loop. Rows past the ${maxMeasured} thread${maxMeasured === 1 ? '' : 's'} measured are predictions only (shaded).</p>
<table class="narrow"><thead><tr><th class="num">threads</th><th class="num">measured (mean)</th><th class="num">USL</th><th class="num">USL 95% band</th><th class="num">simulation</th></tr></thead><tbody>${rows}</tbody></table>
${anyLinear ? `<p class="dim" id="linear-cap"><sup>N·λ</sup> The band stops at linear scaling of the measured one-thread throughput (N × ${num(p.usl.lambda)} tx/s): no executor does better, whatever the fit's interval allows.</p>` : ''}
${checkBlock(p)}
<div class="models">
<div class="model" id="model-usl"><h3>The Universal Scalability Law</h3>
<p>X(N) = λN / (1 + σ(N−1) + κN(N−1)), fitted: ${fit}.</p>
<h4>It assumes</h4><ul>${u.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>
${u.notes.length > 0 ? `<h4>Notes</h4><ul class="notes">${u.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</div>
<div class="model" id="model-simulation"><h3>The simulation</h3>
<p>List scheduling of ${num(sim.blocks)} blocks of the profile's traffic on T virtual cores; ${num(sim.overheadPerTxUs, 2)} µs of executor machinery a transaction (parallel) and ${num(sim.overheadPerBlockUs / 1000, 2)} ms a block outside the executor (serial), calibrated at T=1.</p>
<h4>It assumes</h4><ul>${sim.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>
</div>
</div>
</section>`;
}

function checkBlock(p: Predictions): string {
  const c = p.check;
  if (!c) return `<p class="check" id="check" data-check="none"><b>Check:</b> no T=2 measurement to check the simulation against.</p>`;
  const sign = c.error >= 0 ? '+' : '−';
  const way = c.error >= 0 ? 'optimistic' : 'pessimistic';
  const cls = Math.abs(c.error) <= 0.1 ? 'ok' : Math.abs(c.error) <= 0.25 ? 'warn' : 'bad';
  return `<p class="check ${cls}" id="check" data-check="${c.error}"><b>Check:</b> the simulation, calibrated at T=1 alone, predicts <b>${num(c.predicted)} tx/s</b> at T=${c.threads}; measured <b>${num(c.measured)} tx/s</b>: error <b>${sign}${pct(Math.abs(c.error))}</b> (${way}). The USL is fitted to every measured thread count, T=${c.threads} included, so it cannot be checked this way here.</p>`;
}

function notesSection(r: CapacityResult): string {
  if (r.notes.length === 0) return '';
  return `<section id="notes"><h2>Notes</h2><ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`;
}

function machineSection(r: CapacityResult): string {
  const m = r.machine;
  return `<section id="machine"><h2>The machine</h2><table class="figures"><tbody>
<tr><th>cpu</th><td>${m.cpus} × ${esc(m.cpuModel)}</td></tr>
<tr><th>node</th><td>${esc(m.node)}</td></tr>
</tbody></table></section>`;
}

// ---------------------------------------------------------------------------------------------

/** The next round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k) at or above x: an axis top that reads well. */
function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(x));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * mag >= x) ?? 10;
  return step * mag;
}

function latency(x: number | null): string {
  return x === null ? '–' : `${latencyCell(x)} ms`;
}

function latencyCell(x: number | null): string {
  return x === null ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}

const CAPACITY_CSS = `
.ok-text { color: var(--ok); font-weight: 600; }
.bad-text { font-weight: 600; }
.tag { display: inline-block; font-size: 11px; font-weight: 600; padding: 0 6px; border-radius: 4px; margin-left: 6px; vertical-align: 1px; white-space: nowrap; }
.tag.ok { background: #e3f4e6; color: var(--ok); }
.tag.bad { background: #fde7e7; color: var(--bad); }
.tag.warn { background: #fff1d6; color: var(--warn); }
#steps tr.fail td { color: #7a2323; }
#steps tr.sustained td { background: #f1faf2; }
#steps tr.first-failing td { background: #fdf1f1; }
#predictions tr.predicted td { background: #fafafa; color: #444; }
p.check { border-left: 4px solid var(--line); padding: 6px 12px; background: #fafafa; }
p.check.ok { border-left-color: var(--ok); }
p.check.warn { border-left-color: var(--warn); }
p.check.bad { border-left-color: var(--bad); }
.models { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 28px; }
.model h4 { font-size: 14px; margin: 10px 0 4px; color: var(--dim); font-weight: 600; }
.model ul { margin: 0; padding-left: 20px; font-size: 14px; }
.model li { margin: 2px 0; }
ul.notes { color: var(--warn); }
ul.checks li b { white-space: nowrap; }
ul.checks strong { font-weight: 700; }
table.narrow { width: auto; min-width: 55%; }
table.narrow th, table.narrow td { padding-left: 18px; }
#steps thead th { white-space: nowrap; }
#predictions sup { line-height: 0; font-size: 10px; color: var(--dim); }
#predictions .slot { display: inline-block; width: 2.4em; text-align: left; padding-left: 2px; }
@media (max-width: 800px) { .models { grid-template-columns: 1fr; } }
`;
