import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../core/clock.js';
import { TargetServer, type ServerOptions } from '../../executors/index.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

setWorkCalibration(100);

/** A payments profile at `rate` tx/s for `seconds`, with blocks sealed every 20 ms. */
const profile = (name: string, rate: number, seconds: number): string => `name: ${name}
seed: 3
warmup: 0s
duration: ${seconds}s
timeout: 5s
workload:
  accounts: 2000
  costUs: 1
  payments: {}
schedule: { kind: constant-rate, rate: ${rate} }
`;

let cwd = '';
const servers: TargetServer[] = [];

async function serve(options: Partial<ServerOptions> = {}): Promise<TargetServer> {
  const s = await TargetServer.start({ executor: 'sequential', threads: 1, blockSize: 500, blockTimeMs: 20, port: 0, ...options });
  servers.push(s);
  return s;
}

async function runAgainst(server: TargetServer, name: string, extra: string[] = [], interruptAfterMs?: number): Promise<{ code: number; stderr: string; summary: any }> {
  const out = await tempDir();
  const r = await runCli(['run', `profiles/${name}.yaml`, '--target', server.url, '--quiet', '--json', '--out', out, ...extra], {
    cwd,
    clock: systemClock,
    ...(interruptAfterMs !== undefined ? { interruptAfterMs } : {}),
  });
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  return { code: r.code, stderr: r.stderr, summary };
}

