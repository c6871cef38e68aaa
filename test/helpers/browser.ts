/**
 * A real headless Chromium (Debian's) for the report tests: a page opened from a file with every
 * other request refused and the network off, its console problems collected, and a chart's canvas
 * read back pixel by pixel, so that "the chart is drawn with data" is checked, not assumed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
let browser: Browser | undefined;

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) assert.fail('chromium not found: install it with apt-get install -y --no-install-recommends chromium (see README)');
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

export interface Opened {
  readonly page: Page;
  readonly requests: string[];
  readonly problems: string[];
  close(): Promise<void>;
}

/** Writes the page to `dir/name.html` and opens it with every request but that file's refused. */
export async function openOffline(html: string, dir: string, name: string): Promise<Opened> {
  const file = join(dir, `${name}.html`);
  await writeFile(file, html);
  const url = pathToFileURL(file).href;
  const context = await (await launch()).newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const requests: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', (r) => (r.request().url() === url ? r.continue() : r.abort()));
  await context.setOffline(true);
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    // The test's own pixel readbacks make Chromium suggest willReadFrequently: not the page's doing.
    if (m.type() === 'warning' && /willReadFrequently/.test(m.text())) return;
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, problems, close: () => context.close() };
}

export interface CanvasCheck {
  readonly width: number;
  readonly height: number;
  readonly painted: number;
  /** Pixels in each series' colour (from the page's data island), by label: axes without data have none. */
  readonly perSeries: Record<string, number>;
}

/** Reads back the canvas of `[data-chart=id]`: its size, how much is painted, and how much in each series' colour. */
export async function inspectCanvas(page: Page, id: string): Promise<CanvasCheck> {
  return page.evaluate((chartId) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown; getElementById(s: string): { textContent: string } | null } }).document;
    const canvas = doc.querySelector(`[data-chart="${chartId}"] canvas`) as {
      width: number;
      height: number;
      getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    } | null;
    if (!canvas) return { width: 0, height: 0, painted: 0, perSeries: {} };
    const island = JSON.parse(doc.getElementById('parabench-data')?.textContent ?? '{}') as { charts: { id: string; series: { label: string; color: string }[] }[] };
    const series = island.charts.find((c) => c.id === chartId)?.series ?? [];
    const colors = series.map((s) => [1, 3, 5].map((i) => parseInt(s.color.slice(i, i + 2), 16)));
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    const counts = colors.map(() => 0);
    for (let i = 0; i < data.length; i += 4) {
      const a = data[i + 3] ?? 0;
      if (a === 0) continue;
      painted++;
      if (a < 200) continue;
      colors.forEach((c, k) => {
        if (Math.abs((data[i] ?? 0) - (c[0] ?? 0)) < 24 && Math.abs((data[i + 1] ?? 0) - (c[1] ?? 0)) < 24 && Math.abs((data[i + 2] ?? 0) - (c[2] ?? 0)) < 24) counts[k] = (counts[k] ?? 0) + 1;
      });
    }
    const perSeries: Record<string, number> = {};
    series.forEach((s, k) => (perSeries[s.label] = (perSeries[s.label] ?? 0) + (counts[k] ?? 0)));
    return { width: canvas.width, height: canvas.height, painted, perSeries };
  }, id);
}
