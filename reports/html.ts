/**
 * The HTML report of a run: one self-contained page (uPlot, its CSS, the data and the script all
 * inline) that opens offline, from a CI artifact or an e-mail attachment, years later. Verdict
 * first, then the charts, then the tables. This file is the only one that touches uplot.
 *
 * Everything a chart shows is computed here, typed, and handed to the page as JSON specs in a data
 * island; the in-page script (reports/html-script.ts) only turns specs into uPlot calls.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { stringify } from 'yaml';
import { formatDuration } from '../core/duration.js';
import { Histogram } from '../metrics/histogram.js';
import { runFigures, type MetricComparison } from './compare.js';
import { PAGE_SCRIPT } from './html-script.js';
import { executorExtras, matchedText, measuredText, verificationFailed } from './format.js';
import type { Summary } from './summary.js';
import type { ThresholdResult } from './thresholds.js';

/**
 * A chart's id: its figure's `data-chart` and `id="chart-…"`. A string, because other pages (the
 * capacity report) draw their own charts with the same script.
 */
export type ChartId = string;

type RunChartId = 'tps' | 'latency' | 'distribution' | 'outcomes' | 'executor';

export interface SeriesSpec {
  readonly label: string;
  readonly color: string;
  /** Shown after values in the legend. */
  readonly unit: string;
  readonly dash?: readonly number[];
  /** Stroke width in CSS pixels; 2 by default. */
  readonly width?: number;
  /** false: markers only, for samples that a line between would misrepresent (repeated runs). */
  readonly line?: boolean;
  /**
   * Markers at every value, `size` px across, filled with `fill` (the series colour by default);
   * size 0: none, even where uPlot would show them on sparse data.
   */
  readonly points?: { readonly size: number; readonly fill?: string };
  /** Draws the line across nulls: for a series known at only some of the x (predictions at some thread counts). */
  readonly spanGaps?: boolean;
  /** false: left out of the legend (a band's edges, which the band and the tables show). */
  readonly legend?: boolean;
}

/** One chart as the page script draws it: data[0] is x, data[i] the values of series[i - 1]. */
export interface ChartSpec<Id extends string = ChartId> {
  readonly id: Id;
  readonly x: {
    readonly label: string;
    /** The x value's name in the legend. */
    readonly legend: string;
    /**
     * seconds: plain numbers; nines: -log10(1 - q), ticked at `ticks`; categories: bar index into
     * `categories`; linear: plain numbers in `unit`; log2: a base-2 log scale in `unit`, ticked at `ticks`.
     */
    readonly kind: 'seconds' | 'nines' | 'categories' | 'linear' | 'log2';
    readonly ticks?: readonly number[];
    readonly categories?: readonly string[];
    /** After x values in the legend (linear and log2). */
    readonly unit?: string;
    /** Fixed ends of the x axis; by default uPlot fits the data. */
    readonly range?: readonly [number, number];
  };
  /** `max` fixes the top of the y axis (0 is always the bottom): what reaches past it is cut off. */
  readonly y: { readonly label: string; readonly suffix?: string; readonly max?: number };
  readonly series: readonly SeriesSpec[];
  readonly data: readonly (readonly (number | null)[])[];
  /** Stretches of the run (warm-up, measured, drain), seconds from its start. */
  readonly phases?: readonly { readonly label: string; readonly from: number; readonly to: number }[];
  readonly bars?: boolean;
  /** Plot height in CSS pixels; 260 by default. */
  readonly height?: number;
  /** Filled areas between two series (indices into `series`), such as a prediction's interval. */
  readonly bands?: readonly { readonly upper: number; readonly lower: number; readonly fill: string }[];
  /** Straight labelled lines across the plot: a limit (y) or a point of interest (x). */
  readonly rules?: readonly { readonly axis: 'x' | 'y'; readonly value: number; readonly label: string; readonly color: string; readonly dash?: readonly number[] }[];
  /** Shaded stretches of x, labelled at their top left; `to` null reaches the right edge. */
  readonly regions?: readonly { readonly from: number; readonly to: number | null; readonly label: string; readonly fill: string }[];
}

/** What the data island holds; the test reads it back from the page. */
export interface ReportData {
  readonly schema: 'parabench.html/v1';
  readonly profile: string;
  readonly charts: readonly ChartSpec[];
}

/** A chart to show, with the caption under it (HTML), or why it is left out (text). */
export type Chart<Id extends string = ChartId> = { readonly spec: ChartSpec<Id>; readonly note: string } | { readonly id: Id; readonly absent: string };

const COLORS = {
  offered: '#8a8a8a',
  sent: '#1f6fb4',
  committed: '#2a9d3a',
  failed: '#d62728',
  errored: '#9467bd',
  timedOut: '#ff7f0e',
  dropped: '#5f5f5f',
  p50: '#1f6fb4',
  p99: '#d62728',
  distribution: '#7b3fb0',
  achieved: '#1f6fb4',
  bound: '#f4a259',
} as const;

