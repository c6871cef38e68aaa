/**
 * `parabench export k6`. There is no k6 binary on this machine (Debian has no k6 package and
 * npm's `k6` is an empty placeholder), so no test runs the script in k6. What is tested instead:
 * the files are exactly the golden ones; the script parses as a JavaScript module and
 * type-checks against @types/k6 0.48 and 2.3; its pure parts, loaded in Node with inert stand-ins for
 * k6's modules, give the transactions parabench's generator makes, and the requests it builds are
 * answered by a real `parabench serve`; the manifests parse and say what k6-operator needs.
 *
 * The golden files: UPDATE_GOLDEN=1 node --test dist/test/export/k6.test.js rewrites them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { loadProfile, type LoadedProfile } from '../../core/profile/load.js';
import { TargetServer } from '../../executors/index.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { createSchedule, createWorkload } from '../../loadgen/index.js';
import { writeK6Export, type K6ExportResult, type WriteOptions } from '../../export/k6/index.js';
import { wholeRunPromQL } from '../../export/k6/promql.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { importK6Script } from '../helpers/k6-script.js';

setWorkCalibration(100);

const repo = new URL('../../../', import.meta.url).pathname;
const GOLDEN_PROFILE = 'test/fixtures/k6/golden.yaml';
const GOLDEN_DIR = join(repo, 'test/fixtures/k6/golden');
const OPTIONS: WriteOptions = { parallelism: 3, prometheusUrl: 'http://prometheus.test:9090/api/v1/write', client: 'parabench (k6 export test)' };

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup) await c();
});

/** Every file under `dir`, relative paths to contents. */
function filesUnder(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of filesUnder(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel), 'utf8'));
  }
  return out;
}

async function exportTo(profile: LoadedProfile, options: Partial<WriteOptions> = {}): Promise<{ dir: string; result: K6ExportResult }> {
  const dir = await tempDir('parabench-k6-');
  const result = await writeK6Export(dir, profile, { ...OPTIONS, ...options });
  return { dir, result };
}

/** The script as an .mjs beside its data, so Node reads it as a module whatever surrounds it. */
async function moduleCopy(dir: string): Promise<string> {
  const path = join(dir, 'script.mjs');
  await copyFile(join(dir, 'script.js'), path);
  return path;
}

function nodeCheck(path: string): void {
  const r = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `node --check ${path}:\n${r.stderr}`);
}

let golden: LoadedProfile;
let exported: { dir: string; result: K6ExportResult };
before(async () => {
  golden = await loadProfile(GOLDEN_PROFILE, { cwd: repo });
  exported = await exportTo(golden);
});

