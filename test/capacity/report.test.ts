/**
 * The capacity report (capacity.html), opened in a real headless Chromium with the network cut:
 * verdict first, every chart drawn from what is inline, the SLO line and the knee where the result
 * puts them, and no string from the result ever run as markup or script.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { latencyLimits, renderCapacityHtml, type CapacityChartId, type CapacityReportData } from '../../capacity/report.js';
import { CAPACITY_SCHEMA, type CapacityResult } from '../../capacity/result.js';
import type { Predictions, Prediction } from '../../capacity/predict.js';
import { fitUsl, predictUsl } from '../../capacity/usl.js';
import { closeBrowser, inspectCanvas, openOffline } from '../helpers/browser.js';
import { tempDir } from '../helpers/cli.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = join(REPO, 'test', 'fixtures', 'capacity', 'capacity.json');
/** The same command before predictCapacity stopped the USL band at N·λ: past 16 threads the band had no finite top. */
const UNBOUNDED = join(REPO, 'test', 'fixtures', 'capacity', 'capacity-unbounded-band.json');
const SCREENSHOT = join(REPO, 'reports', 'screenshots', 'capacity-report.png');
const CHARTS: readonly CapacityChartId[] = ['latency-vs-rate', 'committed-vs-offered', 'scaling'];

const HOSTILE = '</script><script>window.pwned=1</script>';
const HOSTILE_IMG = '<img src=x onerror="window.pwned=2">';

let dir = '';
/** A real `parabench capacity profiles/capacity.yaml` on a 2-core machine: 2 threads measured, predictions to 64. */
let real: CapacityResult;

before(async () => {
  dir = await tempDir('parabench-capacity-html-');
  real = JSON.parse(await readFile(FIXTURE, 'utf8')) as CapacityResult;
  assert.equal(real.schema, CAPACITY_SCHEMA);
});

after(async () => {
  await closeBrowser();
});


function islandOfHtml(html: string): CapacityReportData {
  const text = /<script type="application\/json" id="parabench-data">([^]*?)<\/script>/.exec(html)?.[1] ?? '{}';
  return JSON.parse(text) as CapacityReportData;
}

function chart(data: CapacityReportData, id: CapacityChartId): CapacityReportData['charts'][number] {
  const c = data.charts.find((x) => x.id === id);
  assert.ok(c, `no ${id} chart in the island`);
  return c;
}

/** Predictions as predictCapacity shapes them, from a real USL fit and a made-up simulation. */
function predictionsFor(points: readonly { threads: number; tps: number }[], simulation: (t: number) => number): Predictions {
  const fit = fitUsl(points);
  const table: Prediction[] = [1, 2, 4, 8, 16, 32, 64].map((t) => {
    const at = points.filter((p) => p.threads === t);
    const u = predictUsl(fit, t);
    return { threads: t, measured: at.length > 0 ? at.reduce((a, p) => a + p.tps, 0) / at.length : null, usl: { tps: u.tps, low: u.low, high: u.high }, simulation: simulation(t) };
  });
  const two = table[1]!;
  return {
    usl: fit,
    simulation: { overheadPerTxUs: 3.5, overheadPerBlockUs: 2100, blocks: 30, assumptions: ['blocks run one after another (no pipelining across blocks)'] },
    table,
    check: { threads: 2, predicted: two.simulation, measured: two.measured ?? 0, error: two.simulation / (two.measured ?? 1) - 1 },
    lines: [],
  };
}

