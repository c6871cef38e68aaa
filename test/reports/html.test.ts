/**
 * The HTML report, opened in a real headless Chromium with the network cut: it must draw every
 * chart from what is inline, show the verdict first, and never run a string from the summary.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { systemClock } from '../../core/clock.js';
import { ExitCode } from '../../core/exit-codes.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { renderHtml, type ChartId, type ReportData } from '../../reports/html.js';
import type { Summary } from '../../reports/summary.js';
import { closeBrowser, inspectCanvas, openOffline } from '../helpers/browser.js';
import { runCli, tempDir } from '../helpers/cli.js';

setWorkCalibration(100);

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SCREENSHOT = join(REPO, 'reports', 'screenshots', 'html-report.png');
const CHARTS: readonly ChartId[] = ['tps', 'latency', 'distribution', 'outcomes', 'executor'];

// block-stm on two threads: the executor chart has re-executions and a bound to show.
const PROFILE = `name: html-report
seed: 7
warmup: 1s
duration: 2s
workload:
  accounts: 500
  costUs: 1
  payments: {}
schedule:
  kind: constant-rate
  rate: 1000
target:
  executor: block-stm
  threads: 2
  blockSize: 100
  blockTime: 20ms
thresholds:
  latency: ["p(99)<1000"]
  tx_failed: ["rate<0.01"]
  dropped: ["count==0"]
`;
const STRICT = PROFILE.replace('name: html-report', 'name: html-strict').replace('dropped: ["count==0"]', 'dropped: ["count==0"]\n  tps: ["avg>=1000000"]');

const HOSTILE = '</script><script>window.pwned=1</script>';
const HOSTILE_IMG = '<img src=x onerror="window.pwned=2">';

let dir = '';
let passing: Summary;
let failing: Summary;

async function runProfile(name: string, text: string, expectedCode: number): Promise<Summary> {
  await writeFile(join(dir, `${name}.yaml`), text);
  const out = join(dir, `out-${name}`);
  const r = await runCli(['run', `${name}.yaml`, '--quiet', '--out', out], { cwd: dir, clock: systemClock });
  assert.equal(r.code, expectedCode, `${r.stdout}\n${r.stderr}`);
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
}

before(async () => {
  dir = await tempDir('parabench-html-');
  passing = await runProfile('html-report', PROFILE, ExitCode.Passed);
  failing = await runProfile('html-strict', STRICT, ExitCode.ThresholdsFailed);
});

after(async () => {
  await closeBrowser();
});


async function islandOf(page: Page): Promise<ReportData> {
  const text = await page.locator('#parabench-data').textContent();
  return JSON.parse(text ?? '{}') as ReportData;
}

describe('the HTML report', () => {
  test('a real run: verdict first, every chart drawn from inline data, nothing fetched', async () => {
    assert.equal(passing.passed, true, JSON.stringify(passing.thresholds));
    const html = await renderHtml(passing);
    assert.doesNotMatch(html, /<(script|link)[^>]+(src|href)=/i, 'nothing is loaded from elsewhere');
    const { page, requests, problems, close } = await openOffline(html, dir, 'report');
    try {
      assert.deepEqual(problems, []);
      assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'no request left the file');
      assert.equal(new Set(requests).size, 1, requests.join(', '));

      // The verdict is the first thing on the page, on the first screen.
      const verdict = page.locator('[data-verdict]');
      assert.equal(await verdict.getAttribute('data-verdict'), 'PASSED');
      assert.match((await page.locator('.badge').first().textContent()) ?? '', /^PASSED$/);
      const verdictBox = await verdict.boundingBox();
      assert.ok(verdictBox && verdictBox.y < 100, `verdict at ${verdictBox?.y}`);
      assert.match((await verdict.innerText()) ?? '', /3 of 3 passed/);
      assert.match((await verdict.innerText()) ?? '', /receipts and state roots match/);

      const island = await islandOf(page);
      assert.deepEqual(island.charts.map((c) => c.id), CHARTS);
      for (const spec of island.charts) {
        assert.ok(spec.data.length === spec.series.length + 1, `${spec.id}: x and one column a series`);
        for (const col of spec.data) assert.ok(col.length > 0, `${spec.id}: empty series`);
        // uPlot draws axis labels on the canvas: the spec is where their units can be read.
        // The executor's x axis names bars, which have no unit.
        const labels = spec.x.kind === 'categories' ? [spec.y.label] : [spec.x.label, spec.y.label];
        for (const label of labels) assert.match(label, /\((ms|s|tx\/s|%|×)\)/, `${spec.id}: ${label}`);
      }

      for (const id of CHARTS) {
        const box = await page.locator(`[data-chart="${id}"]`).boundingBox();
        assert.ok(box && verdictBox && box.y > verdictBox.y, `${id} comes after the verdict`);
        assert.equal(await page.locator(`[data-chart="${id}"] .chart-canvas`).getAttribute('data-rendered'), 'true', id);
        const c = await inspectCanvas(page, id);
        assert.ok(c.width > 200 && c.height > 100, `${id}: canvas ${c.width}×${c.height}`);
        assert.ok(c.painted > 1000, `${id}: ${c.painted} painted pixels`);
        const most = Math.max(0, ...Object.values(c.perSeries));
        assert.ok(most > 30, `${id}: only ${most} pixels in a series colour: no data drawn`);
      }
      assert.match(await page.locator('#chart-executor').innerText(), /re-executions/);

      // Charts follow the page's width.
      const before = await inspectCanvas(page, 'tps');
      await page.setViewportSize({ width: 700, height: 800 });
      await page.waitForFunction(() => {
        const c = (globalThis as unknown as { document: { querySelector(s: string): { width: number } | null } }).document.querySelector('[data-chart="tps"] canvas');
        return c !== null && c.width < 700;
      });
      assert.ok((await inspectCanvas(page, 'tps')).width < before.width);
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.waitForFunction((w) => {
        const c = (globalThis as unknown as { document: { querySelector(s: string): { width: number } | null } }).document.querySelector('[data-chart="tps"] canvas');
        return c !== null && c.width === w;
      }, before.width);

      for (const section of ['#thresholds', '#figures', '#profile', '#machine']) assert.ok(await page.locator(section).isVisible(), section);
      assert.match(await page.locator('#profile pre').innerText(), /name: html-report/);

      await mkdir(join(REPO, 'reports', 'screenshots'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test('strings from the summary are text, never markup or script', async () => {
    const hostile: Summary = {
      ...passing,
      profile: { ...passing.profile, name: HOSTILE, description: HOSTILE_IMG, workload: `${HOSTILE} & "quotes" 'too'` },
      config: { ...passing.config, name: HOSTILE },
      warnings: [HOSTILE, HOSTILE_IMG],
      errors: [{ message: `<!--${HOSTILE}`, count: 3 }],
      aborted: HOSTILE,
      target: { ...passing.target, executor: HOSTILE_IMG },
    };
    const html = await renderHtml(hostile);
    assert.doesNotMatch(html, /<script>window\.pwned/i);
    assert.doesNotMatch(html, /<img src=x/i);
    assert.match(html, /&#60;\/script&#62;&#60;script&#62;window\.pwned=1/);
    // The data island carries the name, escaped for a script element but the same to JSON.parse.
    const island = /<script type="application\/json" id="parabench-data">([^]*?)<\/script>/.exec(html)?.[1] ?? '';
    assert.doesNotMatch(island, /<\//);
    assert.equal((JSON.parse(island) as ReportData).profile, HOSTILE);

    const { page, requests, problems, close } = await openOffline(html, dir, 'hostile');
    try {
      assert.deepEqual(problems, []);
      assert.equal(await page.evaluate(() => (globalThis as { pwned?: unknown }).pwned), undefined);
      assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'the <img> was not fetched');
      assert.equal(await page.locator('h1').innerText(), `parabench · ${HOSTILE}`);
      assert.match(await page.locator('#warnings').innerText(), /<img src=x onerror/);
      assert.equal((await islandOf(page)).profile, HOSTILE);
      assert.match(await page.locator('#profile pre').innerText(), /window\.pwned=1/);
      // The page script still ran over the island: the hostile name did not end it.
      assert.equal(await page.locator('[data-chart="tps"] canvas').count(), 1);
    } finally {
      await close();
    }
  });

  test('a failed run says FAILED and names the threshold that failed', async () => {
    assert.equal(failing.passed, false);
    const html = await renderHtml(failing);
    const { page, problems, close } = await openOffline(html, dir, 'failed');
    try {
      assert.deepEqual(problems, []);
      const verdict = page.locator('[data-verdict]');
      assert.equal(await verdict.getAttribute('data-verdict'), 'FAILED');
      const text = await verdict.innerText();
      assert.match(text, /^FAILED/);
      assert.match(text, /threshold tps avg>=1000000 failed: measured [\d,.]+ tx\/s/);
      assert.match(text, /3 of 4 passed/);
      assert.equal(await page.locator('#thresholds tr[data-ok="false"]').count(), 1);
      assert.equal(await page.locator('#thresholds tr[data-ok="false"]').getAttribute('data-threshold'), 'tps');
    } finally {
      await close();
    }
  });

  test('charts without data are left out, with the reason', async () => {
    const bare: Summary = { ...passing, executor: null, bound: null, windows: [], latencyMs: { ...passing.latencyMs, count: 0 } };
    const html = await renderHtml(bare);
    const { page, problems, close } = await openOffline(html, dir, 'bare');
    try {
      assert.deepEqual(problems, []);
      assert.deepEqual((await islandOf(page)).charts, []);
      for (const id of CHARTS) {
        assert.equal(await page.locator(`[data-chart="${id}"]`).getAttribute('data-absent'), 'true', id);
        assert.match(await page.locator(`[data-chart="${id}"]`).innerText(), /Not shown: /);
      }
      assert.match(await page.locator('[data-chart="executor"]').innerText(), /no executor figures/);
    } finally {
      await close();
    }
  });

  test('an unreadable histogram leaves the summary\'s own percentiles to draw', async () => {
    const html = await renderHtml({ ...passing, latencyMs: { ...passing.latencyMs, hdr: 'not a histogram' } });
    const island = /id="parabench-data">([^<]*)</.exec(html)?.[1] ?? '{}';
    const spec = (JSON.parse(island) as ReportData).charts.find((c) => c.id === 'distribution');
    const l = passing.latencyMs;
    assert.deepEqual(spec?.data[1], [l.min, l.p50, l.p90, l.p99, l.p999]);
    assert.match(html, /from the summary's percentiles only/);
  });
});