describe('parabench export k6', () => {
  test('the golden profile exports to exactly the files under test/fixtures/k6/golden/ (UPDATE_GOLDEN=1 rewrites them)', async () => {
    const made = filesUnder(exported.dir);
    if (process.env.UPDATE_GOLDEN === '1') {
      await rm(GOLDEN_DIR, { recursive: true, force: true });
      for (const [path, content] of made) {
        await mkdir(join(GOLDEN_DIR, path, '..'), { recursive: true });
        await writeFile(join(GOLDEN_DIR, path), content);
      }
    }
    assert.ok(existsSync(GOLDEN_DIR), 'no golden files: run UPDATE_GOLDEN=1 node --test dist/test/export/k6.test.js');
    const want = filesUnder(GOLDEN_DIR);
    assert.deepEqual([...made.keys()].sort(), [...want.keys()].sort());
    for (const [path, content] of made) assert.ok(content === want.get(path), `${path} differs from test/fixtures/k6/golden/${path} (UPDATE_GOLDEN=1 to accept the change)`);
  });

  test('the export is deterministic: a second export is byte for byte the same', async () => {
    const again = await exportTo(golden);
    assert.deepEqual(filesUnder(again.dir), filesUnder(exported.dir));
  });

  test('the script parses as a JavaScript module (node --check)', async () => {
    nodeCheck(await moduleCopy(exported.dir));
  });

  /** tsc --noEmit on the script, checkJs and strict, against the k6 typings under `typeRoot` (a folder holding k6/). */
  async function typeCheck(script: string, typeRoot: string): Promise<{ status: number | null; out: string }> {
    const dir = await tempDir('parabench-k6-tsc-');
    await writeFile(join(dir, 'script.js'), script);
    // k6 has a console (console.log, .warn, .error); @types/k6 does not declare it.
    await writeFile(join(dir, 'console.d.ts'), 'declare const console: { log(...data: unknown[]): void };\n');
    // preserveSymlinks: the typings' own imports of "k6" must resolve beside the link, not from the repository's node_modules/@types.
    const compilerOptions = { allowJs: true, checkJs: true, noEmit: true, strict: true, preserveSymlinks: true, target: 'ES2020', lib: ['ES2020'], module: 'ESNext', moduleResolution: 'bundler', types: ['k6'], typeRoots: [typeRoot] };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['script.js', 'console.d.ts'] }));
    const tsc = spawnSync(join(repo, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8', timeout: 60_000 });
    return { status: tsc.status, out: `${tsc.stdout}${tsc.stderr}` };
  }

  test('the script type-checks against @types/k6 0.48 and 2.3 (the oldest k6 it promises to run on, and the newest typings)', async () => {
    const script = readFileSync(join(exported.dir, 'script.js'), 'utf8');
    // 2.3 is installed under another name (k6-types-latest): give tsc a folder where it is called k6.
    const latest = await tempDir('parabench-k6-types-');
    await symlink(join(repo, 'node_modules/k6-types-latest'), join(latest, 'k6'), 'dir');
    const versions = [
      { root: join(repo, 'node_modules/@types'), version: '0.48.0' },
      { root: latest, version: '2.3.0' },
    ];
    for (const { root, version } of versions) {
      const installed = JSON.parse(readFileSync(join(root, 'k6/package.json'), 'utf8')) as { version: string };
      assert.equal(installed.version, version);
      const ok = await typeCheck(script, root);
      assert.equal(ok.status, 0, `tsc on the exported script, @types/k6 ${version}:\n${ok.out}`);
      // And it catches mistakes, so that passing means something.
      const broken = await typeCheck(script.replaceAll('exec.scenario.iterationInTest', 'exec.scenario.iterationInTst'), root);
      assert.notEqual(broken.status, 0);
      assert.match(broken.out, /iterationInTst/);
    }
  });

  test("transactionAt(i) is the transaction parabench's generator makes for id i, for every row", async () => {
    const script = await importK6Script(await moduleCopy(exported.dir));
    const { profile } = golden;
    const workload = createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize });
    const total = createSchedule(profile.schedule, profile.warmup + profile.duration, profile.seed).total;
    assert.equal(script.PLAN.transactions, total);
    for (let i = 0; i < total; i++) {
      const tx = workload.next(i);
      assert.deepEqual(script.transactionAt(i), { ...tx, args: [...tx.args], reads: [...tx.reads], writes: [...tx.writes], deltas: [...tx.deltas] }, `transaction ${i}`);
    }
    // Several kinds, writes that differ from reads, deltas: the rows' shortcuts were exercised.
    const kinds = new Set(Array.from({ length: total }, (_, i) => script.transactionAt(i).kind));
    assert.ok(kinds.size >= 3, [...kinds].join(', '));
  });

  test("phaseOf puts the warm-up where parabench's schedule does", async () => {
    const script = await importK6Script(await moduleCopy(exported.dir));
    const { profile } = golden;
    const schedule = createSchedule(profile.schedule, profile.warmup + profile.duration, profile.seed);
    for (let i = 0; i < schedule.total; i++) {
      assert.equal(script.phaseOf(i), schedule.intendedMs(i) < profile.warmup ? 'warmup' : 'measured', `transaction ${i} due at ${schedule.intendedMs(i)} ms`);
    }
    assert.equal(script.PLAN.warmupTransactions, 25);
  });

  test('the scenario: k6 starts as many iterations as parabench schedules, on the same rate curve', async () => {
    const script = await importK6Script(await moduleCopy(exported.dir));
    const s = script.options.scenarios.parabench as { executor: string; startRate: number; timeUnit: string; stages: { target: number; duration: string }[]; preAllocatedVUs: number; maxVUs: number };
    assert.equal(s.executor, 'ramping-arrival-rate');
    // The last rate, 30.25 tx/s where the run's end cuts the ramp, needs 100 s as the unit.
    assert.equal(s.timeUnit, '100s');
    let rate = s.startRate / 100;
    let iterations = 0;
    for (const stage of s.stages) {
      const seconds = Number(stage.duration.replace(/s$/, ''));
      iterations += ((rate + stage.target / 100) / 2) * seconds;
      rate = stage.target / 100;
    }
    assert.ok(Math.abs(iterations - script.PLAN.transactions) < 1, `${iterations} iterations for ${script.PLAN.transactions} transactions`);
    assert.deepEqual({ pre: s.preAllocatedVUs, max: s.maxVUs }, { pre: 4, max: 40 });
    const tuned = await importK6Script(await moduleCopy(exported.dir), { PARABENCH_PREALLOCATED_VUS: '7', PARABENCH_MAX_VUS: '70' });
    assert.deepEqual({ pre: tuned.options.scenarios.parabench?.preAllocatedVUs, max: tuned.options.scenarios.parabench?.maxVUs }, { pre: 7, max: 70 });
  });

  test("thresholds: k6's names and sub-metrics; counts split among PARABENCH_RUNNERS", async () => {
    const one = await importK6Script(await moduleCopy(exported.dir));
    assert.deepEqual(one.options.thresholds, {
      'http_req_duration{phase:measured}': ['p(99)<250', { threshold: 'avg<100', abortOnFail: true, delayAbortEval: '2s' }],
      'parabench_tx{outcome:committed,phase:measured}': ['count>=50', 'count>=40'],
      'parabench_tx_failed{phase:measured}': ['rate<0.05'],
      'parabench_tx{outcome:errored,phase:measured}': ['count<3'],
      'parabench_tx_timed_out{phase:measured}': ['rate==0'],
      dropped_iterations: ['count==0', 'count<1.01'],
    });
    const four = await importK6Script(await moduleCopy(exported.dir), { PARABENCH_RUNNERS: '4' });
    assert.deepEqual(four.options.thresholds['parabench_tx{outcome:committed,phase:measured}'], ['count>=12.5', 'count>=10']);
    assert.deepEqual(four.options.thresholds['http_req_duration{phase:measured}']?.[0], 'p(99)<250');
    const readme = readFileSync(join(exported.dir, 'README.md'), 'utf8');
    assert.match(readme, /tps: min>=1`: k6 thresholds have no per-second windows/);
    assert.match(readme, /send_lag: p\(99\)<10`: k6 starts an iteration when it is due/);
    assert.match(readme, /abortOnFail left out: a count that must grow/);
  });

  test('outcomeOf: a receipt is committed or failed (with its reason), anything else errored, a k6 timeout timed_out', async () => {
    const script = await importK6Script(await moduleCopy(exported.dir));
    const receipt = (r: object): string => JSON.stringify({ receipt: r, blocks: [] });
    assert.deepEqual(script.outcomeOf(200, receipt({ id: 1, status: 'committed', block: 1, position: 0 }), 0), { outcome: 'committed', reason: '' });
    assert.deepEqual(script.outcomeOf(200, receipt({ id: 1, status: 'failed', reason: 'nonce-too-low', block: 1, position: 0 }), 0), { outcome: 'failed', reason: 'nonce-too-low' });
    assert.deepEqual(script.outcomeOf(200, JSON.stringify({ error: { message: 'injected error' } }), 0), { outcome: 'errored', reason: '' });
    assert.deepEqual(script.outcomeOf(409, '{"type":"error","code":"not-ready"}', 0), { outcome: 'errored', reason: '' });
    assert.deepEqual(script.outcomeOf(200, 'not json', 0), { outcome: 'errored', reason: '' });
    assert.deepEqual(script.outcomeOf(0, null, 1050), { outcome: 'timed_out', reason: '' });
    assert.deepEqual(script.outcomeOf(0, null, 1211), { outcome: 'errored', reason: '' });
  });

  test('the requests the script builds are what parabench serve takes: welcomed, and every transaction answered with a receipt', async () => {
    const server = await TargetServer.start({ executor: 'sequential', threads: 1, blockSize: 50, blockTimeMs: 5, port: 0 });
    cleanup.push(() => server.close());
    const base = server.url.replace(/^ws:/, 'http:').replace(/\/$/, '');
    const script = await importK6Script(await moduleCopy(exported.dir));
    const post = async (path: string, body: string): Promise<{ status: number; body: string }> => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: res.status, body: await res.text() };
    };
    const hello = await post('/hello', script.helloBody('k6-test-session'));
    assert.equal(hello.status, 200, hello.body);
    assert.equal((JSON.parse(hello.body) as { type: string }).type, 'welcome');
    const outcomes = new Map<string, number>();
    // In id order, one at a time: what the script sends, without k6's concurrency.
    for (let i = 0; i < script.PLAN.transactions; i++) {
      const res = await post('/tx', script.txBody('k6-test-session', i));
      const { outcome, reason } = script.outcomeOf(res.status, res.body, 0);
      assert.ok(outcome === 'committed' || outcome === 'failed', `transaction ${i}: ${res.status} ${res.body}`);
      const key = reason ? `${outcome} ${reason}` : outcome;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    assert.ok((outcomes.get('committed') ?? 0) > script.PLAN.transactions / 2, JSON.stringify([...outcomes]));
  });

  test('the TestRun: k6.io/v1alpha1, the parallelism, -o experimental-prometheus-rw, the remote-write settings, the testid', () => {
    const testRun = parse(readFileSync(join(exported.dir, 'k8s/testrun.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      spec: { parallelism: number; script: { configMap?: { name: string; file: string } }; arguments: string; runner: { env: { name: string; value: string }[] } };
    };
    assert.equal(testRun.apiVersion, 'k6.io/v1alpha1');
    assert.equal(testRun.kind, 'TestRun');
    assert.equal(testRun.metadata.name, 'parabench-k6-golden');
    assert.equal(testRun.spec.parallelism, 3);
    assert.deepEqual(testRun.spec.script.configMap, { name: 'parabench-k6-golden', file: 'script.js' });
    assert.match(testRun.spec.arguments, /(^| )-o experimental-prometheus-rw( |$)/);
    assert.match(testRun.spec.arguments, /(^| )--tag testid=parabench-k6-golden( |$)/);
    const env = Object.fromEntries(testRun.spec.runner.env.map((e) => [e.name, e.value]));
    assert.equal(env.K6_PROMETHEUS_RW_SERVER_URL, 'http://prometheus.test:9090/api/v1/write');
    assert.equal(env.K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM, 'true');
    assert.equal(env.PARABENCH_RUNNERS, '3');
    assert.equal(env.PARABENCH_TARGET, 'http://127.0.0.1:7070');
    for (const e of testRun.spec.runner.env) assert.equal(typeof e.value, 'string', `${e.name}: Kubernetes wants env values as strings`);
  });

  test('the ConfigMap carries the script and the data, byte for byte', () => {
    const configMap = parse(readFileSync(join(exported.dir, 'k8s/configmap.yaml'), 'utf8')) as { apiVersion: string; kind: string; metadata: { name: string }; data: Record<string, string> };
    assert.equal(configMap.apiVersion, 'v1');
    assert.equal(configMap.kind, 'ConfigMap');
    assert.equal(configMap.metadata.name, 'parabench-k6-golden');
    assert.deepEqual(Object.keys(configMap.data).sort(), ['script.js', 'txs.json']);
    assert.ok(configMap.data['script.js'] === readFileSync(join(exported.dir, 'script.js'), 'utf8'));
    assert.ok(configMap.data['txs.json'] === readFileSync(join(exported.dir, 'txs.json'), 'utf8'));
    assert.equal(exported.result.via.kind, 'configmap');
  });

  test('files too large for a ConfigMap go into a PersistentVolumeClaim the TestRun mounts', async () => {
    const { dir, result } = await exportTo(golden, { configMapLimitBytes: 10_000 });
    assert.equal(result.via.kind, 'volume-claim');
    assert.ok(!existsSync(join(dir, 'k8s/configmap.yaml')));
    const pvc = parse(readFileSync(join(dir, 'k8s/pvc.yaml'), 'utf8')) as { kind: string; metadata: { name: string }; spec: { accessModes: string[]; resources: { requests: { storage: string } } } };
    assert.equal(pvc.kind, 'PersistentVolumeClaim');
    assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
    const testRun = parse(readFileSync(join(dir, 'k8s/testrun.yaml'), 'utf8')) as { spec: { script: Record<string, unknown> } };
    assert.deepEqual(testRun.spec.script, { volumeClaim: { name: pvc.metadata.name, file: 'script.js' } });
    assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /kubectl cp txs\.json /);
  });

  test("every threshold's whole-run PromQL parses (Prometheus's own grammar)", () => {
    for (const t of exported.result.plan.thresholds) {
      const expr = wholeRunPromQL(exported.result.plan, t);
      const errors: string[] = [];
      parser.parse(expr).iterate({ enter: (n) => void (n.type.isError ? errors.push(`at ${n.from}`) : undefined) });
      assert.deepEqual(errors, [], expr);
      assert.match(expr, / bool /);
      assert.match(expr, /testid="parabench-k6-golden"/);
    }
  });

  test('a constant rate is constant-arrival-rate; steps and a spike are ramping stages with 0 s jumps', async () => {
    const cwd = await tempDir();
    const write = async (name: string, schedule: string): Promise<LoadedProfile> => {
      await writeFile(join(cwd, `${name}.yaml`), `seed: 3\nduration: 4s\nworkload: { accounts: 100, payments: {} }\nschedule: ${schedule}\ntarget: { kind: ws, url: "wss://example.test:8443/x" }\n`);
      return loadProfile(`${name}.yaml`, { cwd });
    };
    const constant = (await exportTo(await write('constant', '{ kind: constant-rate, rate: 2.5 }'))).result.plan;
    assert.deepEqual(constant.scenario, { executor: 'constant-arrival-rate', rate: 25, timeUnit: '10s', duration: '4s', preAllocatedVUs: 3, maxVUs: 3, gracefulStop: '11s' });
    assert.equal(constant.target, 'https://example.test:8443');
    assert.equal(constant.targetFromWs, 'wss://example.test:8443/x');
    const steps = (await exportTo(await write('steps', '{ kind: steps, steps: { "1": 10, "3": 5 } }'))).result.plan;
    assert.deepEqual(steps.scenario.executor === 'ramping-arrival-rate' && steps.scenario.stages, [
      { target: 0, duration: '1s' },
      { target: 10, duration: '0s' },
      { target: 10, duration: '2s' },
      { target: 5, duration: '0s' },
      { target: 5, duration: '1s' },
    ]);
    const spike = (await exportTo(await write('spike', '{ kind: spike, base: 10, peak: 50, at: 1s, rampUp: 500ms, hold: 1s, rampDown: 500ms }'))).result.plan;
    assert.deepEqual(spike.scenario.executor === 'ramping-arrival-rate' && spike.scenario.stages, [
      { target: 10, duration: '1s' },
      { target: 50, duration: '500ms' },
      { target: 50, duration: '1s' },
      { target: 10, duration: '500ms' },
      { target: 10, duration: '1s' },
    ]);
  });

  test('hostile names: quotes, backslashes, </script>, U+2028, */, ${} and a newline in the file name and the URL stay data', async () => {
    const cwd = await tempDir();
    // A file name cannot hold a slash: the directories give the path its `*/` and `</script>`.
    const evilDir = 'a*/b<';
    const evilName = 'script>ev"il\'\\<!--\u2028\u2029${globalThis.pwned=1}`-->\nline';
    await mkdir(join(cwd, evilDir), { recursive: true });
    const file = `${evilDir}/${evilName}.yaml`;
    await writeFile(join(cwd, file), 'duration: 1s\nworkload: { accounts: 50, payments: {} }\nschedule: { kind: constant-rate, rate: 20 }\n');
    const evilUrl = 'ws://127.0.0.1:7070/</script>"\'\u2028*/${x}';
    const r = await runCli(['export', 'k6', file, '--out', 'out', '--target', evilUrl], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const dir = join(cwd, 'out');
    const scriptText = await readFile(join(dir, 'script.js'), 'utf8');
    assert.ok(!scriptText.includes('</script>') && !scriptText.includes('\u2028') && !scriptText.includes('<!--'), 'escaped in the code');
    nodeCheck(await moduleCopy(dir));
    const script = await importK6Script(join(dir, 'script.mjs'));
    assert.equal(script.PLAN.file, file, 'the file name round-trips as data');
    assert.equal(script.PLAN.profile, evilName);
    assert.equal((globalThis as Record<string, unknown>).pwned, undefined, 'no code ran from a name');
    const testRun = parse(await readFile(join(dir, 'k8s/testrun.yaml'), 'utf8')) as { metadata: { name: string }; spec: { arguments: string } };
    assert.match(testRun.metadata.name, /^[a-z0-9-]+$/);
    assert.equal(testRun.spec.arguments, `-o experimental-prometheus-rw --tag testid=${testRun.metadata.name}`);
    const configMap = parse(await readFile(join(dir, 'k8s/configmap.yaml'), 'utf8')) as { data: Record<string, string> };
    assert.ok(configMap.data['script.js'] === scriptText);
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    const title = readme.split('\n')[0] ?? '';
    assert.ok(title.startsWith('# k6 export of the parabench profile `') && title.includes('script>ev"il'), title);
    assert.ok(!readme.includes('\u2028') && !readme.includes('\u2029'), 'line separators flattened');
    assert.ok(readme.split('\n').every((l) => !l.startsWith('line')), 'a newline in a name does not start a Markdown line');
    assert.ok(readme.includes('b</script>ev"il'), 'the file name, whole, in the README');
  });
});