before(async () => {
  cwd = await tempDir();
  await mkdir(join(cwd, 'profiles'));
  await writeFile(join(cwd, 'profiles', 'steady.yaml'), profile('steady', 2000, 3));
  await writeFile(join(cwd, 'profiles', 'stall.yaml'), profile('stall', 2000, 6));
  await writeFile(join(cwd, 'profiles', 'long.yaml'), profile('long', 1000, 60));
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('runs over WebSocket against parabench serve', () => {
  test('the offered rate is sent and committed, every second, and the results check out against sequential execution', async () => {
    const server = await serve();
    for (const encoding of ['binary', 'json']) {
      if (encoding === 'json') await writeFile(join(cwd, 'profiles', 'steady-json.yaml'), `${profile('steady-json', 2000, 3)}target: { kind: ws, url: "${server.url}", encoding: json }\n`);
      const { code, stderr, summary } = await runAgainst(server, encoding === 'json' ? 'steady-json' : 'steady');
      assert.equal(code, 0, stderr);
      const { tx } = summary;
      assert.equal(tx.scheduled, 6000);
      assert.deepEqual([tx.sent, tx.committed + tx.failed, tx.errored, tx.timedOut, tx.dropped], [6000, 6000, 0, 0, 0], encoding);
      assert.ok(Math.abs(summary.rate.achieved - 2000) < 20, `${encoding}: achieved ${summary.rate.achieved} tx/s of 2000`);
      for (const w of summary.windows.filter((w: { phase: string }) => w.phase === 'measured').slice(0, -1)) {
        assert.ok(Math.abs(w.sent - 2000) <= 40, `${encoding}: second ${w.second} sent ${w.sent}`);
      }
      assert.equal(summary.target.kind, 'ws');
      assert.equal(summary.target.executor, 'sequential');
      assert.deepEqual([summary.verification.checked, summary.verification.receiptsMatch, summary.verification.stateRootMatches], [true, true, true], encoding);
      assert.equal(summary.verification.txs, 6000);
      assert.equal(summary.verification.rootsCompared, summary.verification.blocks, 'every block came with its state root');
      assert.ok(summary.executor.blocks > 0 && summary.executor.txs === 6000);
    }
  });

  test('a target that stalls 400 ms every 2 s shows in the percentiles, while the full offered rate is still sent', async () => {
    const server = await serve({ faults: { stallEveryMs: 2000, stallForMs: 400 } });
    const { code, stderr, summary } = await runAgainst(server, 'stall');
    assert.equal(code, 0, stderr);
    const { tx, latencyMs } = summary;
    assert.deepEqual([tx.scheduled, tx.sent, tx.dropped, tx.errored, tx.timedOut], [12_000, 12_000, 0, 0, 0]);
    // A fifth of the transactions arrive during a stall and wait up to 400 ms: p99 near 0.95 × 400 ms, the median untouched.
    assert.ok(latencyMs.p99 > 300, `p99 ${latencyMs.p99} ms`);
    assert.ok(latencyMs.p50 < 100, `p50 ${latencyMs.p50} ms`);
    assert.ok(latencyMs.max >= 380 && latencyMs.max < 1000, `max ${latencyMs.max} ms`);
  });

  test('injected errors are counted as errored, by cause, and the rest still checks out', async () => {
    const server = await serve({ faults: { errorRate: 0.05, seed: 7 } });
    const { code, stderr, summary } = await runAgainst(server, 'steady');
    assert.equal(code, 0, stderr);
    const { tx, errors } = summary;
    assert.equal(tx.sent, tx.committed + tx.failed + tx.errored + tx.timedOut);
    assert.ok(tx.errored > 0.03 * tx.sent && tx.errored < 0.07 * tx.sent, `${tx.errored} errored of ${tx.sent}`);
    assert.deepEqual(errors, [{ message: 'injected error (--error-rate)', count: tx.errored + summary.warmupTx.errored }]);
    assert.equal(summary.verification.receiptsMatch, true);
    assert.equal(summary.verification.stateRootMatches, true);
  });

  test('a dropped connection is reopened; what it carried unanswered ends as errored, never lost', async () => {
    const server = await serve({ faults: { dropConnectionAfter: 2500 } });
    const { code, stderr, summary } = await runAgainst(server, 'steady');
    assert.equal(code, 0, stderr);
    const { tx, errors } = summary;
    assert.equal(tx.sent, tx.committed + tx.failed + tx.errored + tx.timedOut);
    assert.equal(tx.scheduled, tx.sent + tx.dropped);
    // 6000 transactions, a connection cut every 2500: two cuts, two reconnects, and the run goes on.
    assert.ok(tx.committed + tx.failed > 4000, `only ${tx.committed + tx.failed} answered`);
    assert.ok(tx.errored > 0, 'something was in flight when the connection was cut');
    const causes = new Set(errors.map((e: { message: string }) => e.message));
    assert.ok(causes.has('connection lost'), [...causes].join('; '));
    assert.equal(errors.reduce((n: number, e: { count: number }) => n + e.count, 0), tx.errored + summary.warmupTx.errored);
    assert.equal(summary.verification.mismatch, null);
  });

  test('Ctrl-C writes a partial summary and exits 130', async () => {
    const server = await serve();
    const { code, summary } = await runAgainst(server, 'long', [], 1500);
    assert.equal(code, 130);
    assert.equal(summary.aborted, 'interrupted');
    const { tx } = summary;
    assert.equal(tx.sent, tx.committed + tx.failed + tx.errored + tx.timedOut);
    assert.ok(tx.sent > 1000 && tx.sent < 3000, `${tx.sent} sent in 1.5 s at 1000 tx/s`);
  });

  test('a target that is not listening: exit 1 within 5 s, saying so', async () => {
    const started = performance.now();
    const r = await runCli(['run', 'profiles/steady.yaml', '--target', 'ws://127.0.0.1:9/', '--quiet'], { cwd, clock: systemClock });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^parabench: cannot reach ws:\/\/127\.0\.0\.1:9\/: connection refused\n/);
    assert.doesNotMatch(r.stderr, /full trace/);
    assert.ok(performance.now() - started < 5000);
  });

  test('a bad --target is refused as bad input', async () => {
    const r = await runCli(['run', 'profiles/steady.yaml', '--target', 'tcp://x'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--target: expected "inproc" or a target URL such as ws:\/\/127\.0\.0\.1:8545\/, http:\/\/127\.0\.0\.1:8545\/ or evm\+http:\/\/127\.0\.0\.1:8545, found "tcp:\/\/x"/);
  });
});

describe('runs over HTTP against parabench serve', () => {
  test('open loop over keep-alive sockets: the offered rate is sent and committed, and checks out against sequential execution', async () => {
    const server = await serve();
    const url = server.url.replace('ws://', 'http://');
    const out = await tempDir();
    const r = await runCli(['run', 'profiles/steady.yaml', '--target', url, '--quiet', '--json', '--out', out], { cwd, clock: systemClock });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    const { tx } = summary;
    assert.deepEqual([tx.sent, tx.committed + tx.failed, tx.errored, tx.timedOut, tx.dropped], [6000, 6000, 0, 0, 0]);
    assert.ok(Math.abs(summary.rate.achieved - 2000) < 20, `achieved ${summary.rate.achieved} tx/s of 2000`);
    assert.equal(summary.target.kind, 'http');
    assert.deepEqual([summary.verification.checked, summary.verification.receiptsMatch, summary.verification.stateRootMatches, summary.verification.txs], [true, true, true, 6000]);
    // Blocks shared by several requests are reported in each answer, and counted once.
    assert.equal(summary.executor.txs, 6000);
  });

  test('injected errors and cut sockets are counted as errored, by cause', async () => {
    const server = await serve({ faults: { errorRate: 0.05, dropConnectionAfter: 20, seed: 3 } });
    const url = server.url.replace('ws://', 'http://');
    const r = await runCli(['run', 'profiles/steady.yaml', '--target', url, '--quiet', '--json', '--out', await tempDir()], { cwd, clock: systemClock });
    assert.equal(r.code, 0, r.stderr);
    const { tx, errors, warmupTx } = JSON.parse(r.stdout);
    assert.equal(tx.sent, tx.committed + tx.failed + tx.errored + tx.timedOut);
    const causes = Object.fromEntries(errors.map((e: { message: string; count: number }) => [e.message, e.count]));
    assert.ok(causes['injected error (--error-rate)'] > 0.03 * tx.sent, JSON.stringify(causes));
    assert.ok(causes['connection lost'] > 0, JSON.stringify(causes));
    assert.equal(Object.values(causes).reduce((a: number, b) => a + (b as number), 0), tx.errored + warmupTx.errored);
  });

  test('a target that is not listening: exit 1, saying so', async () => {
    const r = await runCli(['run', 'profiles/steady.yaml', '--target', 'http://127.0.0.1:9/', '--quiet'], { cwd, clock: systemClock });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^parabench: cannot reach http:\/\/127\.0\.0\.1:9\/: connection refused\n/);
  });
});

describe('closed loop', () => {
  test('keeps inFlight transactions going over ws, over HTTP (autocannon) and in process, and accounts for each', async () => {
    await writeFile(join(cwd, 'profiles', 'closed.yaml'), `name: closed
duration: 2s
workload: { accounts: 2000, costUs: 1, payments: {} }
schedule: { kind: closed-loop, inFlight: 400, batch: 50 }
`);
    const server = await serve();
    for (const target of [server.url, server.url.replace('ws://', 'http://'), 'inproc']) {
      const r = await runCli(['run', 'profiles/closed.yaml', '--target', target, '--quiet', '--json', '--out', await tempDir()], { cwd, clock: systemClock });
      assert.equal(r.code, 0, `${target}: ${r.stderr}`);
      const summary = JSON.parse(r.stdout);
      const { tx } = summary;
      assert.equal(tx.sent, tx.committed + tx.failed + tx.errored + tx.timedOut, target);
      assert.deepEqual([tx.errored, tx.timedOut, tx.dropped], [0, 0, 0], target);
      assert.ok(tx.sent > 2000, `${target}: only ${tx.sent} sent in 2 s with 400 in flight`);
      for (const w of summary.windows) assert.ok(w.inFlight <= 400, `${target}: ${w.inFlight} in flight at second ${w.t}`);
      assert.equal(summary.verification.stateRootMatches, true, target);
    }
  });

  test('has no traffic of its own to record or analyze', async () => {
    for (const command of ['record', 'analyze']) {
      const r = await runCli(command === 'record' ? ['record', 'profiles/closed.yaml', '--trace', 'x.pbt'] : ['analyze', 'profiles/closed.yaml'], { cwd });
      assert.equal(r.code, 2, command);
      assert.match(r.stderr, /schedule\.kind closed-loop has no traffic of its own: the target sets its pace/);
    }
  });
});
