import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { systemClock } from '../../core/clock.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { compareMetric } from '../../reports/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

setWorkCalibration(100);

describe('compareMetric: a regression only when the spread says so', () => {
  test('overlapping samples are no significant change; a clear shift beyond the margin is a regression, with its interval', () => {
    const same = compareMetric('p99', [20.1, 21.3, 19.8, 20.6], [20.9, 19.7, 21.1, 20.2], 0.05);
    assert.equal(same.verdict, 'no significant change');
    assert.equal(same.regression, false);
    assert.ok(same.ci && same.ci[0] < 0 && same.ci[1] > 0, `the interval holds 0: ${same.ci}`);
    const worse = compareMetric('p99', [20.1, 21.3, 19.8, 20.6], [30.2, 31.0, 29.5, 30.8], 0.05);
    assert.equal(worse.verdict, 'regression');
    assert.ok(worse.ci && worse.ci[0] > 0.05, `the whole interval is beyond the margin: ${worse.ci}`);
    assert.ok((worse.confidence ?? 0) > 0.99);
    assert.match(worse.message, /^latency p99 20\.45 ms → 30\.38 ms \(\+48\.5%; 95% CI \+\d+\.\d% … \+\d+\.\d%, \d+\.\d% sure it changed\): a regression beyond the allowed 5\.0%$/);
  });

  test('direction matters: more throughput is an improvement, less latency too', () => {
    assert.equal(compareMetric('tps', [1000, 1010, 990], [1200, 1190, 1210], 0.05).verdict, 'improvement');
    assert.equal(compareMetric('tps', [1000, 1010, 990], [800, 810, 790], 0.05).verdict, 'regression');
    assert.equal(compareMetric('p50', [10, 10.2, 9.9], [8, 8.1, 7.9], 0.05).verdict, 'improvement');
  });

  test('a real but small change inside the margin passes; a real one that may or may not exceed it is flagged, not failed', () => {
    const c = compareMetric('tps', [1000, 1001, 999, 1000], [980, 981, 979, 980], 0.05);
    assert.equal(c.verdict, 'within the margin');
    assert.equal(c.regression, false);
    const maybe = compareMetric('p99', [20, 21, 19, 20], [22.2, 23, 21.4, 22.4], 0.05);
    assert.equal(maybe.verdict, 'possible regression', maybe.message);
    assert.equal(maybe.regression, false);
    assert.match(maybe.message, /worse, but maybe not beyond the allowed 5\.0% \(more runs would tell\)$/);
  });

  test('single runs have no spread: only a change past three times the margin counts, and it says so', () => {
    const small = compareMetric('tps', [1000], [900], 0.05);
    assert.equal(small.regression, false);
    assert.equal(small.ci, null);
    assert.match(small.message, /single runs: no spread to judge by/);
    assert.equal(compareMetric('tps', [1000], [800], 0.05).regression, true);
  });
});

// Real runs on the real clock: the noise is the machine's. A closed loop runs the executor flat
// out, so its throughput is the executor's speed: doubling the transaction cost halves it.
const PROFILE = (costUs: number): string => `name: gate
seed: 9
warmup: 300ms
duration: 1200ms
workload: { accounts: 2000, costUs: ${costUs}, payments: {} }
schedule: { kind: closed-loop, inFlight: 400 }
target: { blockSize: 200, blockTime: 5ms }
`;