describe('the capacity report', () => {
  test('a real capacity.json: verdict first, every chart drawn from inline data, nothing fetched', async () => {
    const s = real.search;
    assert.ok(s.sustained && s.firstFailing && s.knee && real.predictions, 'the fixture has every part to show');
    const html = await renderCapacityHtml(real);
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'nothing is loaded from elsewhere');
    const { page, requests, problems, close } = await openOffline(html, dir, 'capacity');
    try {
      assert.deepEqual(problems, []);
      assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'no request left the file');
      assert.equal(new Set(requests).size, 1, requests.join(', '));

      // The verdict is the first thing on the page: the rate, what failed and why, the knee, the SLO.
      const verdict = page.locator('[data-verdict]');
      assert.equal(await verdict.getAttribute('data-verdict'), 'sustained');
      const verdictBox = await verdict.boundingBox();
      assert.ok(verdictBox && verdictBox.y < 100, `verdict at ${verdictBox?.y}`);
      const text = await verdict.innerText();
      const n = (x: number): string => x.toLocaleString('en-US');
      assert.match(text, new RegExp(`^SUSTAINS ${n(s.sustained.rate)} tx/s`));
      assert.match(await page.locator('[data-item="first failing"]').innerText(), new RegExp(`${n(s.firstFailing.rate)} tx/s: threshold latency p\\(99\\)<100 failed`));
      assert.match(await page.locator('[data-item="knee"]').innerText(), new RegExp(`${n(s.knee.rate)} tx/s`));
      assert.match(await page.locator('[data-item="SLO"]').innerText(), /latency p\(99\)<100/);
      assert.equal(await page.locator('[data-sustained]').getAttribute('data-sustained'), String(s.sustained.rate));

      const island = islandOfHtml(html);
      assert.equal(island.schema, 'parabench.capacity.html/v1');
      assert.deepEqual(island.charts.map((c) => c.id), CHARTS);
      for (const spec of island.charts) {
        assert.equal(spec.data.length, spec.series.length + 1, `${spec.id}: x and one column a series`);
        for (const col of spec.data) assert.equal(col.length, spec.data[0]?.length, `${spec.id}: ragged columns`);
        spec.series.forEach((ser, i) => assert.ok(spec.data[i + 1]?.some((v) => v !== null), `${spec.id}: ${ser.label} is empty`));
        assert.match(spec.y.label, /\((ms|tx\/s)\)$/, `${spec.id}: ${spec.y.label}`);
      }

      // Latency against rate: the SLO line at the profile's limit, the knee and the failing steps marked.
      const lat = chart(island, 'latency-vs-rate');
      assert.equal(lat.x.label, 'offered rate (tx/s)');
      assert.deepEqual(lat.data[0], [...s.steps].map((x) => x.rate).sort((a, b) => a - b));
      assert.deepEqual(lat.rules?.find((r) => r.axis === 'y'), { axis: 'y', value: 100, label: 'SLO: p(99)<100 ms', color: '#c62828', dash: [6, 4] });
      assert.equal(lat.rules?.find((r) => r.label.startsWith('knee'))?.value, s.knee.rate);
      const failing = lat.series.findIndex((x) => x.label === 'p99, failing step');
      const failedRates = s.steps.filter((x) => !x.passed).map((x) => x.rate);
      assert.deepEqual(
        lat.data[0]?.filter((_, i) => lat.data[failing + 1]?.[i] !== null),
        failedRates.sort((a, b) => a - b),
      );
      assert.equal(lat.regions?.[0]?.from, s.firstFailing.rate);

      // Throughput against threads: a log2 axis 1…64, every measured run its own marker, the USL band.
      const sc = chart(island, 'scaling');
      assert.equal(sc.x.kind, 'log2');
      assert.deepEqual(sc.x.ticks, [1, 2, 4, 8, 16, 32, 64]);
      const measured = sc.series.findIndex((x) => x.label === 'measured (each run)');
      assert.equal(sc.series[measured]?.line, false);
      assert.deepEqual(sc.data[measured + 1]?.filter((v) => v !== null), real.scaling.map((p) => Math.round(p.tps)));
      assert.deepEqual(
        sc.bands?.map((b) => [sc.series[b.upper]?.label, sc.series[b.lower]?.label]),
        [['USL 95% high', 'USL 95% low']],
      );
      assert.ok(sc.y.max !== undefined && sc.y.max >= Math.max(...real.predictions.table.map((p) => p.simulation)), 'the axis holds every line');

      for (const id of CHARTS) {
        const box = await page.locator(`[data-chart="${id}"]`).boundingBox();
        assert.ok(box && verdictBox && box.y > verdictBox.y + verdictBox.height - 1, `${id} comes after the verdict`);
        assert.equal(await page.locator(`[data-chart="${id}"] .chart-canvas`).getAttribute('data-rendered'), 'true', id);
        const c = await inspectCanvas(page, id);
        assert.ok(c.width > 200 && c.height > 100, `${id}: canvas ${c.width}×${c.height}`);
        assert.ok(c.painted > 1000, `${id}: ${c.painted} painted pixels`);
        assert.ok(Math.max(...Object.values(c.perSeries)) > 30, `${id}: no series drawn: ${JSON.stringify(c.perSeries)}`);
      }
      const lc = await inspectCanvas(page, 'latency-vs-rate');
      for (const label of ['p50', 'p99', 'p99, failing step']) assert.ok((lc.perSeries[label] ?? 0) > 20, `latency: ${label} not drawn: ${JSON.stringify(lc.perSeries)}`);
      const scc = await inspectCanvas(page, 'scaling');
      for (const label of ['measured (each run)', 'USL (95% band)', 'simulation']) assert.ok((scc.perSeries[label] ?? 0) > 20, `scaling: ${label} not drawn: ${JSON.stringify(scc.perSeries)}`);
      // The band's edges are in the tables, not the legend.
      assert.equal(await page.locator('[data-chart="scaling"] .u-legend .u-series:visible').count(), 1 + sc.series.filter((x) => x.legend !== false).length);

      // The tables, the models' assumptions, the check.
      assert.equal(await page.locator('#steps tbody tr').count(), s.steps.length);
      assert.equal(await page.locator('#steps tr[data-passed="false"]').count(), failedRates.length);
      assert.equal(await page.locator('#scaling tbody tr').count(), real.scaling.length);
      assert.equal(await page.locator('#predictions tbody tr').count(), real.predictions.table.length);
      assert.equal(await page.locator('#model-usl li').count(), real.predictions.usl.assumptions.length + real.predictions.usl.notes.length);
      assert.equal(await page.locator('#model-simulation li').count(), real.predictions.simulation.assumptions.length);
      const check = real.predictions.check;
      assert.ok(check);
      assert.match(await page.locator('#check').innerText(), new RegExp(`error \\+${(check.error * 100).toFixed(1)}%`));
      for (const section of ['#notes', '#machine']) assert.ok(await page.locator(section).isVisible(), section);
      assert.match(await page.locator('#machine').innerText(), /2 × /);
      // This run's band stops at linear scaling: the table marks where, and says why.
      assert.match(await page.locator('#predictions tr[data-threads="64"]').innerText(), /N·λ/);
      assert.match(await page.locator('#linear-cap').innerText(), /linear scaling/);

      await mkdir(join(REPO, 'reports', 'screenshots'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test('strings from the result are text, never markup or script', async () => {
    const s = real.search;
    const failing = s.firstFailing ? { ...s.firstFailing, reasons: [HOSTILE_IMG] } : null;
    const hostile: CapacityResult = {
      ...real,
      profile: { name: HOSTILE, file: `${HOSTILE_IMG}.yaml`, slo: ['latency p(99)<100', `${HOSTILE} & "quotes" 'too'`] },
      executor: HOSTILE_IMG,
      search: { ...s, firstFailing: failing, steps: s.steps.map((x) => (x.passed ? x : { ...x, reasons: [HOSTILE, HOSTILE_IMG] })), ending: `<!--${HOSTILE}` },
      notes: [HOSTILE, HOSTILE_IMG],
      machine: { ...real.machine, cpuModel: HOSTILE_IMG },
      predictions: real.predictions && { ...real.predictions, usl: { ...real.predictions.usl, notes: [HOSTILE] } },
    };
    const html = await renderCapacityHtml(hostile);
    assert.doesNotMatch(html, /<script>window\.pwned/i);
    assert.doesNotMatch(html, /<img src=x/i);
    assert.match(html, /&#60;\/script&#62;&#60;script&#62;window\.pwned=1/);
    const island = /<script type="application\/json" id="parabench-data">([^]*?)<\/script>/.exec(html)?.[1] ?? '';
    assert.doesNotMatch(island, /<\//);
    assert.equal((JSON.parse(island) as CapacityReportData).profile, HOSTILE);

    const { page, requests, problems, close } = await openOffline(html, dir, 'hostile');
    try {
      assert.deepEqual(problems, []);
      assert.equal(await page.evaluate(() => (globalThis as { pwned?: unknown }).pwned), undefined);
      assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'the <img> was not fetched');
      assert.equal(await page.locator('h1').innerText(), `parabench capacity · ${HOSTILE}`);
      assert.match(await page.locator('#notes').innerText(), /<img src=x onerror/);
      assert.match(await page.locator('[data-item="first failing"]').innerText(), /<img src=x onerror/);
      // The page script still ran over the island: the hostile name did not end it.
      for (const id of CHARTS) assert.equal(await page.locator(`[data-chart="${id}"] canvas`).count(), 1, id);
    } finally {
      await close();
    }
  });

  test('no sustainable rate, no knee and no predictions (a network target): said so, nothing breaks', async () => {
    const steps = [
      { rate: 4000, passed: false, reasons: ['threshold latency p(99)<50 failed (212 ms)', '37 errored or timed out'], tps: 3100, sent: 3990, p50: 120, p90: 180, p99: 212, generatorBound: false },
      { rate: 2000, passed: false, reasons: ['threshold latency p(99)<50 failed (96 ms)'], tps: 2001, sent: 2000, p50: 60, p90: 85, p99: 96, generatorBound: false },
      { rate: 1000, passed: false, reasons: ['threshold latency p(99)<50 failed (71 ms)'], tps: 1000, sent: 1000, p50: 40, p90: 62, p99: 71, generatorBound: true },
    ];
    const none: CapacityResult = {
      ...real,
      profile: { ...real.profile, slo: ['latency p(99)<50'] },
      target: 'ws://127.0.0.1:8546',
      executor: 'ws://127.0.0.1:8546',
      search: { steps, sustained: null, firstFailing: steps[2]!, ending: 'even 1000 tx/s, the lowest rate tried, failed', knee: null },
      scaling: [],
      predictions: null,
      notes: ['thread scaling and predictions need the executor in process'],
    };
    const html = await renderCapacityHtml(none);
    const { page, problems, close } = await openOffline(html, dir, 'none');
    try {
      assert.deepEqual(problems, []);
      assert.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'none');
      assert.match(await page.locator('[data-verdict]').innerText(), /^NO SUSTAINABLE RATE/);
      assert.match(await page.locator('[data-item="knee"]').innerText(), /none seen/);
      assert.equal(await page.locator('[data-chart="scaling"]').getAttribute('data-absent'), 'true');
      assert.match(await page.locator('[data-chart="scaling"]').innerText(), /Not shown: thread scaling needs the executor in process/);
      assert.match(await page.locator('#predictions').innerText(), /None: the models need/);
      assert.match(await page.locator('#steps').innerText(), /generator-bound/);
      const lat = chart(islandOfHtml(html), 'latency-vs-rate');
      assert.equal(lat.regions?.[0]?.from, 1000, 'every rate failed: all of it shaded');
      assert.deepEqual(lat.rules?.map((r) => r.value), [50]);
      for (const id of ['latency-vs-rate', 'committed-vs-offered'] as const) {
        assert.equal(await page.locator(`[data-chart="${id}"] .chart-canvas`).getAttribute('data-rendered'), 'true', id);
        assert.ok(Math.max(...Object.values((await inspectCanvas(page, id)).perSeries)) > 30, id);
      }
    } finally {
      await close();
    }
  });

  test('four cores: σ and κ fitted, a measured thread count the table does not predict, every band finite', async () => {
    const points = [1, 1, 2, 2, 3, 3, 4, 4].map((t, i) => ({ threads: t, tps: (40_000 * t) / (1 + 0.08 * (t - 1) + 0.004 * t * (t - 1)) * (i % 2 === 0 ? 0.99 : 1.01) }));
    const predictions = predictionsFor(points, (t) => (40_000 * t) / (1 + 0.05 * (t - 1)));
    assert.equal(predictions.usl.identified.kappa, true);
    const four: CapacityResult = {
      ...real,
      scaling: points.map((p) => ({ ...p, usPerTx: 1e6 / p.tps, blockMs: 1000 / p.tps * 1000, txPerBlock: 1000 })),
      predictions,
      machine: { ...real.machine, cpus: 4 },
    };
    const html = await renderCapacityHtml(four);
    const sc = chart(islandOfHtml(html), 'scaling');
    assert.deepEqual(sc.x.ticks, [1, 2, 3, 4, 8, 16, 32, 64]);
    // Thread count 3 was measured but not predicted: the prediction lines span it.
    const at3 = sc.data[0]?.indexOf(3) ?? -1;
    assert.ok(at3 > 0);
    assert.equal(sc.data[1 + sc.series.findIndex((x) => x.label === 'USL (95% band)')]?.[at3], null);
    assert.ok(sc.series.filter((x) => x.line !== false).every((x) => x.spanGaps === true));
    const { page, problems, close } = await openOffline(html, dir, 'four');
    try {
      assert.deepEqual(problems, []);
      assert.match(await page.locator('#model-usl').innerText(), /κ \d\.\d\de-\d+ \[/);
      const c = await inspectCanvas(page, 'scaling');
      for (const label of ['measured (each run)', 'USL (95% band)', 'simulation']) assert.ok((c.perSeries[label] ?? 0) > 20, `${label}: ${JSON.stringify(c.perSeries)}`);
    } finally {
      await close();
    }
  });

  test('sixteen cores: every power of two ticked, other thread counts only where they can be read', async () => {
    const points = Array.from({ length: 32 }, (_, i) => {
      const t = (i >> 1) + 1;
      return { threads: t, tps: ((40_000 * t) / (1 + 0.06 * (t - 1) + 0.001 * t * (t - 1))) * (i % 2 === 0 ? 0.99 : 1.01) };
    });
    const sixteen: CapacityResult = {
      ...real,
      scaling: points.map((p) => ({ ...p, usPerTx: null, blockMs: null, txPerBlock: null })),
      predictions: predictionsFor(points, (t) => 40_000 * t),
      machine: { ...real.machine, cpus: 16 },
    };
    const sc = chart(islandOfHtml(await renderCapacityHtml(sixteen)), 'scaling');
    assert.deepEqual(sc.x.ticks, [1, 2, 3, 4, 6, 8, 12, 16, 32, 64]);
    assert.equal(sc.data[0]?.length, 32 + 2, 'a row per run, and one per predicted-only count (32, 64)');
  });

  test('a band with no finite top is drawn to the top of the chart and said so', async () => {
    const old = JSON.parse(await readFile(UNBOUNDED, 'utf8')) as CapacityResult;
    const open32 = old.predictions?.table.filter((x) => x.usl.high === null).map((x) => x.threads);
    assert.deepEqual(open32, [32, 64], 'the fixture has open-topped rows');
    const html = await renderCapacityHtml(old);
    const sc = chart(islandOfHtml(html), 'scaling');
    const high = sc.series.findIndex((x) => x.label === 'USL 95% high');
    for (const t of [32, 64]) assert.equal(sc.data[high + 1]?.[sc.data[0]?.indexOf(t) ?? -1], sc.y.max, `${t} threads`);
    const { page, problems, close } = await openOffline(html, dir, 'unbounded');
    try {
      assert.deepEqual(problems, []);
      assert.match(await page.locator('#predictions tr[data-threads="64"]').innerText(), /no finite bound/);
      assert.match(await page.locator('[data-chart="scaling"] figcaption').innerText(), /or has no finite bound/);
      assert.equal(await page.locator('#linear-cap').count(), 0);
    } finally {
      await close();
    }
  });

  test("the SLO's latency ceilings are read from its thresholds; floors and other metrics are not lines", () => {
    assert.deepEqual(latencyLimits(['latency p(99)<100', 'dropped count==0', 'latency med<=20', 'latency p(95)>5', 'tps avg>=10', 'latency avg<30', 'latency nonsense']), [
      { percentile: 99, ms: 100, expr: 'p(99)<100' },
      { percentile: 50, ms: 20, expr: 'med<=20' },
      { percentile: null, ms: 30, expr: 'avg<30' },
    ]);
  });
});