/**
 * The report of a run. Async because the latency distribution is recomputed from the summary's
 * HDR histogram, whose decoder is WebAssembly.
 */
export async function renderHtml(summary: Summary): Promise<string> {
  const charts: Chart<RunChartId>[] = [tpsChart(summary), latencyChart(summary), await distributionChart(summary), outcomesChart(summary), executorChart(summary)];
  const data: ReportData = {
    schema: 'parabench.html/v1',
    profile: summary.profile.name,
    charts: chartSpecs(charts),
  };
  return renderPage({
    title: `parabench · ${summary.profile.name} · ${summary.passed ? 'PASSED' : 'FAILED'}`,
    version: summary.parabench.version,
    data,
    main: `${verdictSection(summary)}
<section id="charts" aria-label="charts">
<h2>Over the run</h2>
${charts.map((c) => chartFigure(c, CHART_TITLES[chartIdOf(c)])).join('\n')}
</section>
${baselineSection(summary)}
${thresholdsSection(summary)}
${figuresSection(summary)}
${errorsSection(summary)}
${profileSection(summary)}
${machineSection(summary)}
<footer>parabench ${esc(summary.parabench.version)} · ${esc(summary.schema)} · charts by uPlot (MIT)</footer>`,
  });
}

// ---------------------------------------------------------------------------------------------
// The page: shared by every HTML report parabench writes

export interface PageParts {
  /** Plain text: escaped here. */
  readonly title: string;
  /** The parabench version, for the generator tag. */
  readonly version: string;
  /** What goes in <main>: HTML, every outside string in it already escaped. */
  readonly main: string;
  /** The data island; the page script draws `charts`, one per `[data-chart]` figure in `main`. */
  readonly data: { readonly charts: readonly ChartSpec[] };
  /** CSS of this page only, after the shared PAGE_CSS. */
  readonly css?: string;
}

/** A self-contained page: uPlot, its CSS, the data and the page script all inline. */
export async function renderPage(p: PageParts): Promise<string> {
  const [uplotJs, uplotCss] = await uplotAssets();
  if (p.css !== undefined && /<\/style/i.test(p.css)) throw new Error('page CSS contains "</style": it would end its element');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="parabench ${esc(p.version)}">
<title>${esc(p.title)}</title>
<style>${uplotCss}</style>
<style>${PAGE_CSS}</style>
${p.css !== undefined ? `<style>${p.css}</style>\n` : ''}</head>
<body>
<main>
${p.main}
</main>
<script type="application/json" id="parabench-data">${jsonForScript(p.data)}</script>
<script>${uplotJs}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** The specs of the charts that are shown, in order: what the data island carries. */
export function chartSpecs<Id extends string>(charts: readonly Chart<Id>[]): ChartSpec<Id>[] {
  return charts.flatMap((c) => ('spec' in c ? [c.spec] : []));
}

function chartIdOf<Id extends string>(c: Chart<Id>): Id {
  return 'spec' in c ? c.spec.id : c.id;
}

// ---------------------------------------------------------------------------------------------
// Escaping

/** Text and attribute values: every string that came from a profile, a target or an error goes through this. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON inside a <script> element. `</script>` (any case) or `<!--` in a string would end or
 * confuse the element; `\u003c` is the same string to JSON.parse, and `<\/` would be too, but
 * escaping every `<` also covers the comment forms. `>` and `&` go for good measure.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** uPlot's script (its license notice first) and CSS, safe to inline in <script> and <style>. */
export async function uplotAssets(): Promise<[string, string]> {
  const require = createRequire(import.meta.url);
  const [js, css, license] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    readFile(require.resolve('uplot/LICENSE'), 'utf8'),
  ]);
  // Inside <script>, only a literal `</script` can end the element early; in shipped JS it only
  // occurs inside strings, where `<\/` means the same.
  const safeJs = js.replace(/<\/(script)/gi, '<\\/$1');
  // MIT asks for its notice to travel with every copy, and the page is one.
  const notice = `/*! uPlot's license:\n${license.replace(/\*\//g, '* /').replace(/<\//g, '< /').trim()}\n*/\n`;
  if (/<\/style/i.test(css)) throw new Error('uPlot.min.css contains "</style": it cannot be inlined as is');
  return [notice + safeJs, css];
}

// ---------------------------------------------------------------------------------------------
// Verdict

function failedThresholds(s: Summary): readonly ThresholdResult[] {
  return s.thresholds.filter((t) => !t.ok);
}