describe('parabench export k6: mistakes exit 2, naming what is wrong, with no stack trace', () => {
  let cwd = '';
  const profile = (schedule: string, target = 'target: { kind: http, url: "http://127.0.0.1:7070/" }'): string =>
    `duration: 2s\nworkload: { accounts: 100, payments: {} }\nschedule: ${schedule}\n${target}\n`;
  before(async () => {
    cwd = await tempDir();
    await writeFile(join(cwd, 'ok.yaml'), profile('{ kind: constant-rate, rate: 50 }'));
    await writeFile(join(cwd, 'poisson.yaml'), profile('{ kind: poisson, rate: 50 }'));
    await writeFile(join(cwd, 'closed.yaml'), profile('{ kind: closed-loop, inFlight: 10 }'));
    await writeFile(join(cwd, 'inproc.yaml'), profile('{ kind: constant-rate, rate: 50 }', ''));
    await writeFile(join(cwd, 'evm.yaml'), profile('{ kind: constant-rate, rate: 50 }', 'target: { kind: evm, url: "evm+http://127.0.0.1:8545" }'));
    await writeFile(join(cwd, 'precise.yaml'), profile('{ kind: constant-rate, rate: 33.3333 }'));
    await writeFile(join(cwd, 'idle.yaml'), profile('{ kind: ramping-rate, startRate: 0, stages: [{ target: 0, duration: 1s }] }'));
    await writeFile(join(cwd, 'huge.yaml'), profile('{ kind: constant-rate, rate: 10000000 }'));
  });

  const cases: { name: string; argv: string[]; message: RegExp }[] = [
    { name: 'an unknown profile file', argv: ['missing.yaml'], message: /profile not found: missing\.yaml/ },
    { name: 'a Poisson schedule', argv: ['poisson.yaml'], message: /poisson\.yaml: schedule\.kind "poisson" has no k6 executor[\s\S]*hint: Export a constant-rate schedule at the same mean rate/ },
    { name: 'a closed loop', argv: ['closed.yaml'], message: /closed\.yaml: schedule\.kind "closed-loop" cannot be exported/ },
    { name: 'an in-process target and no --target', argv: ['inproc.yaml'], message: /inproc\.yaml: target\.kind "inproc": an in-process executor runs inside parabench, where k6 cannot reach it; expected --target http:\/\/HOST:PORT\// },
    { name: '--target inproc', argv: ['ok.yaml', '--target', 'inproc'], message: /--target: expected an http:\/\/ or ws:\/\/ URL k6 can reach \(a parabench serve\), found "inproc"/ },
    { name: '--target that is not a URL', argv: ['ok.yaml', '--target', 'localhost:7070'], message: /--target: expected "inproc" or a target URL/ },
    { name: 'an evm target', argv: ['evm.yaml'], message: /evm\.yaml: target\.kind "evm": k6 would have to sign Ethereum transactions/ },
    { name: '--parallelism 0', argv: ['ok.yaml', '--parallelism', '0'], message: /--parallelism: expected a whole number from 1 to 1000, found "0"/ },
    { name: '--parallelism abc', argv: ['ok.yaml', '--parallelism', 'abc'], message: /--parallelism: expected a whole number from 1 to 1000, found "abc"/ },
    { name: '--parallelism 2.5', argv: ['ok.yaml', '--parallelism', '2.5'], message: /--parallelism: expected a whole number from 1 to 1000, found "2\.5"/ },
    { name: 'a bad --prometheus', argv: ['ok.yaml', '--prometheus', 'prometheus:9090'], message: /--prometheus: expected the remote-write URL of a Prometheus/ },
    { name: 'a rate k6 cannot count', argv: ['precise.yaml'], message: /precise\.yaml: schedule\.rate: expected a rate k6 can count in whole iterations per 1000 s \(at most 3 decimals\), found 33\.3333 tx\/s/ },
    { name: 'an absurd number of transactions', argv: ['huge.yaml'], message: /huge\.yaml: schedule: 20,000,000 transactions over 2 s \(rate × \(warmup \+ duration\)\); an export ships at most 2,000,000[\s\S]*hint: Export a shorter or slower run: --duration or --rate replace the profile's/ },
    { name: 'a schedule with no transaction at all', argv: ['idle.yaml'], message: /idle\.yaml: schedule: no transaction is due in 2 s at this rate: nothing to export/ },
    { name: 'a bad --rate', argv: ['ok.yaml', '--rate', 'fast'], message: /--rate: expected a positive rate in transactions per second, found "fast"/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await runCli(['export', 'k6', ...c.argv, '--out', 'out'], { cwd });
      assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, c.message);
      assert.doesNotMatch(r.stderr, /\n\s+at |trace in/, 'no stack trace');
      assert.ok(!existsSync(join(cwd, 'out', 'script.js')), 'nothing written');
    });
  }

  test('--out naming a file: exit 2', async () => {
    await writeFile(join(cwd, 'a-file'), '');
    const r = await runCli(['export', 'k6', 'ok.yaml', '--out', 'a-file'], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out a-file: cannot write the export there \(EEXIST\)|\(ENOTDIR\)/);
  });

  test('an unknown export format: exit 2', async () => {
    const r = await runCli(['export', 'jmeter', 'ok.yaml', '--out', 'out'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid values:[\s\S]*format/);
  });

  test('a good export says what it wrote and how to run it', async () => {
    const r = await runCli(['export', 'k6', 'ok.yaml', '--out', 'good', '--parallelism', '2', '--rate', '20'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^exported ok to good\/: 40 transactions \([\d.]+ kB of data\)/);
    assert.match(r.stdout, /TestRun parabench-ok: 2 runners, files by ConfigMap/);
    assert.match(r.stdout, /run it: k6 run good\/script\.js/);
  });
});
