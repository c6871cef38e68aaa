/**
 * The metrics, checked by the real thing: a Prometheus (Debian's, started here on a free loopback
 * port) scrapes a live run and a Pushgateway that the run pushes its final figures to, and
 * promtool lints the exposition. `.ci/run` installs both (apt-get install prometheus
 * prometheus-pushgateway).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../core/clock.js';
import { generateArtifacts } from '../../dashboards/index.js';
import { TargetServer } from '../../executors/index.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { ALL_METRICS } from '../../metrics/catalog.js';
import { MetricsRegistry, serveMetrics } from '../../metrics/prom.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/wait.js';

setWorkCalibration(100);

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function need(binary: string, pkg: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
  assert.ok(found, `${binary} not found: install it with apt-get install -y --no-install-recommends ${pkg} (see README)`);
}

function promtool(args: string[], input?: string): { code: number; out: string } {
  const r = spawnSync('promtool', args, { input, encoding: 'utf8' });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

let prom = '';
let gateway = '';

before(async () => {
  need('prometheus', 'prometheus');
  need('promtool', 'prometheus');
  need('prometheus-pushgateway', 'prometheus-pushgateway');
  const dir = await mkdtemp(join(tmpdir(), 'parabench-prom-'));
  dirs.push(dir);
  const gwPort = await freePort();
  // An empty persistence file: Debian's default would write under /var/lib on exit.
  children.push(spawn('prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${gwPort}`, '--persistence.file='], { stdio: 'ignore' }));
  gateway = `http://127.0.0.1:${gwPort}`;
  await waitFor('the Pushgateway', async () => ((await fetch(`${gateway}/-/ready`)).ok ? true : undefined));
  const promPort = await freePort();
  await writeFile(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n    static_configs: [{ targets: ['127.0.0.1:${gwPort}'] }]\n`);
  children.push(
    spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--web.listen-address=127.0.0.1:${promPort}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--storage.tsdb.retention.time=1h'], { stdio: 'ignore' }),
  );
  prom = `http://127.0.0.1:${promPort}`;
  await waitFor('Prometheus', async () => ((await fetch(`${prom}/-/ready`)).ok ? true : undefined));
});

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.equal(body.status, 'success', expr);
  return body.data.result;
}

const PROFILE = (name: string): string => `name: ${name}
seed: 3
warmup: 1s
duration: 2s
workload: { accounts: 300, initialBalance: 5000, costUs: 2, payments: { kinds: { transfer: 70, micropay: 30 }, amount: { min: 1, max: 900 } } }
schedule: { kind: constant-rate, rate: 2000 }
target: { blockSize: 200, blockTime: 20ms }
thresholds:
  latency: ["p(99)<250", "p(50)<100"]
`;

describe('Prometheus metrics, checked against a real Prometheus and promtool', () => {
  test('a run exposes its metrics live, promtool finds them clean, and the figures it pushes at the end are exactly the summary’s', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'metered.yaml'), PROFILE('metered'));
    const metricsPort = await freePort();
    const out = join(cwd, 'out');
    const running = runCli(['run', 'metered.yaml', '--quiet', '--out', out, '--metrics-port', String(metricsPort), '--pushgateway', gateway], { cwd, clock: systemClock });
    // Scraped mid-run, as Prometheus would.
    const live = await waitFor('the run’s /metrics with transactions in it', async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return /parabench_tx_committed_total\{[^}]*\} [1-9]/.test(text) ? text : undefined;
    });
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`metrics: http://127\\.0\\.0\\.1:${metricsPort}/metrics`));

    const lint = promtool(['check', 'metrics'], live);
    assert.equal(lint.code, 0, `promtool check metrics:\n${lint.out}`);
    for (const m of ALL_METRICS.filter((d) => d.name !== 'parabench_executor_queue_depth')) {
      assert.ok(live.includes(`# TYPE ${m.name} ${m.type}`), `${m.name} is exposed`);
    }
    // The histogram's edges sit on the profile's thresholds, and the SLOs are there to compare with.
    assert.match(live, /parabench_tx_latency_seconds_bucket\{le="0\.25",/);
    assert.match(live, /parabench_tx_latency_seconds_bucket\{le="0\.1",/);
    assert.match(live, /parabench_slo_latency_seconds\{percentile="99",run_id="[^"]+",profile="metered"\} 0\.25/);

    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    const runId = 'out';
    const total = (b: string): number => summary.warmupTx[b] + summary.tx[b];
    const sum = async (expr: string): Promise<number> => Number((await query(expr))[0]?.value[1] ?? NaN);
    await waitFor('the pushed figures in Prometheus', async () => ((await query(`parabench_tx_sent_total{run_id="${runId}"}`)).length > 0 ? true : undefined));
    assert.equal(await sum(`sum(parabench_tx_sent_total{run_id="${runId}"})`), total('sent'));
    assert.equal(await sum(`sum(parabench_tx_committed_total{run_id="${runId}"})`), total('committed'));
    assert.equal(await sum(`sum(parabench_tx_failed_total{run_id="${runId}"})`), total('failed'));
    assert.ok(total('failed') > 0, 'some payments fail, so failures are counted by reason');
    assert.equal(await sum(`sum(parabench_tx_failed_total{run_id="${runId}",reason="insufficient-funds"})`), total('failed'));
    assert.equal(await sum(`sum(parabench_tx_offered_total{run_id="${runId}"})`), total('scheduled'));
    assert.equal(await sum(`sum(parabench_tx_latency_seconds_count{run_id="${runId}"})`), total('committed') + total('failed') + total('timedOut'));
    // By kind: the two kinds of the mix, in the payments family.
    const kinds = (await query(`sum by (family, kind) (parabench_tx_committed_total{run_id="${runId}"}) > 0`)).map((x) => `${x.metric.family}/${x.metric.kind}`).sort();
    assert.deepEqual(kinds, ['payments/micropay', 'payments/transfer']);
    // The executor's side, from the blocks: every transaction executed, W and the bound consistent.
    assert.equal(await sum(`sum(parabench_executor_tx_total{run_id="${runId}"})`), summary.executor.txs);
    assert.equal(await sum(`sum(parabench_executor_blocks_total{run_id="${runId}"})`), summary.executor.blocks);
    const bound = await sum(`parabench_executor_speedup_bound{run_id="${runId}"}`);
    assert.ok(bound >= 1 && bound <= 1.0000001, `S_max(1) is 1 on one thread, got ${bound}`);
    const [info] = await query(`parabench_run_info{run_id="${runId}"}`);
    assert.deepEqual(info && { profile: info.metric.profile, target: info.metric.target, executor: info.metric.executor }, { profile: 'metered', target: 'inproc', executor: 'sequential' });
    // histogram_quantile over the pushed buckets lands near the run's own p99 (bucket resolution).
    const p99 = await sum(`histogram_quantile(0.99, sum by (le) (parabench_tx_latency_seconds_bucket{run_id="${runId}"}))`);
    assert.ok(p99 > 0 && p99 <= 0.25, `p99 from the buckets ${p99} s; the run says ${summary.latencyMs.p99} ms`);
  });

  test('parabench serve exposes the executor’s metrics: blocks, re-executions, speed-up against its bound, queue depth', async () => {
    const registry = new MetricsRegistry();
    const server = await TargetServer.start({ executor: 'block-stm', threads: 2, blockSize: 200, blockTimeMs: 20, port: 0, metrics: registry });
    const exposition = await serveMetrics(registry, 0);
    try {
      const cwd = await tempDir();
      await writeFile(join(cwd, 'remote.yaml'), `${PROFILE('remote')}`.replace('target: { blockSize: 200, blockTime: 20ms }', `target: { kind: ws, url: "${server.url}" }`));
      const out = join(cwd, 'out');
      const r = await runCli(['run', 'remote.yaml', '--quiet', '--out', out], { cwd, clock: systemClock });
      assert.equal(r.code, 0, r.stderr);
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
      const text = await (await fetch(exposition.url)).text();
      const lint = promtool(['check', 'metrics'], text);
      assert.equal(lint.code, 0, `promtool check metrics:\n${lint.out}`);
      const value = (name: string): number => Number(new RegExp(`^${name}\\{executor="block-stm"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      assert.equal(value('parabench_executor_tx_total'), summary.executor.txs);
      assert.equal(value('parabench_executor_blocks_total'), summary.executor.blocks);
      assert.equal(value('parabench_executor_reexecutions_total'), summary.executor.reexecutions);
      assert.equal(value('parabench_executor_threads'), 2);
      assert.equal(value('parabench_executor_block_size_limit'), 200);
      assert.equal(value('parabench_executor_queue_depth'), 0);
      assert.equal(value('parabench_executor_block_duration_seconds_count'), summary.executor.blocks);
      const bound = value('parabench_executor_speedup_bound');
      assert.ok(bound >= 1 && bound <= 2, `S_max(2) within [1, 2], got ${bound}`);
      // W counts 2 µs a transaction.
      assert.ok(Math.abs(value('parabench_executor_work_seconds_total') - summary.executor.txs * 2e-6) < 1e-9);
      assert.ok(value('parabench_executor_speedup') > 0);
    } finally {
      await exposition.close();
      await server.close();
    }
  });

  test('live: Prometheus scrapes a run and its server with the shipped rules, and every dashboard panel’s query returns data', async () => {
    const registry = new MetricsRegistry();
    const server = await TargetServer.start({ executor: 'block-stm', threads: 2, blockSize: 200, blockTimeMs: 20, port: 0, metrics: registry });
    const serverMetrics = await serveMetrics(registry, 0);
    const runPort = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'parabench-live-'));
    dirs.push(dir);
    const rules = join(repoRoot, 'dashboards', 'prometheus', 'rules.yml');
    const serverTarget = new URL(serverMetrics.url).host;
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: ['${rules}']\nscrape_configs:\n  - job_name: parabench-run\n    static_configs: [{ targets: ['127.0.0.1:${runPort}'] }]\n  - job_name: parabench-serve\n    static_configs: [{ targets: ['${serverTarget}'] }]\n`,
    );
    const port = await freePort();
    const live = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, 'data')}`], { stdio: 'ignore' });
    children.push(live);
    const url = `http://127.0.0.1:${port}`;
    await waitFor('the second Prometheus', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined));
    // Prometheus hands its first targets to the scrapers a few seconds after it is ready: wait for a scrape.
    await waitFor('a first scrape of the server', async () => {
      const t = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string; labels: { job: string } }[] } };
      return t.data.activeTargets.some((x) => x.labels.job === 'parabench-serve' && x.health === 'up') || undefined;
    });
    try {
      const cwd = await tempDir();
      await writeFile(join(cwd, 'live.yaml'), PROFILE('live').replace('duration: 2s', 'duration: 6s').replace('target: { blockSize: 200, blockTime: 20ms }', `target: { kind: ws, url: "${server.url}" }`));
      const r = await runCli(['run', 'live.yaml', '--quiet', '--out', join(cwd, 'live-run'), '--metrics-port', String(runPort)], { cwd, clock: systemClock });
      assert.equal(r.code, 0, r.stderr);
      // Queried at the last scrape inside the measured window: after the run, its series go stale.
      const raw = await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent('parabench_run_measuring{run_id="live-run"}[60s]')}`)).json();
      const samples = (raw as { data: { result: { values: [number, string][] }[] } }).data.result[0]?.values ?? [];
      const measured = samples.filter(([, v]) => v === '1').map(([t]) => t);
      assert.ok(measured.length >= 4, `scrapes inside the measured window: ${measured.length} (${JSON.stringify(samples)})`);
      const at = measured[measured.length - 1]!;
      const ask = async (expr: string): Promise<number[]> => {
        const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${at}`);
        const body = (await res.json()) as { status: string; error?: string; data?: { result: { value: [number, string] }[] } };
        assert.equal(body.status, 'success', `${expr}: ${body.error ?? ''}`);
        return (body.data?.result ?? []).map((x) => Number(x.value[1]));
      };
      const vars: Record<string, string> = { $run_id: 'live-run', $profile: 'live', $job: '.*', $executor: '.*', $__rate_interval: '4s' };
      let checked = 0;
      // The k6 dashboard reads the series k6 itself writes (parabench export k6): there is no k6 here.
      for (const a of generateArtifacts().filter((x) => x.path.endsWith('.json') && !x.path.endsWith('parabench-k6.json'))) {
        const dashboard = JSON.parse(a.content) as { panels: { title?: string; targets?: { expr?: string }[] }[] };
        for (const panel of dashboard.panels) {
          for (const t of panel.targets ?? []) {
            if (!t.expr) continue;
            const expr = t.expr.replace(/\$__rate_interval|\$run_id|\$profile|\$job|\$executor/g, (v) => vars[v] ?? v);
            const values = await ask(expr);
            assert.ok(values.some((v) => Number.isFinite(v)), `${a.path} · ${panel.title}: ${expr} returned no number (${values.join(', ') || 'no series'})`);
            checked++;
          }
        }
      }
      assert.ok(checked >= 25, `${checked} panel queries checked`);
      // The shipped recording rules, evaluated live.
      await waitFor('the recording rule of the achieved rate', async () => ((await ask('run_id:parabench_tx_sent:rate1m{run_id="live-run"}'))[0] ?? 0) > 0 || undefined);
    } finally {
      await serverMetrics.close();
      await server.close();
    }
  });

  test('bad metrics flags are refused with exit 2', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'x.yaml'), PROFILE('x'));
    const port = await runCli(['run', 'x.yaml', '--metrics-port', '70000'], { cwd });
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--metrics-port: expected a port from 0 to 65535, found 70000/);
    const gw = await runCli(['run', 'x.yaml', '--pushgateway', 'localhost:9091'], { cwd });
    assert.equal(gw.code, 2);
    assert.match(gw.stderr, /--pushgateway: expected the Pushgateway's URL such as http:\/\/127\.0\.0\.1:9091, found "localhost:9091"/);
  });
});