function verdictSection(s: Summary): string {
  const failed = failedThresholds(s);
  const regressions = s.baseline?.metrics.filter((m) => m.regression) ?? [];
  const reasons: string[] = [
    ...failed.map((t) => `threshold <code>${esc(t.metric)} ${esc(t.expr)}</code> failed: measured ${esc(measuredText(t))}`),
    ...(verificationFailed(s) ? [`results differ from sequential execution${s.verification.mismatch ? `: ${esc(s.verification.mismatch)}` : ''}`] : []),
    ...(regressions.length > 0
      ? [`regression against the baseline in ${regressions.map((m) => `${esc(m.metric)} (${esc(signedPct(m.change))})`).join(', ')}: see <a href="#baseline">the comparison</a>`]
      : []),
  ];
  const word = s.passed ? 'PASSED' : 'FAILED';
  const cls = s.passed ? 'passed' : 'failed';

  const checks: string[] = [];
  if (s.thresholds.length === 0) checks.push(check('info', 'thresholds', 'none set: nothing was judged'));
  else checks.push(check(failed.length === 0 ? 'ok' : 'bad', 'thresholds', `${s.thresholds.length - failed.length} of ${s.thresholds.length} passed`));
  checks.push(verificationCheck(s));
  if (s.baseline) {
    const b = s.baseline;
    const against = `${esc(b.base.file)} (${b.base.runs} run${b.base.runs === 1 ? '' : 's'} against ${b.current.runs}; at most ${pct(b.maxRegression)} allowed)`;
    checks.push(
      b.passed
        ? check('ok', 'baseline', `no regression against ${against}`)
        : check('bad', 'baseline', `REGRESSION in ${regressions.map((m) => esc(m.metric)).join(', ')} against ${against}`),
    );
  }
  if (s.generatorBound) checks.push(check('warn', 'generator', 'the load generator, not only the target, limited this run (see the warnings)'));

  const t = s.target;
  const targetLine = [
    `${esc(t.kind)}${t.url ? ` ${esc(t.url)}` : ''}`,
    t.executor ? esc(t.executor) : undefined,
    t.threads !== undefined ? `${t.threads} thread${t.threads === 1 ? '' : 's'}` : undefined,
    t.blockSize !== undefined && t.blockTimeMs !== undefined ? `blocks ≤${t.blockSize} tx / ${formatDuration(t.blockTimeMs)}` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(' · ');

  return `<header id="verdict" class="verdict ${cls}" data-verdict="${word}">
<div class="verdict-line"><span class="badge ${cls}">${word}</span>${s.aborted ? `<span class="badge aborted" data-aborted="true">ABORTED: ${esc(s.aborted)}</span>` : ''}<h1>parabench · ${esc(s.profile.name)}</h1></div>
${reasons.length > 0 ? `<ul class="reasons">${reasons.map((r) => `<li>${r}</li>`).join('')}</ul>` : ''}
<ul class="checks">${checks.join('')}</ul>
<dl class="meta">
${s.profile.description ? `<dt>profile</dt><dd>${esc(s.profile.description)}</dd>` : ''}
<dt>workload</dt><dd>${esc(s.profile.workload)}</dd>
<dt>schedule</dt><dd>${esc(s.profile.schedule)} · ${formatDuration(s.window.durationMs)} measured after ${formatDuration(s.window.warmupMs)} warm-up · seed ${s.profile.seed}</dd>
<dt>target</dt><dd>${targetLine}</dd>
${s.trace ? `<dt>trace</dt><dd>replayed ${esc(s.trace.file)} at ${s.trace.speed}× speed</dd>` : ''}
<dt>started</dt><dd>${esc(s.startedAt)}</dd>
</dl>
${warningsBlock(s)}
</header>`;
}

function check(kind: 'ok' | 'bad' | 'warn' | 'info', label: string, html: string): string {
  const mark = { ok: '✓', bad: '✗', warn: '!', info: '·' }[kind];
  return `<li class="${kind}"><span class="mark" aria-hidden="true">${mark}</span><b>${label}</b> ${html}</li>`;
}

function verificationCheck(s: Summary): string {
  const v = s.verification;
  if (!v.checked) return check('warn', 'verification', 'not checked against sequential execution');
  if (v.mismatch) return check('bad', 'verification', `MISMATCH: ${esc(v.mismatch)}`);
  if (verificationFailed(s)) return check('bad', 'verification', 'results differ from sequential execution');
  const roots = matchedText(v);
  return check('ok', 'verification', `${num(v.blocks)} blocks, ${num(v.txs)} tx re-executed sequentially: ${roots}`);
}

function warningsBlock(s: Summary): string {
  if (s.warnings.length === 0) return '';
  return `<div class="warnings" id="warnings"><h2>Warnings</h2><ul>${s.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`;
}

// ---------------------------------------------------------------------------------------------
// Charts

/** A chart's figure: the script draws into its .chart-canvas; `title` is HTML. */
export function chartFigure(c: Chart, title: string): string {
  const id = esc(chartIdOf(c));
  if (!('spec' in c)) {
    return `<figure class="chart absent" id="chart-${id}" data-chart="${id}" data-absent="true"><h3>${title}</h3><p class="absent-why">Not shown: ${esc(c.absent)}.</p></figure>`;
  }
  return `<figure class="chart" id="chart-${id}" data-chart="${id}"><h3>${title}</h3><div class="chart-canvas"></div><figcaption>${c.note}</figcaption></figure>`;
}

const CHART_TITLES: Record<RunChartId, string> = {
  tps: 'Throughput: offered, sent and committed per second',
  latency: 'Latency over time: p50 and p99 per second',
  distribution: 'Latency distribution: percentile curve',
  outcomes: 'Outcomes per second',
  executor: 'Executor speed-up against its bound',
};

function phases(s: Summary): { label: string; from: number; to: number }[] {
  const names = { warmup: 'warm-up', measured: 'measured', drain: 'drain' } as const;
  const out: { label: string; from: number; to: number }[] = [];
  for (const w of s.windows) {
    const last = out[out.length - 1];
    if (last && last.label === names[w.phase] && last.to === w.t) last.to = w.t + 1;
    else out.push({ label: names[w.phase], from: w.t, to: w.t + 1 });
  }
  return out;
}

/** Each window's value is drawn at the middle of its second. */
const mid = (t: number): number => t + 0.5;

/** The whole run, so the warm-up and drain bands reach the axis ends. */
function runRange(s: Summary): readonly [number, number] {
  const first = s.windows[0];
  const last = s.windows[s.windows.length - 1];
  return [first ? first.t : 0, last ? last.t + 1 : 1];
}

function tpsChart(s: Summary): Chart<RunChartId> {
  if (s.windows.length === 0) return { id: 'tps', absent: 'the run recorded no per-second windows (it ended within its first second)' };
  const w = s.windows;
  return {
    spec: {
      id: 'tps',
      x: { label: 'time since the start of the run (s)', legend: 'second', kind: 'seconds', range: runRange(s) },
      y: { label: 'throughput (tx/s)' },
      series: [
        { label: 'offered', color: COLORS.offered, unit: 'tx/s', dash: [6, 4] },
        { label: 'sent (achieved)', color: COLORS.sent, unit: 'tx/s' },
        { label: 'committed', color: COLORS.committed, unit: 'tx/s' },
      ],
      data: [w.map((x) => mid(x.t)), w.map((x) => x.offered), w.map((x) => x.sent), w.map((x) => x.committed)],
      phases: phases(s),
    },
    note: `Offered: due that second by the schedule. Sent: went out that second. Committed: receipts that second. The measured window averaged <b>${num(s.tps, 1)} tx/s</b> committed of ${num(s.rate.requested)} tx/s asked; the shaded warm-up and drain are not measured.`,
  };
}

function latencyChart(s: Summary): Chart<RunChartId> {
  const w = s.windows;
  if (!w.some((x) => x.latencyP50Ms !== null || x.latencyP99Ms !== null)) return { id: 'latency', absent: 'no second of the run had a receipt to time' };
  return {
    spec: {
      id: 'latency',
      x: { label: 'time since the start of the run (s)', legend: 'second', kind: 'seconds', range: runRange(s) },
      y: { label: 'latency (ms)' },
      series: [
        { label: 'p50', color: COLORS.p50, unit: 'ms' },
        { label: 'p99', color: COLORS.p99, unit: 'ms' },
      ],
      data: [w.map((x) => mid(x.t)), w.map((x) => x.latencyP50Ms), w.map((x) => x.latencyP99Ms)],
      phases: phases(s),
    },
    note: `From each transaction's intended send time to its receipt, over the receipts of each second. Over the measured window: p50 <b>${ms(s.latencyMs.p50)} ms</b>, p99 <b>${ms(s.latencyMs.p99)} ms</b>.`,
  };
}

async function distributionChart(s: Summary): Promise<Chart<RunChartId>> {
  const l = s.latencyMs;
  if (l.count === 0) return { id: 'distribution', absent: 'no transaction of the measured window got a receipt, so there is no latency to show' };
  let points: { x: number; y: number }[];
  let source: string;
  try {
    points = await hdrCurve(l.hdr, l.count);
    source = `recomputed from the run's HDR histogram (${num(l.count)} transactions, 3 significant digits)`;
  } catch (e) {
    // An unreadable histogram still leaves the summary's own percentiles to draw.
    const p: [number, number | null][] = [
      [0, l.min],
      [Math.log10(2), l.p50],
      [1, l.p90],
      [2, l.p99],
      [3, l.p999],
    ];
    points = p.flatMap(([x, y]) => (y === null ? [] : [{ x, y }]));
    source = `from the summary's percentiles only: the HDR histogram could not be decoded (${esc(e instanceof Error ? e.message : String(e))})`;
  }
  const maxX = points[points.length - 1]?.x ?? 0;
  const ticks = [0, Math.log10(2), ...[1, 2, 3, 4, 5, 6].filter((n) => n <= maxX + 1e-9)];
  return {
    spec: {
      id: 'distribution',
      x: { label: 'percentile (%), nines scale', legend: 'percentile', kind: 'nines', ticks },
      y: { label: 'latency (ms)' },
      series: [{ label: 'latency', color: COLORS.distribution, unit: 'ms' }],
      data: [points.map((p) => p.x), points.map((p) => p.y)],
    },
    note: `Each step right is one more nine (90, 99, 99.9…): the tail gets as much room as the median. Measured window, ${source}${l.timeoutCountedAtMs > 0 && s.tx.timedOut > 0 ? `; ${num(s.tx.timedOut)} timed-out transactions count at the ${formatDuration(l.timeoutCountedAtMs)} timeout` : ''}. p50 ${ms(l.p50)} · p90 ${ms(l.p90)} · p99 ${ms(l.p99)} · p99.9 ${ms(l.p999)} · max ${ms(l.max)} ms.`,
  };
}

/** The percentile curve on a nines scale, 20 points a nine, up to the last nine the count supports. */
async function hdrCurve(encoded: string, count: number): Promise<{ x: number; y: number }[]> {
  const h = await Histogram.decode(encoded);
  try {
    if (h.count === 0) throw new Error('the histogram is empty');
    // Past log10(count) nines every percentile is the maximum: nothing left to show.
    const top = Math.min(6, Math.log10(Math.max(count, h.count)));
    const xs: number[] = [];
    for (let i = 0; i / 20 < top; i++) xs.push(i / 20);
    xs.push(top);
    const out: { x: number; y: number }[] = [];
    for (const x of xs) {
      const y = h.percentile(100 * (1 - 10 ** -x));
      if (y !== null) out.push({ x: round(x, 4), y: round(y, 3) });
    }
    return out;
  } finally {
    h.dispose();
  }
}

function outcomesChart(s: Summary): Chart<RunChartId> {
  if (s.windows.length === 0) return { id: 'outcomes', absent: 'the run recorded no per-second windows (it ended within its first second)' };
  const w = s.windows;
  return {
    spec: {
      id: 'outcomes',
      x: { label: 'time since the start of the run (s)', legend: 'second', kind: 'seconds', range: runRange(s) },
      y: { label: 'transactions (tx/s)' },
      series: [
        { label: 'committed', color: COLORS.committed, unit: 'tx/s' },
        { label: 'failed', color: COLORS.failed, unit: 'tx/s' },
        { label: 'errored', color: COLORS.errored, unit: 'tx/s' },
        { label: 'timed out', color: COLORS.timedOut, unit: 'tx/s' },
        { label: 'dropped', color: COLORS.dropped, unit: 'tx/s', dash: [3, 3] },
      ],
      data: [w.map((x) => mid(x.t)), w.map((x) => x.committed), w.map((x) => x.failed), w.map((x) => x.errored), w.map((x) => x.timedOut), w.map((x) => x.dropped)],
      phases: phases(s),
    },
    note: `How transactions ended, by the second their answer came (dropped: by the second they were due). Measured window: ${num(s.tx.sent)} sent = ${num(s.tx.committed)} committed + ${num(s.tx.failed)} failed + ${num(s.tx.errored)} errored + ${num(s.tx.timedOut)} timed out · ${num(s.tx.dropped)} dropped.`,
  };
}

function executorChart(s: Summary): Chart<RunChartId> {
  const e = s.executor;
  const b = s.bound;
  if (!e) return { id: 'executor', absent: 'the target reported no executor figures (a network target that keeps them to itself)' };
  if (!b) return { id: 'executor', absent: 'the target cannot tell the bound of its blocks (it does not declare their read and write sets), so there is nothing to measure the speed-up against' };
  // One definition of speed-up and efficiency: the baseline comparison judges these same figures.
  const f = runFigures(s);
  if (f.speedup === null) return { id: 'executor', absent: 'the executor ran no transactions, or took no measurable time' };
  const cats = ['achieved', 'S_lock (lock scheduling)', 'S_list (list scheduling)', `S_max (${b.threads} thread${b.threads === 1 ? '' : 's'})`];
  const per = (x: number): string => (e.txs > 0 ? (x / e.txs).toFixed(3) : '0');
  return {
    spec: {
      id: 'executor',
      x: { label: 'speed-up achieved, and the bounds of these blocks', legend: 'speed-up', kind: 'categories', categories: cats },
      y: { label: 'speed-up over sequential (×)', suffix: '×' },
      series: [
        { label: 'achieved', color: COLORS.achieved, unit: '×' },
        { label: 'bound', color: COLORS.bound, unit: '×' },
      ],
      data: [
        [0, 1, 2, 3],
        [round(f.speedup, 3), null, null, null],
        [null, b.slock, b.slist, b.smax],
      ],
      bars: true,
    },
    note: `<table class="compact"><tbody>
<tr><th>executor</th><td>${esc(e.name)} on ${e.threads} thread${e.threads === 1 ? '' : 's'}</td></tr>
<tr><th>speed-up achieved</th><td><b>${f.speedup.toFixed(2)}×</b> = W ${num((b.work / b.txs) * e.txs)} µs / ${num(e.execMs, 1)} ms executing${b.txs !== e.txs ? ` (W scaled from the ${num(b.txs)} tx the bound covers to the ${num(e.txs)} executed)` : ''}</td></tr>
<tr><th>efficiency</th><td><b>${f.efficiency === null ? '–' : pct(f.efficiency)}</b> of S_max ${b.smax.toFixed(2)}×</td></tr>
<tr><th>re-executions</th><td><b>${per(e.reexecutions)}</b> per tx (${num(e.reexecutions)} of ${num(e.executions)} executions) · ${per(e.validations)} validations · ${per(e.aborts)} aborts per tx</td></tr>
<tr><th>blocks</th><td>${num(e.blocks)} · ${num(e.meanTxPerBlock, 1)} tx/block · ${num(e.meanBlockMs, 2)} ms/block · ${num(e.usPerTx, 1)} µs/tx</td></tr>
<tr><th>parallelism</th><td>W/CP ${num(b.parallelism, 1)}${b.hotKeys[0] ? ` · hottest key ${esc(b.hotKeys[0].key)} in ${pct(b.hotKeys[0].share)} of tx` : ''}</td></tr>
</tbody></table>
W is the declared work of the executed blocks; S_max, S_list and S_lock are what no executor, a perfect list scheduler and a lock-based scheduler could beat on ${b.threads} thread${b.threads === 1 ? '' : 's'}. The executor's figures cover the whole run, warm-up included.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Tables

function baselineSection(s: Summary): string {
  const b = s.baseline;
  if (!b) return '';
  const row = (m: MetricComparison): string => {
    const cls = m.regression ? 'bad' : m.verdict === 'improvement' ? 'ok' : '';
    return `<tr class="${cls}"><td>${esc(m.metric)}</td><td class="num">${esc(fmtUnit(m.base.mean, m.unit))}</td><td class="num">${esc(fmtUnit(m.current.mean, m.unit))}</td><td class="num">${esc(signedPct(m.change))}</td><td class="num">${m.ci ? `${esc(signedPct(m.ci[0]))} … ${esc(signedPct(m.ci[1]))}` : '<span class="dim">single runs</span>'}</td><td>${esc(m.verdict)}</td></tr>`;
  };
  return `<section id="baseline">
<h2>Against the baseline: ${b.passed ? 'no regression' : '<span class="bad-text">REGRESSION</span>'}</h2>
<p>Baseline <code>${esc(b.base.file)}</code> (profile ${esc(b.base.profile)}, ${b.base.runs} run${b.base.runs === 1 ? '' : 's'}) against this run (${b.current.runs} run${b.current.runs === 1 ? '' : 's'}); a regression is a change beyond ${pct(b.maxRegression)} that the 95% confidence interval says is real.${b.base.profileHash !== b.current.profileHash ? ' <b>The two ran different profiles</b> (their hashes differ).' : ''}</p>
<table><thead><tr><th>metric</th><th class="num">base mean</th><th class="num">current mean</th><th class="num">change</th><th class="num">95% CI</th><th>verdict</th></tr></thead>
<tbody>${b.metrics.map(row).join('')}</tbody></table>
${repeatsTable(s)}
</section>`;
}

function repeatsTable(s: Summary): string {
  const r = s.repeats;
  if (!r || r.length < 2) return '';
  const cell = (x: number | null, d: number): string => `<td class="num">${x === null ? '–' : num(x, d)}</td>`;
  return `<h3>This run's repeats</h3><table><thead><tr><th>run</th><th class="num">tx/s</th><th class="num">p50 ms</th><th class="num">p99 ms</th><th class="num">speed-up ×</th><th class="num">efficiency</th></tr></thead><tbody>${r
    .map((x, i) => `<tr><td>${i + 1}</td>${cell(x.tps, 1)}${cell(x.p50, 2)}${cell(x.p99, 2)}${cell(x.speedup, 2)}${cell(x.efficiency, 3)}</tr>`)
    .join('')}</tbody></table>`;
}

function thresholdsSection(s: Summary): string {
  if (s.thresholds.length === 0) return `<section id="thresholds"><h2>Thresholds</h2><p>The profile sets none.</p></section>`;
  const rows = s.thresholds
    .map(
      (t) =>
        `<tr class="${t.ok ? 'ok' : 'bad'}" data-threshold="${esc(t.metric)}" data-ok="${t.ok}"><td class="mark">${t.ok ? '✓' : '✗'}</td><td>${esc(t.metric)}</td><td><code>${esc(t.expr)}</code></td><td class="num">${esc(measuredText(t))}</td></tr>`,
    )
    .join('');
  return `<section id="thresholds"><h2>Thresholds</h2><table><thead><tr><th></th><th>metric</th><th>expression</th><th class="num">measured</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function figuresSection(s: Summary): string {
  const closedLoop = s.config.schedule.kind === 'closed-loop';
  const rows: [string, string][] = [];
  rows.push([
    'throughput',
    closedLoop
      ? `<b>${num(s.tps, 1)}</b> tx/s committed · sent ${num(s.rate.achieved, 1)} tx/s, as fast as the target answered (closed loop)`
      : `<b>${num(s.tps, 1)}</b> tx/s committed · sent ${num(s.rate.achieved, 1)} tx/s of ${num(s.rate.requested)} asked`,
  ]);
  const l = s.latencyMs;
  rows.push([closedLoop ? 'service time' : 'latency', `p50 ${ms(l.p50)} · p90 ${ms(l.p90)} · p99 <b>${ms(l.p99)}</b> · p99.9 ${ms(l.p999)} · max ${ms(l.max)} ms`]);
  // A closed loop sends when answers come: it has no schedule to be late for.
  if (!closedLoop) rows.push(['send lag', `p50 ${ms(s.sendLagMs.p50)} · p99 ${ms(s.sendLagMs.p99)} · max ${ms(s.sendLagMs.max)} ms`]);
  const x = s.tx;
  rows.push(['transactions', `${num(x.sent)} sent = ${num(x.committed)} committed + ${num(x.failed)} failed + ${num(x.errored)} errored + ${num(x.timedOut)} timed out · ${num(x.dropped)} dropped`]);
  rows.push(['warm-up', `${num(s.warmupTx.sent)} sent, ${num(s.warmupTx.committed)} committed (not measured)`]);
  if (s.executor) {
    const e = s.executor;
    const extra = executorExtras(e);
    rows.push(['executor', `${esc(e.name)} · ${num(e.blocks)} blocks · ${num(e.meanTxPerBlock, 1)} tx/block · ${num(e.usPerTx, 1)} µs/tx · ${num(e.execMs, 0)} ms executing${extra}`]);
    if (e.stateRoot) rows.push(['state root', `<code>${esc(e.stateRoot)}</code>`]);
  }
  if (s.bound) {
    const b = s.bound;
    const hot = b.hotKeys[0];
    rows.push([
      'contention',
      `W/CP ${num(b.parallelism, 1)} · S_max(${b.threads}) ${num(b.smax, 2)} · S_list ${num(b.slist, 2)} · S_lock ${num(b.slock, 2)}${hot ? ` · hottest ${esc(hot.key)} in ${pct(hot.share)} of tx` : ''}`,
    ]);
  }
  if (s.unmatchedReceipts > 0) rows.push(['unmatched', `${num(s.unmatchedReceipts)} receipts matched no transaction awaiting one`]);
  if (s.trace) rows.push(['trace', `${esc(s.trace.file)} at ${s.trace.speed}× · ${num(s.trace.underruns)} underruns`]);
  return `<section id="figures"><h2>Key figures</h2><table class="figures"><tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table></section>`;
}

function errorsSection(s: Summary): string {
  const failures = s.failures.length === 0 ? '' : `<section id="failures"><h2>Failed, by reason</h2><table><thead><tr><th class="num">count</th><th>reason</th></tr></thead><tbody>${s.failures
    .map((f) => `<tr><td class="num">${num(f.count)}</td><td>${esc(f.reason)}</td></tr>`)
    .join('')}</tbody></table></section>`;
  if (s.errors.length === 0) return failures;
  return `${failures}<section id="errors"><h2>Errors</h2><table><thead><tr><th class="num">count</th><th>message</th></tr></thead><tbody>${s.errors
    .map((e) => `<tr><td class="num">${num(e.count)}</td><td>${esc(e.message)}</td></tr>`)
    .join('')}</tbody></table></section>`;
}

function profileSection(s: Summary): string {
  const p = s.profile;
  return `<section id="profile"><h2>The profile that ran</h2>
<p><code>${esc(p.file)}</code> · hash <code title="${esc(p.hash)}">${esc(p.hash.slice(0, 16))}</code> · seed ${p.seed} · defaults filled in, overrides applied, durations in ms</p>
<pre>${esc(stringify(s.config, { lineWidth: 0 }))}</pre></section>`;
}

function machineSection(s: Summary): string {
  const m = s.machine;
  return `<section id="machine"><h2>The machine</h2><table class="figures"><tbody>
<tr><th>cpu</th><td>${m.cpus} × ${esc(m.cpuModel)}</td></tr>
<tr><th>system</th><td>${esc(m.platform)} ${esc(m.arch)} · Node ${esc(m.node)}</td></tr>
<tr><th>load average</th><td>${m.loadAvgStart.toFixed(2)} at the start, ${m.loadAvgEnd.toFixed(2)} at the end (1 minute)</td></tr>
<tr><th>work calibration</th><td>${num(m.workItersPerUs, 1)} iterations per µs</td></tr>
</tbody></table></section>`;
}

// ---------------------------------------------------------------------------------------------
// Numbers, worded as the terminal table words them

export function num(x: number, digits = 0): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(x: number | null): string {
  if (x === null) return '–';
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function signedPct(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : x > 0 ? '+∞' : '−∞';
}

function fmtUnit(x: number, unit: string): string {
  const n = Number(x.toPrecision(4)).toLocaleString('en-US');
  return unit === '' ? n : unit === '×' ? `${n}×` : `${n} ${unit}`;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ---------------------------------------------------------------------------------------------

/** The look every parabench page shares: the verdict box, sections, tables, chart figures. */
export const PAGE_CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --dim: #666; --line: #e3e3e3; --ok: #1e7e34; --bad: #c62828; --warn: #a15c00; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 24px 40px; }
h1 { font-size: 22px; margin: 0; font-weight: 600; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 28px 0 10px; font-weight: 600; }
h3 { font-size: 15px; margin: 0 0 8px; font-weight: 600; }
code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
pre { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; overflow: auto; max-height: 480px; }
section, figure.chart, header.verdict { background: #fff; border: 1px solid var(--line); border-radius: 8px; }
section { padding: 4px 20px 16px; margin: 16px 0; overflow-x: auto; }
section#charts { background: transparent; border: 0; padding: 0; }
section#charts > h2 { margin-left: 2px; }
header.verdict { padding: 16px 20px; border-left: 6px solid var(--ok); }
header.verdict.failed { border-left-color: var(--bad); }
.verdict-line { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 14px; }
.badge { display: inline-block; font-weight: 700; letter-spacing: .04em; padding: 3px 12px; border-radius: 5px; color: #fff; font-size: 20px; }
.badge.passed { background: var(--ok); }
.badge.failed { background: var(--bad); }
.badge.aborted { background: var(--warn); font-size: 14px; }
ul.reasons { margin: 12px 0 4px; padding-left: 20px; color: var(--bad); }
ul.checks { list-style: none; margin: 12px 0; padding: 0; display: grid; gap: 3px; }
ul.checks .mark { display: inline-block; width: 1.3em; font-weight: 700; }
ul.checks .ok .mark { color: var(--ok); }
ul.checks .bad { color: var(--bad); }
ul.checks .warn .mark { color: var(--warn); }
ul.checks b { font-weight: 600; margin-right: 4px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; color: var(--dim); font-size: 14px; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.warnings { margin-top: 14px; background: #fff8e6; border: 1px solid #f0d9a0; border-radius: 6px; padding: 4px 14px 6px; }
.warnings h2 { font-size: 15px; margin: 8px 0 4px; color: var(--warn); }
.warnings ul { margin: 0 0 6px; padding-left: 20px; }
figure.chart { margin: 0 0 16px; padding: 14px 16px 10px; min-width: 0; }
.chart-canvas { width: 100%; min-width: 0; overflow: hidden; }
figure.chart figcaption { color: var(--dim); font-size: 13px; margin-top: 6px; }
figure.chart.absent .absent-why { color: var(--dim); font-style: italic; margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-weight: 600; color: var(--dim); border-bottom: 2px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.figures th { width: 150px; font-weight: 600; color: var(--dim); }
table.compact { width: auto; margin: 6px 0 10px; font-size: 13px; color: var(--fg); }
table.compact th { font-weight: 600; color: var(--dim); padding: 3px 12px 3px 0; }
table.compact td { padding: 3px 0; }
tr.bad td { color: var(--bad); }
tr.ok td.mark { color: var(--ok); }
td.mark { font-weight: 700; width: 1.5em; }
.bad-text { color: var(--bad); }
section h3 { margin-top: 18px; }
ul.reasons a { color: inherit; }
.dim { color: var(--dim); }
footer { color: var(--dim); font-size: 12px; text-align: center; margin-top: 24px; }
.uplot { font-family: inherit; }
.u-legend { font-size: 13px; }
@media (max-width: 640px) { main { padding: 10px; } section { padding: 4px 12px 12px; } table.figures th { width: auto; } th, td { padding: 4px 6px; } }
@media print { body { background: #fff; } section, figure.chart, header.verdict { break-inside: avoid; } }
`;
