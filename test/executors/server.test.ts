import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import { systemClock } from '../../core/clock.js';
import { decodeFrame, decodeText, encodeText, FrameEncoder, WIRE_PROTOCOL, type Hello } from '../../core/wire.js';
import { TargetServer } from '../../executors/index.js';
import { kindIds, REASONS, setWorkCalibration } from '../../ledger/index.js';
import { createWorkload } from '../../loadgen/index.js';
import { brokenServer } from '../helpers/broken-server.js';
import { runCli, tempDir } from '../helpers/cli.js';

setWorkCalibration(100);

const config = {
  accounts: 500,
  initialBalance: 1_000_000,
  sampler: { kind: 'uniform' as const },
  fee: { mode: 'none' as const, amount: 1 },
  costUs: 1,
  payments: { weight: 1, kinds: { transfer: 1 }, amount: { min: 1, max: 100 }, merchants: 10, merchantCredit: 'rmw' as const, currencies: 4, corridorPopularity: 1 },
};
const workload = createWorkload(config, 1, { blockSize: 100 });
const txs = Array.from({ length: 300 }, (_, i) => workload.next(i));
const kinds = new Map(kindIds.map((k, i) => [k, i]));
const hello = (session: string): Hello => ({ type: 'hello', protocol: WIRE_PROTOCOL, session, encoding: 'binary', genesis: workload.genesis, kinds: [...kindIds] });

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup) await c();
});

async function server(maxFrameBytes?: number, blockTimeMs = 20): Promise<TargetServer> {
  const s = await TargetServer.start({ executor: 'sequential', threads: 1, blockSize: 100, blockTimeMs, port: 0, ...(maxFrameBytes ? { maxFrameBytes } : {}) });
  cleanup.push(() => s.close());
  return s;
}

