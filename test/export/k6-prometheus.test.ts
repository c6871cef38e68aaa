/**
 * The Prometheus side of an exported run, on a real Prometheus (Debian's, with its remote-write
 * receiver and native histograms on): series shaped as k6's remote-write output writes them for a
 * run of two runners (counters `_total`, gauges, a native histogram per runner, testid and
 * instance_id labels) go in by remote write; then every whole-run threshold query of the export
 * must give the verdict the numbers call for, and every panel of the k6 dashboard must return data.
 * The series are made here, not by k6 (there is none on this machine): this checks the PromQL,
 * not k6's naming, which comes from k6's documentation and its output's source.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateArtifacts } from '../../dashboards/index.js';
import { loadProfile } from '../../core/profile/load.js';
import { writeK6Export, type K6Plan } from '../../export/k6/index.js';
import { wholeRunPromQL } from '../../export/k6/promql.js';
import { K6, K6_TX_NAME_TAG } from '../../metrics/catalog.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { remoteWrite, type NativeHistogram, type Series } from '../helpers/remote-write.js';
import { waitFor } from '../helpers/wait.js';

setWorkCalibration(100);

const repo = new URL('../../../', import.meta.url).pathname;
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});

let prom = '';
let plan: K6Plan;
/** The last sample's time, in seconds: queries are instant queries there. */
let end = 0;

const POINTS = 6;
const STEP_MS = 10_000;

/** A counter growing evenly to `final` over the points, from 0 at the first. */
function counter(labels: Record<string, string>, final: number, t0: number): Series {
  return { labels, samples: Array.from({ length: POINTS }, (_, k) => ({ t: t0 + k * STEP_MS, v: Math.round((final * k) / (POINTS - 1)) })) };
}

function gauge(labels: Record<string, string>, value: number, t0: number): Series {
  return { labels, samples: Array.from({ length: POINTS }, (_, k) => ({ t: t0 + k * STEP_MS, v: value })) };
}

/** A runner's latency, cumulative like k6's: each point holds its share of the final buckets. */
function latency(labels: Record<string, string>, final: readonly number[], meanSeconds: number, t0: number): Series {
  const at = (k: number): NativeHistogram => {
    const buckets = final.map((c) => Math.round((c * k) / (POINTS - 1)));
    const count = buckets.reduce((a, b) => a + b, 0);
    return { count, sum: count * meanSeconds, schema: 0, offset: -6, buckets };
  };
  return { labels, histograms: Array.from({ length: POINTS - 1 }, (_, i) => ({ t: t0 + (i + 1) * STEP_MS, h: at(i + 1) })) };
}

before(async () => {
  const found = spawnSync('sh', ['-c', 'command -v prometheus']).status === 0;
  assert.ok(found, 'prometheus not found: install it with apt-get install -y --no-install-recommends prometheus (see README)');
  const dir = await tempDir('parabench-k6-prom-');
  plan = (await writeK6Export(join(dir, 'export'), await loadProfile('test/fixtures/k6/golden.yaml', { cwd: repo }), { parallelism: 2, prometheusUrl: 'http://unused/api/v1/write', client: 'test' })).plan;
  await writeFile(join(dir, 'prometheus.yml'), 'global: { scrape_interval: 15s }\n');
  const port = await freePort();
  children.push(
    spawn(
      'prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--web.enable-remote-write-receiver', '--enable-feature=native-histograms'],
      { stdio: 'ignore' },
    ),
  );
  prom = `http://127.0.0.1:${port}`;
  await waitFor('Prometheus', async () => ((await fetch(`${prom}/-/ready`)).ok ? true : undefined));

  // Two runners of one run, as k6-operator starts them: the same testid, their own instance_id.
  const t0 = Date.now() - POINTS * STEP_MS;
  end = (t0 + (POINTS - 1) * STEP_MS) / 1000;
  const series: Series[] = [];
  for (const r of ['0', '1']) {
    const base = { testid: plan.testid, instance_id: r, job_name: `${plan.testid}-${Number(r) + 1}` };
    const tx = (outcome: string, phase: string, final: number, reason?: string): Series =>
      counter({ __name__: K6.tx, ...base, scenario: 'parabench', outcome, phase, ...(reason ? { reason } : {}) }, final, t0);
    series.push(
      tx('committed', 'measured', 30),
      tx('failed', 'measured', 2, 'nonce-too-low'),
      // The script adds 0 to every outcome in setup(), so these exist at 0.
      tx('errored', 'measured', 0),
      tx('timed_out', 'measured', 0),
      tx('committed', 'warmup', 12),
      counter({ __name__: K6.iterations, ...base, scenario: 'parabench' }, 44, t0),
      counter({ __name__: K6.httpReqs, ...base, scenario: 'parabench', name: K6_TX_NAME_TAG, method: 'POST', status: '200' }, 44, t0),
      counter({ __name__: K6.beyondTrace, ...base, scenario: 'parabench' }, 0, t0),
      gauge({ __name__: K6.vus, ...base }, r === '0' ? 4 : 2, t0),
      gauge({ __name__: K6.httpReqDurationP99, ...base, scenario: 'parabench', name: K6_TX_NAME_TAG, phase: 'measured' }, r === '0' ? 0.1 : 0.12, t0),
      latency({ __name__: K6.httpReqDuration, ...base, scenario: 'parabench', name: K6_TX_NAME_TAG, phase: 'measured' }, r === '0' ? [16, 8, 6, 2] : [2, 6, 8, 16], 0.05, t0),
    );
  }
  // Runner 1 dropped one iteration; runner 0 dropped none, and k6 writes no series for it.
  series.push(counter({ __name__: K6.droppedIterations, testid: plan.testid, instance_id: '1', scenario: 'parabench' }, 1, t0));
  // Another run with nothing dropped at all: no dropped_iterations series anywhere.
  series.push(counter({ __name__: K6.tx, testid: 'parabench-quiet', instance_id: '0', outcome: 'committed', phase: 'measured' }, 10, t0));
  await remoteWrite(`${prom}/api/v1/write`, series);
});