describe('the gate on real runs: parabench run --repeat, --baseline, parabench compare', () => {
  let cwd = '';
  before(async () => {
    cwd = await tempDir();
    await writeFile(join(cwd, 'gate.yaml'), PROFILE(400));
    await writeFile(join(cwd, 'slower.yaml'), PROFILE(800));
  });
  const repeated = async (profile: string, out: string, extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> =>
    runCli(['run', profile, '--repeat', '5', '--no-verify', '--quiet', '--out', join(cwd, out), ...extra], { cwd, clock: systemClock });

  test('identical configurations, repeated, do not fail the gate (several pairs); the same one with its cost doubled does', async () => {
    const base = await repeated('gate.yaml', 'base');
    assert.equal(base.code, 0, base.stderr);
    const summary = JSON.parse(await readFile(join(cwd, 'base', 'summary.json'), 'utf8'));
    assert.equal(summary.repeats.length, 5);
    for (let pair = 1; pair <= 2; pair++) {
      const again = await repeated('gate.yaml', `again-${pair}`, ['--baseline', 'base/summary.json']);
      assert.equal(again.code, 0, `pair ${pair}: a false alarm\n${again.stdout}`);
      const s = JSON.parse(await readFile(join(cwd, `again-${pair}`, 'summary.json'), 'utf8'));
      assert.equal(s.baseline.passed, true);
      assert.deepEqual(s.baseline.metrics.map((m: { metric: string }) => m.metric).slice(0, 3), ['tps', 'p50', 'p99']);
      const c = await runCli(['compare', 'base/summary.json', `again-${pair}/summary.json`], { cwd });
      assert.equal(c.code, 0, c.stdout);
    }
    const slower = await repeated('slower.yaml', 'slower');
    assert.equal(slower.code, 0, slower.stderr);
    const refused = await runCli(['compare', 'base/summary.json', 'slower/summary.json'], { cwd });
    assert.equal(refused.code, 2, 'another profile is refused without --allow-profile-mismatch');
    assert.match(refused.stderr, /base\/summary\.json: a baseline of another profile \("gate", hash [0-9a-f]{12}\) than this run's \("gate", hash [0-9a-f]{12}\): their figures are not comparable/);
    const c = await runCli(['compare', 'base/summary.json', 'slower/summary.json', '--allow-profile-mismatch', '--json'], { cwd });
    assert.equal(c.code, 99, c.stdout);
    const comparison = JSON.parse(c.stdout);
    const tps = comparison.metrics.find((m: { metric: string }) => m.metric === 'tps');
    assert.equal(tps.verdict, 'regression', tps.message);
    assert.ok(tps.ci[1] < -0.05, tps.message);
    const text = await runCli(['compare', 'base/summary.json', 'slower/summary.json', '--allow-profile-mismatch'], { cwd });
    assert.match(text.stdout, /✗ throughput [\d,.]+ tx\/s → [\d,.]+ tx\/s \(-\d+\.\d%; 95% CI .*: a regression beyond the allowed 5\.0%/);
    assert.match(text.stdout, /FAILED: .*tps.* regressed/);
  });

  test('bad input: a missing file, another schema version, a bad margin', async () => {
    const missing = await runCli(['compare', 'nope.json', 'nope2.json'], { cwd });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^parabench: nope\.json: no such file/);
    await writeFile(join(cwd, 'v0.json'), JSON.stringify({ schema: 'parabench.summary/v0', tps: 1 }));
    const old = await runCli(['report', 'v0.json', '--format', 'md'], { cwd });
    assert.equal(old.code, 2);
    assert.match(old.stderr, /v0\.json: schema: a summary of schema parabench\.summary\/v1 is readable, found "parabench\.summary\/v0"/);
    await writeFile(join(cwd, 'broken.json'), '{"schema": "parabench.summary/v1", "tps": "fast"}');
    const broken = await runCli(['compare', 'broken.json', 'broken.json'], { cwd });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.json: /);
    const baseline = await runCli(['run', 'gate.yaml', '--baseline', 'missing.json', '--quiet'], { cwd });
    assert.equal(baseline.code, 2);
    assert.match(baseline.stderr, /--baseline: missing\.json: no such file/);
    const margin = await runCli(['run', 'gate.yaml', '--max-regression', 'lots', '--quiet'], { cwd });
    assert.equal(margin.code, 2);
    assert.match(margin.stderr, /--max-regression: expected a share such as "5%" \(or 0\.05\), found "lots"/);
  });
});

describe('abortOnFail', () => {
  test('a threshold with abortOnFail stops the run as soon as it fails, and the run fails with exit 99', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, 'abort.yaml'),
      `name: abort\nwarmup: 1s\nduration: 30s\nworkload: { accounts: 500, costUs: 1, payments: {} }\nschedule: { kind: constant-rate, rate: 500 }\ntarget: { blockSize: 100, blockTime: 50ms }\nthresholds:\n  latency: [{ threshold: "p(99)<5", abortOnFail: true, delayAbortEval: 2s }]\n  tx_failed: ["rate<0.5"]\n`,
    );
    const out = await tempDir();
    const r = await runCli(['run', 'abort.yaml', '--quiet', '--out', out], { cwd });
    assert.equal(r.code, 99, r.stderr);
    const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.match(s.aborted, /^threshold latency p\(99\)<5 failed: [\d.]+ ms \(abortOnFail\)$/);
    assert.equal(s.passed, false);
    // Stopped after its 2 s delay, long before the 30 s window's 15,000 transactions.
    assert.ok(s.tx.scheduled >= 1000 && s.tx.scheduled <= 2000, `scheduled ${s.tx.scheduled}`);
    assert.deepEqual([s.tx.sent, s.tx.committed + s.tx.failed + s.tx.errored + s.tx.timedOut], [s.tx.scheduled - s.tx.dropped, s.tx.sent]);
  });

  test('a bad abortOnFail entry is refused with its path', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'bad.yaml'), `name: bad\nduration: 1s\nworkload: { payments: {} }\nschedule: { kind: constant-rate, rate: 10 }\nthresholds:\n  latency: [{ threshold: "p(99)<5", abortOnFail: "yes" }]\n`);
    const r = await runCli(['validate', 'bad.yaml'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /thresholds\.latency\[0\]/);
  });
});