/** A raw client: everything the server sends, decoded, in order. */
async function client(url: string, session = 'test'): Promise<{ ws: WebSocket; inbox: unknown[]; closed: Promise<number>; next(): Promise<unknown> }> {
  const ws = new WebSocket(url);
  const inbox: unknown[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (data, isBinary) => {
    inbox.push(isBinary ? decodeFrame(data as Buffer, { kinds: kindIds, reasons: REASONS }) : decodeText(data.toString()));
    wake?.();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(encodeText(hello(session)));
  const next = async (): Promise<unknown> => {
    while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return inbox.shift();
  };
  assert.equal(((await next()) as { type: string }).type, 'welcome');
  return { ws, inbox, closed, next };
}

describe('parabench serve', () => {
  test('malformed frames are answered with errors and the connection carries on; an oversize frame closes it with 1009, and the server lives on', async () => {
    const s = await server(64 * 1024);
    const c = await client(s.url);
    c.ws.send(Buffer.from([0x01, 0x01, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xde, 0xad]));
    assert.deepEqual(await c.next(), {
      type: 'error',
      code: 'malformed',
      message: 'frame rejected, none of its transactions taken: transaction 0 of 5 runs past the end of the 18-byte frame',
      frame: { baseId: 0, count: 5 },
    });
    c.ws.send('not json');
    assert.match(((await c.next()) as { message: string }).message, /^frame rejected, none of its transactions taken: a text frame that is not JSON/);
    c.ws.send(new FrameEncoder().txs(txs.slice(0, 10), kinds));
    const answered = new Set<number>();
    while (answered.size < 10) {
      const m = (await c.next()) as { type: string; receipts?: { id: number }[] };
      for (const r of m.receipts ?? []) answered.add(r.id);
    }
    c.ws.send(Buffer.alloc(64 * 1024 + 1));
    assert.equal(await c.closed, 1009);
    const again = await client(s.url);
    again.ws.close();
  });

  test('a second run is refused while the first is connected, and welcomed once it has gone', async () => {
    const s = await server();
    const a = await client(s.url, 'run-a');
    const b = new WebSocket(s.url);
    await new Promise((resolve) => b.once('open', resolve));
    b.send(encodeText(hello('run-b')));
    const refusal = await new Promise<{ code: string; message: string }>((resolve) => b.once('message', (d) => resolve(JSON.parse(d.toString()))));
    assert.equal(refusal.code, 'busy');
    assert.match(refusal.message, /busy with run "run-a"/);
    a.ws.close();
    await a.closed;
    const c = await client(s.url, 'run-b');
    c.ws.close();
  });

  test('shutting down finishes the block in progress and answers every transaction it took', async () => {
    const s = await TargetServer.start({ executor: 'sequential', threads: 1, blockSize: 100, blockTimeMs: 5000, port: 0 });
    const c = await client(s.url);
    c.ws.send(new FrameEncoder().txs(txs, kinds));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await s.close();
    await c.closed;
    const answers = new Map<number, string>();
    for (const m of c.inbox as { type: string; receipts?: { id: number }[]; ids?: number[]; message?: string }[]) {
      for (const r of m.receipts ?? []) answers.set(r.id, 'receipt');
      for (const id of m.ids ?? []) answers.set(id, m.message ?? '');
    }
    assert.equal(answers.size, 300);
    // Three full blocks ran; nothing was left pending (a block seals at 100 transactions).
    assert.deepEqual(new Set(answers.values()), new Set(['receipt']));
  });

  test('a hello that arrives while the server shuts down is refused with "shutting-down"', async () => {
    // On worker threads, so that the server hears the hello while the block runs.
    const s = await TargetServer.start({ executor: 'block-stm', threads: 1, blockSize: 100, blockTimeMs: 20, port: 0 });
    // A block of slow transactions keeps the shutdown busy finishing it.
    const a = await client(s.url, 'busy-run');
    a.ws.send(new FrameEncoder().txs(txs.slice(0, 50).map((t) => ({ ...t, costUs: 50_000 })), kinds));
    const late = new WebSocket(s.url);
    await new Promise((resolve) => late.once('open', resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reply = new Promise<unknown>((resolve) => late.once('message', (data) => resolve(decodeText(data.toString()))));
    const closing = s.close();
    late.send(encodeText(hello('late-run')));
    assert.deepEqual(await reply, { type: 'error', code: 'shutting-down', message: 'the server is shutting down: no new runs' });
    await closing;
  });

  test('the built-in server passes conformance; a broken one fails it, rule by rule', async () => {
    const s = await server();
    const cwd = await tempDir();
    const good = await runCli(['conformance', s.url], { cwd, clock: systemClock });
    assert.equal(good.code, 0, good.stdout);
    assert.match(good.stdout, /PASSED: 12 of 12 rules hold/);
    const broken = await brokenServer();
    cleanup.push(() => broken.close());
    const bad = await runCli(['conformance', broken.url, '--json', '--timeout', '1s'], { cwd, clock: systemClock });
    assert.equal(bad.code, 99);
    const report = JSON.parse(bad.stdout);
    const failed = Object.fromEntries(report.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string; detail: string }) => [c.name, c.detail]));
    assert.equal(failed['every transaction answered exactly once'], '1000 answered more than once (transaction 0: 2 receipts, 0 errors)');
    assert.equal(failed['blocks: every receipt has a block report, positions 0…n-1 within it, reports in order'], 'receipts name block 1, but no block report for it came');
    assert.equal(failed['a malformed binary frame is answered with a "malformed" error'], 'got nothing');
    const unreachable = await runCli(['conformance', 'ws://127.0.0.1:9/'], { cwd, clock: systemClock });
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /^parabench: cannot reach ws:\/\/127\.0\.0\.1:9\/: connection refused/);
  });

  test('the example target, written from docs/PROTOCOL.md alone, passes conformance and verifies under load', async () => {
    const script = fileURLToPath(new URL('../../../examples/minimal-target/server.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanup.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (ws:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the example exited with ${code}: ${out}`)));
    });
    const cwd = await tempDir();
    const conformance = await runCli(['conformance', url], { cwd, clock: systemClock });
    assert.equal(conformance.code, 0, conformance.stdout);
    assert.match(conformance.stdout, /PASSED: 12 of 12 rules hold/);
    assert.match(conformance.stdout, /receipts match \(the target reports no state roots\)/);
    // Transfers with a fee, which the example implements: checked by their receipts.
    await writeFile(
      join(cwd, 'transfers.yaml'),
      `name: transfers\nwarmup: 0s\nduration: 2s\nworkload: { accounts: 200, initialBalance: 500, costUs: 1, fee: { mode: coinbase, amount: 3 }, payments: { kinds: { transfer: 1 }, amount: { min: 1, max: 200 } } }\nschedule: { kind: constant-rate, rate: 1000 }\ntarget: { kind: ws, url: "${url}" }\n`,
    );
    const out = await tempDir();
    const run = await runCli(['run', 'transfers.yaml', '--quiet', '--out', out], { cwd, clock: systemClock });
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.tx.sent, 2000);
    assert.ok(summary.tx.failed > 0, 'some transfers fail for want of funds, so failure codes travel too');
    assert.deepEqual([summary.tx.committed + summary.tx.failed, summary.tx.errored, summary.tx.timedOut], [2000, 0, 0]);
    assert.deepEqual([summary.verification.checked, summary.verification.receiptsMatch, summary.verification.rootsCompared, summary.verification.txs], [true, true, 0, 2000]);
    assert.equal(summary.target.executor, 'minimal-transfer', 'the welcome names the executor');
    child.kill('SIGINT');
    assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 0);
  });
});
