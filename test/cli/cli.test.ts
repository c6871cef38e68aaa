import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { systemClock } from '../../core/clock.js';
import { main } from '../../cli/app.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { registerReversed, registerRootless } from '../helpers/broken-executor.js';
import { runCli, tempDir } from '../helpers/cli.js';

setWorkCalibration(100);

const PROFILE = `name: small
seed: 5
warmup: 1s
duration: 2s
workload:
  accounts: 500
  costUs: 1
  payments: {}
schedule:
  kind: constant-rate
  rate: 500
target:
  blockSize: 100
  blockTime: 20ms
thresholds:
  latency: ["p(99)<250"]
  tx_failed: ["rate<0.01"]
  dropped: ["count==0"]
`;

let cwd = '';
before(async () => {
  cwd = await tempDir();
  await mkdir(join(cwd, 'profiles'));
  await writeFile(join(cwd, 'profiles', 'small.yaml'), PROFILE);
  await writeFile(join(cwd, 'profiles', 'strict.yaml'), PROFILE.replace('dropped: ["count==0"]', 'dropped: ["count==0"]\n  tps: ["avg>=1000000"]'));
  await writeFile(join(cwd, 'profiles', 'two-mistakes.yaml'), PROFILE.replace('rate: 500', 'rate: fast').replace('  accounts: 500', '  acounts: 500'));
  await writeFile(join(cwd, 'profiles', 'broken.yaml'), 'name: x\nworkload: [\n');
});