async function instant(expr: string, time = end): Promise<number[]> {
  const res = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(expr)}&time=${time}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: { value?: [number, string]; histogram?: unknown }[] } };
  assert.equal(body.status, 'success', `${expr}: ${body.error ?? ''}`);
  return (body.data?.result ?? []).map((x) => Number(x.value?.[1]));
}

describe('an exported run on Prometheus (remote write, native histograms)', () => {
  test('each whole-run threshold query answers 1 or 0 as the numbers say', async () => {
    // 2 runners: 60 committed and 4 failed in the measured window (2 s), latency p99 in (62.5, 125] ms, mean 50 ms, 1 dropped.
    const want: Record<string, number> = {
      'latency: p(99)<250': 1,
      'latency: avg<100': 1,
      'tps: avg>=25': 1,
      'tx_committed: count>=40': 1,
      'tx_failed: rate<0.05': 0,
      'tx_errored: count<3': 1,
      'tx_timed_out: rate==0': 1,
      'dropped: count==0': 0,
      'dropped: rate<0.01': 1,
    };
    const got: Record<string, number | undefined> = {};
    for (const t of plan.thresholds) {
      const values = await instant(wholeRunPromQL(plan, t));
      assert.equal(values.length, 1, `${t.source.metric}: ${t.source.expr}: one answer expected from ${wholeRunPromQL(plan, t)}, got ${values.length}`);
      got[`${t.source.metric}: ${t.source.expr}`] = values[0];
    }
    assert.deepEqual(got, want);
  });

  test('the queries see the whole run: both runners’ histograms added up, counts summed, until five minutes after the end', async () => {
    const [p99] = await instant(`histogram_quantile(0.99, sum(${K6.httpReqDuration}{testid="${plan.testid}", phase="measured"}))`);
    assert.ok(p99 !== undefined && p99 > 0.0625 && p99 <= 0.125, `p99 ${p99}`);
    const [committed] = await instant(`sum(${K6.tx}{testid="${plan.testid}", outcome="committed", phase="measured"})`);
    assert.equal(committed, 60);
    // Four minutes after the run: still the runners' last values (no stale markers, five-minute lookback).
    const later = plan.thresholds.map((t) => wholeRunPromQL(plan, t));
    for (const expr of later) assert.equal((await instant(expr, end + 240)).length, 1, expr);
    // Six minutes after: gone, and the README says to query within five.
    assert.deepEqual(await instant(`sum(${K6.httpReqDuration}{testid="${plan.testid}"})`, end + 360), []);
  });

  test('a run that dropped nothing has no dropped_iterations series, and still passes dropped: count==0', async () => {
    const dropped = plan.thresholds.find((t) => t.source.expr === 'count==0' && t.source.metric === 'dropped');
    assert.ok(dropped);
    const expr = wholeRunPromQL(plan, dropped).replaceAll(plan.testid, 'parabench-quiet');
    assert.deepEqual(await instant(expr), [1]);
  });

  test('every panel of the k6 dashboard returns data', async () => {
    const dashboard = JSON.parse(generateArtifacts().find((a) => a.path === 'grafana/parabench-k6.json')?.content ?? '{}') as { panels: { title?: string; targets?: { expr?: string }[] }[] };
    let checked = 0;
    for (const panel of dashboard.panels) {
      for (const t of panel.targets ?? []) {
        if (!t.expr) continue;
        const expr = t.expr.replaceAll('$testid', plan.testid).replaceAll('$__rate_interval', '1m');
        const values = await instant(expr);
        assert.ok(values.some((v) => Number.isFinite(v)), `${panel.title}: ${expr} returned no number (${values.join(', ') || 'no series'})`);
        checked++;
      }
    }
    assert.ok(checked >= 15, `${checked} queries`);
    // Two runners: the Runners panel counts them.
    const runners = dashboard.panels.find((p) => p.title === 'Runners')?.targets?.[0]?.expr ?? '';
    assert.deepEqual(await instant(runners.replaceAll('$testid', plan.testid)), [2]);
  });
});
