import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { systemClock } from '../../core/clock.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

setWorkCalibration(100);

// Heavy transactions: a capacity of a few thousand a second, so a search finds it in a few steps.
const PROFILE = `name: tiny-capacity
seed: 3
warmup: 300ms
duration: 900ms
workload: { accounts: 5000, costUs: 2000, payments: {} }
schedule: { kind: constant-rate, rate: 500 }
target: { kind: inproc, executor: block-stm, threads: 2, blockSize: 200, blockTime: 10ms }
thresholds:
  latency: ["p(99)<150"]
`;

describe('parabench capacity', () => {
  test('on a tiny profile: a sustainable rate below the first failing one, thread scaling, both predictions and their check', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'tiny.yaml'), PROFILE);
    const r = await runCli(['capacity', 'tiny.yaml', '--quiet', '--max-rate', '64000', '--report', 'html'], { cwd, clock: systemClock });
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(await readFile(join(cwd, 'capacity.json'), 'utf8'));
    assert.equal(c.schema, 'parabench.capacity/v1');
    assert.deepEqual(c.profile.slo, ['latency p(99)<150']);
    const { sustained, firstFailing, steps } = c.search;
    assert.ok(sustained && firstFailing, c.search.ending);
    assert.ok(sustained.rate < firstFailing.rate);
    assert.ok(firstFailing.reasons.length > 0);
    const firstFail = steps.find((s: { passed: boolean }) => !s.passed);
    for (const s of steps) assert.ok(s.rate <= firstFail.rate, `a step at ${s.rate} past the first failing ${firstFail.rate}`);
    assert.deepEqual(
      c.scaling.map((p: { threads: number }) => p.threads),
      [1, 1, 2, 2],
    );
    assert.deepEqual(
      c.predictions.table.map((p: { threads: number }) => p.threads),
      [1, 2, 4, 8, 16, 32, 64],
    );
    for (const p of c.predictions.table) assert.ok(p.simulation > 0, `simulation at ${p.threads}`);
    assert.ok(c.predictions.check && Number.isFinite(c.predictions.check.error));
    assert.equal(c.predictions.usl.identified.kappa, false, 'two thread counts cannot identify κ');
    assert.ok(c.notes.some((n: string) => /re-executed sequentially: \d+ blocks, \d+ tx, receipts and state roots match/.test(n)), c.notes.join('\n'));
    assert.match(r.stdout, /sustainable +[\d,]+ tx\/s/);
    assert.match(r.stdout, /report: capacity\.html/);
    assert.match(await readFile(join(cwd, 'capacity.html'), 'utf8'), /^<!doctype html>/i);
    assert.match(r.stdout, /check: the simulation predicts T=2 from T=1 alone at [\d,]+ tx\/s; measured [\d,]+: error -?\d+\.\d%/);
  });

  test('bad input: no SLO, more threads than the machine', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'no-slo.yaml'), PROFILE.replace(/thresholds:[\s\S]*$/, ''));
    const noSlo = await runCli(['capacity', 'no-slo.yaml'], { cwd });
    assert.equal(noSlo.code, 2);
    assert.match(noSlo.stderr, /no-slo\.yaml: thresholds: capacity needs an SLO, at least one latency or rate threshold/);
    await writeFile(join(cwd, 'tiny.yaml'), PROFILE);
    const threads = await runCli(['capacity', 'tiny.yaml', '--max-threads', '3'], { cwd });
    assert.equal(threads.code, 2);
    assert.match(threads.stderr, /--max-threads: expected a whole number from 1 to 2 \(the cores of this machine\), found 3/);
  });
});