describe('parabench run', () => {
  test('runs a profile, prints the table, writes summary.json, exits 0', async () => {
    const r = await runCli(['run', 'profiles/small.yaml'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^parabench · small · PASSED/);
    assert.match(r.stdout, /1000 sent = 1000 committed \+ 0 failed \+ 0 errored \+ 0 timed out · 0 dropped/);
    assert.match(r.stdout, /receipts and state roots match/);
    const runs = readdirSync(join(cwd, 'reports', 'runs'));
    // Named by the (fake) wall clock when the run starts: its seconds depend on how long start-up took.
    const dir = runs.find((d) => /^20260102-03\d{4}-small$/.test(d));
    assert.ok(dir, runs.join(', '));
    const summary = JSON.parse(readFileSync(join(cwd, 'reports', 'runs', dir, 'summary.json'), 'utf8'));
    // The fields DESIGN.md promises to scripts.
    assert.equal(summary.schema, 'parabench.summary/v1');
    assert.equal(summary.profile.name, 'small');
    assert.deepEqual(
      { kind: summary.target.kind, executor: summary.target.executor, threads: summary.target.threads },
      { kind: 'inproc', executor: 'sequential', threads: 1 },
    );
    assert.deepEqual(summary.rate, { requested: 500, achieved: 500 });
    assert.equal(typeof summary.tps, 'number');
    assert.deepEqual(summary.tx, { scheduled: 1000, sent: 1000, dropped: 0, committed: 1000, failed: 0, errored: 0, timedOut: 0 });
    for (const p of ['p50', 'p90', 'p99', 'p999', 'max']) assert.equal(typeof summary.latencyMs[p], 'number', p);
    assert.equal(summary.executor.reexecutions, 0);
    assert.equal(typeof summary.executor.validations, 'number');
    assert.deepEqual([summary.verification.checked, summary.verification.stateRootMatches], [true, true]);
    assert.deepEqual(
      summary.thresholds.map((t: { metric: string; expr: string; ok: boolean }) => [t.metric, t.expr, t.ok]),
      [
        ['latency', 'p(99)<250', true],
        ['tx_failed', 'rate<0.01', true],
        ['dropped', 'count==0', true],
      ],
    );
    assert.equal(summary.passed, true);
  });

  test('--json prints the summary to stdout; progress goes to stderr', async () => {
    const out = await tempDir();
    const r = await runCli(['run', 'profiles/small.yaml', '--json', '--out', out], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.schema, 'parabench.summary/v1');
    assert.equal(await readFile(join(out, 'summary.json'), 'utf8'), r.stdout);
    assert.match(r.stderr, /measured .* tx\/s │ p99 .* │ sent \d+ · committed \d+/);
  });

  test('flags replace the profile: --rate, --duration, --seed', async () => {
    const r = await runCli(['run', 'profiles/small.yaml', '--rate', '200', '--duration', '3s', '--seed', '9', '--json', '--out', await tempDir()], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.rate.requested, 200);
    assert.equal(summary.window.durationMs, 3000);
    assert.equal(summary.profile.seed, 9);
    assert.equal(summary.tx.sent, 600);
  });

  test('a failed threshold exits 99, after writing the summary', async () => {
    const out = await tempDir();
    const r = await runCli(['run', 'profiles/strict.yaml', '--out', out], { cwd });
    assert.equal(r.code, 99);
    assert.match(r.stdout, /FAILED: 1 of 4 thresholds/);
    assert.match(r.stdout, /✗ tps +avg>=1000000/);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.passed, false);
  });

  test('a missing profile exits 2 with a one-line message', async () => {
    const r = await runCli(['run', 'missing.yaml'], { cwd });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split('\n')[0], 'parabench: profile not found: missing.yaml');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for a user mistake');
  });

  test('a YAML syntax error exits 2 and names the line and column', async () => {
    const r = await runCli(['run', 'profiles/broken.yaml'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^parabench: profiles\/broken\.yaml: YAML syntax error at line \d+, column \d+: /);
  });

  test('two mistakes are both named, exit 2', async () => {
    const r = await runCli(['run', 'profiles/two-mistakes.yaml'], { cwd });
    assert.equal(r.code, 2);
    const lines = r.stderr.split('\n');
    assert.equal(lines[0], 'parabench: profiles/two-mistakes.yaml: 2 problems');
    assert.match(lines[1] ?? '', /^ {2}workload\.acounts: unknown key \(did you mean "accounts"\?\)/);
    assert.match(lines[2] ?? '', /^ {2}schedule\.rate: expected a positive rate in transactions per second, found "fast" \(line 11\)$/);
    assert.match(lines[3] ?? '', /^hint: /);
  });

  test('a bad flag value exits 2 and names the flag', async () => {
    const r = await runCli(['run', 'profiles/small.yaml', '--rate', 'fast'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--rate: expected a positive rate in transactions per second, found "fast"/);
  });

  test('an unknown option exits 2', async () => {
    const r = await runCli(['run', 'profiles/small.yaml', '--rat', '5'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^parabench: Unknown arguments?: rat/);
    assert.match(r.stderr, /Run "parabench run --help" for usage\./);
  });

  test('an output directory that cannot be made exits 2 before running', async () => {
    await writeFile(join(cwd, 'a-file'), 'x');
    const r = await runCli(['run', 'profiles/small.yaml', '--out', 'a-file/sub'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^parabench: cannot write the run's results to a-file\/sub: ENOTDIR/);
  });

  test('Ctrl-C stops the schedule, drains, still writes an honest summary, and exits 130', async () => {
    const out = await tempDir();
    const r = await runCli(['run', 'profiles/small.yaml', '--duration', '60s', '--out', out], { cwd, interruptAfterMs: 2500 });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /PASSED \(interrupted\)/);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.aborted, 'interrupted');
    const { tx } = summary;
    assert.equal(tx.sent, tx.committed + tx.failed + tx.errored + tx.timedOut);
    assert.ok(tx.scheduled < 1000, `stopped early: ${tx.scheduled} scheduled of 30000`);
  });

  test('a parallel executor runs from the command line; more threads than cores is refused', async () => {
    const ok = await runCli(['run', 'profiles/small.yaml', '--executor', 'block-stm', '--threads', '2', '--json', '--out', await tempDir()], { cwd, clock: systemClock });
    assert.equal(ok.code, 0, ok.stderr);
    const summary = JSON.parse(ok.stdout);
    assert.deepEqual([summary.target.executor, summary.target.threads], ['block-stm', 2]);
    assert.deepEqual([summary.verification.checked, summary.verification.stateRootMatches], [true, true]);
    assert.equal(summary.bound.threads, 2);
    const tooMany = await runCli(['run', 'profiles/small.yaml', '--executor', 'block-stm', '--threads', '3'], { cwd });
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /^parabench: target\.threads: expected at most 2 \(the cores of this machine\), found 3/);
  });

  test('--no-verify skips the check and says so', async () => {
    const r = await runCli(['run', 'profiles/small.yaml', '--no-verify', '--json', '--out', await tempDir()], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.verification.checked, false);
    assert.ok(summary.warnings.some((w: string) => w.includes('not checked')));
  });

  test('an executor whose results differ from sequential fails the run with exit 1, naming the block and the transaction', async () => {
    registerReversed();
    await writeFile(join(cwd, 'profiles', 'contended.yaml'), PROFILE.replace('  accounts: 500', '  accounts: 3').replace('  payments: {}', '  payments: { amount: { min: 100000, max: 400000 } }'));
    const out = await tempDir();
    const r = await runCli(['run', 'profiles/contended.yaml', '--executor', 'reversed', '--quiet', '--out', out], { cwd });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^parabench: verification failed: block 1, tx \d+: executor said [a-z]+( \([a-z-]+\))?, sequential says [a-z]+/);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.passed, false);
    assert.match(summary.verification.mismatch, /^block \d+, tx \d+/);
  });

  test('an executor that reports no state roots has its receipts checked, and the summary says the roots were not', async () => {
    registerRootless();
    const out = await tempDir();
    const r = await runCli(['run', 'profiles/small.yaml', '--executor', 'rootless', '--quiet', '--out', out], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    const v = summary.verification;
    assert.deepEqual([v.checked, v.receiptsMatch, v.rootsCompared, v.txs], [true, true, 0, summary.executor.txs]);
    assert.match(r.stdout, /verified +\d+ blocks, \d+ tx re-executed sequentially: receipts match \(the target reports no state roots\)/);
    assert.ok(summary.warnings.some((w: string) => w.startsWith(`the target reported state roots for 0 of the ${v.blocks} blocks checked`)), summary.warnings.join('\n'));
  });

  test('on a terminal the progress line is rewritten in place', async () => {
    const r = await runCli(['run', 'profiles/small.yaml', '--out', await tempDir()], { cwd, isTTY: true, env: { NO_COLOR: '1' } });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /\r\x1b\[2Kwarm-up  1s\/3s/);
    assert.doesNotMatch(r.stdout, /\x1b\[3\d?m/, 'NO_COLOR is honoured');
  });
});

describe('parabench record, run --trace, analyze', () => {
  test('record writes a trace that run --trace replays, exit 0', async () => {
    const rec = await runCli(['record', 'profiles/small.yaml', '--trace', 'small.pbt'], { cwd });
    assert.equal(rec.code, 0, rec.stderr);
    assert.match(rec.stdout, /^recorded 1500 transactions to small\.pbt: /);
    const out = await tempDir();
    const r = await runCli(['run', '--trace', 'small.pbt', '--json', '--out', out], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.profile.name, 'small');
    assert.deepEqual({ file: summary.trace.file, speed: summary.trace.speed }, { file: 'small.pbt', speed: 1 });
    assert.equal(summary.tx.sent, 1000);
    assert.equal(summary.verification.stateRootMatches, true);
  });

  test('a replay at 2× speed takes half the time, with the same transactions', async () => {
    const r = await runCli(['run', '--trace', 'small.pbt', '--speed', '2', '--json', '--out', await tempDir()], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.window.durationMs, 1000);
    assert.equal(summary.rate.requested, 1000);
    assert.equal(summary.tx.sent + summary.warmupTx.sent, 1500);
  });

  test('run --trace refuses what the trace fixes, and a corrupt trace, with exit 2', async () => {
    const fixed = await runCli(['run', '--trace', 'small.pbt', '--rate', '5'], { cwd });
    assert.equal(fixed.code, 2);
    assert.match(fixed.stderr, /^parabench: --rate: the trace fixes the traffic; replay it faster or slower with --speed/);
    const bytes = await readFile(join(cwd, 'small.pbt'));
    await writeFile(join(cwd, 'cut.pbt'), bytes.subarray(0, bytes.length - 100));
    const cut = await runCli(['run', '--trace', 'cut.pbt', '--out', await tempDir()], { cwd });
    assert.equal(cut.code, 2);
    assert.match(cut.stderr, /^parabench: cut\.pbt: truncated after \d+ of 1500 transactions \(no trailer: the recording did not finish\) at byte \d+/);
  });

  test('analyze --json gives the bound of the traffic, from a profile or from its trace alike', async () => {
    const fromProfile = await runCli(['analyze', 'profiles/small.yaml', '--threads', '8', '--json'], { cwd });
    assert.equal(fromProfile.code, 0, fromProfile.stderr);
    const a = JSON.parse(fromProfile.stdout);
    for (const field of ['work', 'criticalPath', 'smax', 'slist', 'slock', 'parallelism']) assert.equal(typeof a[field], 'number', field);
    assert.equal(a.threads, 8);
    assert.equal(a.txs, 1500);
    assert.ok(a.smax <= 8 && a.slist <= a.smax + 1e-9);
    assert.ok(Array.isArray(a.hotKeys) && typeof a.hotKeys[0].key === 'string' && typeof a.hotKeys[0].share === 'number');
    assert.equal(a.blocks.length, 15);
    const fromTrace = JSON.parse((await runCli(['analyze', 'small.pbt', '--threads', '8', '--json'], { cwd })).stdout);
    assert.deepEqual({ ...fromTrace, file: undefined, workload: undefined }, { ...a, file: undefined, workload: undefined });
    assert.match(fromTrace.workload, /^payments \(transfer\) · 500 accounts · uniform \(from trace small\.pbt, 1500 tx\)$/);
  });
});

describe('parabench bench executors', () => {
  test('every executor on the same blocks: the bound of those blocks, a speed-up per executor, every root matching', async () => {
    // The shipped executors by name: another test here registers a broken one, which runs by default.
    const args = ['bench', 'executors', '--workload', 'transfers', '--accounts', '1000', '--block-size', '300', '--cost-us', '1', '--blocks', '2', '--executors', 'sequential,block-stm,access-list,sharded', '--json'];
    const spread = await runCli(args, { cwd, clock: systemClock });
    assert.equal(spread.code, 0, spread.stderr);
    const r = JSON.parse(spread.stdout);
    assert.equal(r.schema, 'parabench.bench-executors/v1');
    assert.deepEqual(r.results.map((x: { executor: string }) => x.executor), ['sequential', 'block-stm', 'access-list', 'sharded']);
    for (const x of r.results) {
      assert.equal(x.stateRootMatches, true, x.executor);
      assert.equal(x.threads, x.executor === 'sequential' ? 1 : 2);
      for (const field of ['tps', 'speedup', 'efficiency', 'reexecutionsPerTx', 'validationsPerTx', 'coresUsed']) assert.equal(typeof x[field], 'number', `${x.executor}.${field}`);
    }
    assert.equal(r.results[0].speedup, 1);
    assert.ok(r.bound.smax > 1.9 && r.bound.smax <= 2, `1000 accounts allow both threads: S_max ${r.bound.smax}`);
    // Two accounts: every transfer touches both, a chain the bound must call serial.
    const serial = await runCli(['bench', 'executors', '--workload', 'transfers', '--accounts', '2', '--block-size', '100', '--cost-us', '1', '--blocks', '1', '--executors', 'sequential,block-stm', '--json'], { cwd, clock: systemClock });
    assert.equal(serial.code, 0, serial.stderr);
    const s = JSON.parse(serial.stdout);
    assert.equal(s.bound.smax, 1);
    assert.deepEqual(s.results.map((x: { stateRootMatches: boolean }) => x.stateRootMatches), [true, true]);
  });

  test('an executor whose result differs from sequential fails the benchmark with exit 1, named', async () => {
    registerReversed();
    const r = await runCli(['bench', 'executors', '--workload', 'transfers', '--accounts', '50', '--block-size', '100', '--cost-us', '0', '--blocks', '1', '--executors', 'sequential,reversed'], { cwd, clock: systemClock });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /reversed .* DIFFER/);
    assert.match(r.stderr, /^parabench: state roots differ from sequential's for reversed: that executor computes a different result/);
  });

  test('bad flags are refused with what was expected', async () => {
    const cases: [string[], RegExp][] = [
      [['--workload', 'nope'], /^parabench: --workload: expected one of transfers, .*found "nope"/],
      [['--threads', '3'], /^parabench: target\.threads: expected at most 2 \(the cores of this machine\), found 3/],
      [['--executors', 'block-stm'], /^parabench: --executors: must include sequential/],
      [['--executors', 'sequential,warp'], /^parabench: --executors: expected names among sequential, block-stm, access-list, sharded.*found "warp"/],
      [['--block-size', '0'], /^parabench: --block-size: expected a whole number from 1 to 1000000, found 0/],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli(['bench', 'executors', ...flags], { cwd });
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});

describe('parabench validate, --help, errors', () => {
  test('validate says what a profile would do', async () => {
    const r = await runCli(['validate', 'profiles/small.yaml'], { cwd });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^profiles\/small\.yaml: valid profile "small"/);
    assert.match(r.stdout, /constant-rate 500 tx\/s · 2s measured after 1s warm-up · 1500 transactions/);
  });

  test('validate --json prints the resolved profile', async () => {
    const r = await runCli(['validate', 'profiles/small.yaml', '--json'], { cwd });
    assert.equal(JSON.parse(r.stdout).target.blockTime, 20);
  });

  test('validate of a bad profile exits 2', async () => {
    const r = await runCli(['validate', 'profiles/two-mistakes.yaml'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /2 problems/);
  });

  test('--help lists the commands, the exit codes and the executors', async () => {
    const top = await runCli(['--help'], { cwd });
    assert.equal(top.code, 0);
    for (const c of ['run [profile]', 'validate <profile>', 'record <profile>', 'analyze <input>', 'schema']) assert.ok(top.stdout.includes(c), c);
    assert.match(top.stdout, /Exit codes: 0 passed · 99 a threshold failed · 2 bad input · 1 anything else/);
    const runHelp = await runCli(['run', '--help'], { cwd });
    assert.match(runHelp.stdout, /--executor +executor: sequential/);
  });

  test('no command is a usage error', async () => {
    const r = await runCli([], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /name a command/);
  });

  test('an internal error prints one line and where the full trace is', async () => {
    const crashDir = await tempDir();
    let stderr = '';
    const code = await main({
      argv: ['validate', 'profiles/small.yaml'],
      env: {},
      cwd,
      // A broken stdout (a closed pipe, say) is not the user's mistake: it is an internal error.
      stdout: { write: () => { throw new Error('EPIPE: broken pipe'); }, isTTY: false },
      stderr: { write: (t) => void (stderr += t), isTTY: false },
      clock: { now: () => 0, wallNow: () => new Date(0), setTimeout: () => ({ cancel() {} }) },
      host: { node: 'v', platform: 'p', arch: 'a', cpus: 1, cpuModel: 'c', loadAvg: () => 0 },
      crashDir,
      onInterrupt: () => () => {},
    });
    assert.equal(code, 1);
    const lines = stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const m = /^parabench: internal error: EPIPE: broken pipe \(full trace in (.+)\)$/.exec(lines[0] ?? '');
    assert.ok(m?.[1], stderr);
    assert.ok(existsSync(m[1]));
    assert.match(readFileSync(m[1], 'utf8'), /at .*validate/);
  });
});

describe('parabench dashboards', () => {
  test('--out writes the dashboards, Prometheus config and rules, and provisioning files: the same as the committed ones', async () => {
    const out = await tempDir();
    const r = await runCli(['dashboards', '--out', out], { cwd: out });
    assert.equal(r.code, 0, r.stderr);
    const files = r.stdout.trim().split('\n').map((l) => l.replace(/^wrote /, ''));
    assert.deepEqual(files, ['grafana/parabench-overview.json', 'grafana/parabench-executor.json', 'grafana/parabench-k6.json', 'prometheus/prometheus.yml', 'prometheus/rules.yml', 'provisioning/datasources/parabench.yaml', 'provisioning/dashboards/parabench.yaml']);
    const committed = new URL('../../../dashboards/', import.meta.url).pathname;
    for (const f of files) assert.equal(readFileSync(join(out, f), 'utf8'), readFileSync(join(committed, f), 'utf8'), f);
  });
});
