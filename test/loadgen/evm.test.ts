/**
 * The EVM adapter's parts against a real node (anvil, interval mining): accounts funded, transfers
 * signed in advance and sent in JSON-RPC batches, and every one of them found in the chain's
 * blocks, the mined count equal to what the blocks contain.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { parseGwei } from 'viem';
import { accountOf, accounts, automines, fundAccounts } from '../../loadgen/targets/evm/accounts.js';
import { EvmTarget } from '../../loadgen/targets/evm/evm-target.js';
import { InclusionTracker } from '../../loadgen/targets/evm/inclusion.js';
import { JsonRpc, RpcUnreachable, WsJsonRpc } from '../../loadgen/targets/evm/rpc.js';
import { signTx } from '../../loadgen/targets/evm/transactions.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../../core/clock.js';
import { createWorkload } from '../../loadgen/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { startAnvil, type Anvil } from '../helpers/anvil.js';
import { freePort } from '../helpers/net.js';
import { payments } from '../helpers/plans.js';

let anvil: Anvil;
before(async () => {
  anvil = await startAnvil({ blockTime: 1 });
});
after(async () => {
  await anvil?.stop();
});

describe('EVM adapter parts, against anvil', () => {
  test('transfers signed in advance, sent in batches, all found in blocks: mined = what the blocks contain', async () => {
    const rpc = new JsonRpc(anvil.url);
    assert.equal(Number(await rpc.call<string>('eth_chainId')), anvil.chainId);
    assert.equal(await automines(rpc), false, 'interval mining, not automine');
    const workload = createWorkload(
      payments({ accounts: 50, initialBalance: 1e9, costUs: 1 }, { kinds: { transfer: 1 }, amount: { min: 1, max: 1000 } }),
      5,
      { blockSize: 100 },
    );
    const txs = Array.from({ length: 300 }, (_, i) => workload.next(i));
    await fundAccounts(rpc, new Map(accounts(5, 50).map((a) => [a.address, 10n ** 20n])), { mode: 'set-balance', chainId: anvil.chainId, maxFeePerGas: parseGwei('100') });
    const signed = [];
    for (const tx of txs) signed.push(await signTx(tx, { chainId: anvil.chainId, account: (i) => accountOf(5, i), merchant: (m) => accountOf(5, `merchant:${m}`).address, maxFeePerGas: parseGwei('100'), deployment: { tokens: [], collections: [] }, asset: 'native' }));
    // Blocks over 10 transactions count as large here: their receipts are sampled, not all read.
    const tracker = new InclusionTracker(rpc, () => Date.now(), 10);
    await tracker.start();
    for (const s of signed) tracker.expect(s.hash, s.id);
    for (let from = 0; from < signed.length; from += 100) {
      const answers = await rpc.batch(signed.slice(from, from + 100).map((s) => ({ method: 'eth_sendRawTransaction', params: [s.raw] })));
      answers.forEach((a, i) => assert.ok(!('error' in a), `transaction ${from + i}: ${'error' in a ? a.error.message : ''}`));
    }
    const mined = new Map<number, { block: number; position: number }>();
    const deadline = Date.now() + 20_000;
    while (tracker.pending > 0 && Date.now() < deadline) {
      for (const inc of await tracker.poll()) mined.set(inc.id, inc);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(mined.size, 300, `${tracker.pending} never mined`);
    assert.equal(tracker.blocks.reduce((n, b) => n + b.txs, 0), 300, 'the blocks hold exactly what was sent');
    assert.ok(tracker.blocks.filter((b) => b.txs > 0).length >= 1);
    assert.equal(tracker.blocks.reduce((n, b) => n + b.gasUsed, 0), 300 * 21_000, 'every transfer used 21,000 gas: none reverted');
    // 300 sent within a second land in one or two blocks: a sample of 64 of each was read, and none reverted.
    assert.ok(tracker.receipts.sampledBlocks >= 1 && tracker.receipts.checked <= 64 * tracker.receipts.sampledBlocks + 64, JSON.stringify(tracker.receipts));
    assert.ok(tracker.receipts.checked > 0 && tracker.receipts.checked < 300);
    assert.equal(tracker.receipts.reverted, 0);
    // Per sender, nonces were mined in order.
    const bySender = new Map<number, number[]>();
    for (const tx of txs) bySender.set(tx.sender, [...(bySender.get(tx.sender) ?? []), tx.id]);
    for (const ids of bySender.values()) {
      const order = ids.map((id) => mined.get(id)!).map((m) => m.block * 1e6 + m.position);
      assert.deepEqual(order, [...order].sort((a, b) => a - b));
    }
  });

  test('a node that is not listening is told apart from one that errs', async () => {
    const closed = await freePort();
    await assert.rejects(new JsonRpc(`http://127.0.0.1:${closed}`, 2000).call('eth_chainId'), (e: unknown) => e instanceof RpcUnreachable && new RegExp(`cannot reach http://127\\.0\\.0\\.1:${closed}: connection refused`).test((e as Error).message));
    await assert.rejects(new JsonRpc(anvil.url).call('eth_noSuchMethod'), (e: unknown) => !(e instanceof RpcUnreachable));
    // A WebSocket that opens but never answers: the call gives up, saying the request may have arrived.
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => silent.once('listening', resolve));
    const rpc = new WsJsonRpc(`ws://127.0.0.1:${(silent.address() as AddressInfo).port}`, 300);
    await assert.rejects(rpc.call('eth_chainId'), (e: unknown) => e instanceof RpcUnreachable && e.delivered && /no answer within 0\.3 s/.test(e.message));
    await rpc.close();
    silent.close();
  });

  test('parabench run --target evm+http://: payments as native transfers, sent and mined counted apart, every one accounted for', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, 'pay.yaml'),
      `name: evm-pay\nseed: 4\nwarmup: 1s\nduration: 3s\ntimeout: 5s\nworkload: { accounts: 100, costUs: 1, payments: { kinds: { transfer: 1 }, amount: { min: 1, max: 1000 } } }\nschedule: { kind: constant-rate, rate: 100 }\n`,
    );
    const rpc = new JsonRpc(anvil.url);
    const before = Number(await rpc.call<string>('eth_blockNumber'));
    const r = await runCli(['run', 'pay.yaml', '--target', anvil.url.replace('http://', 'evm+http://'), '--quiet', '--out', 'out'], { cwd, clock: systemClock });
    // (stdout holds the table)
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(await readFile(join(cwd, 'out', 'summary.json'), 'utf8'));
    assert.equal(s.target.kind, 'evm');
    assert.match(s.target.executor, /^anvil\//);
    const sent = s.tx.sent + s.warmupTx.sent;
    assert.equal(sent, 400);
    assert.deepEqual([s.tx.committed + s.warmupTx.committed, s.tx.errored, s.tx.timedOut, s.tx.dropped], [400, 0, 0, 0]);
    // Mined, by the node's own count: the blocks since the run began hold exactly what was sent.
    const after = Number(await rpc.call<string>('eth_blockNumber'));
    let inBlocks = 0;
    for (let b = before + 1; b <= after; b++) inBlocks += Number(await rpc.call<string>('eth_getBlockTransactionCountByNumber', [`0x${b.toString(16)}`]));
    assert.equal(inBlocks, 400);
    // The summary's own count of the chain agrees: every block since the start, and their gas.
    assert.equal(s.chain.ours, 400);
    assert.ok(s.chain.txs >= 400 && s.chain.blocks >= 3, JSON.stringify(s.chain));
    assert.equal(s.chain.gasUsed.total, s.chain.txs * 21_000, 'native transfers use 21,000 gas each');
    assert.match(r.stdout, /chain +\d+ blocks · 400 of the run's tx mined/);
    assert.ok(s.latencyMs.p50 > 0 && s.latencyMs.p99 < 5000, `inclusion latency p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms`);
  });

  test('transactions the run drops leave no nonce gap: fillers take their nonces, and every later transaction of the sender is mined', async () => {
    const cwd = await tempDir();
    // 20 senders, 400 tx/s, at most 60 in flight against 1 s blocks: many are dropped, by every sender.
    await writeFile(
      join(cwd, 'drops.yaml'),
      `name: evm-drops\nseed: 8\nwarmup: 0s\nduration: 3s\ntimeout: 5s\nmaxInFlight: 60\nworkload: { accounts: 20, costUs: 1, payments: { kinds: { transfer: 1 }, amount: { min: 1, max: 1000 } } }\nschedule: { kind: constant-rate, rate: 400 }\n`,
    );
    const rpc = new JsonRpc(anvil.url);
    const before = Number(await rpc.call<string>('eth_blockNumber'));
    const r = await runCli(['run', 'drops.yaml', '--target', anvil.url.replace('http://', 'evm+http://'), '--quiet', '--out', 'out'], { cwd, clock: systemClock });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(await readFile(join(cwd, 'out', 'summary.json'), 'utf8'));
    assert.ok(s.tx.dropped > 100, `dropped ${s.tx.dropped}`);
    assert.deepEqual([s.tx.committed, s.tx.errored, s.tx.timedOut], [s.tx.sent, 0, 0], 'every transaction sent was mined, none stuck behind a gap');
    // Wait for the last filler-backed block, then count: the blocks hold what was sent, plus one filler per gap.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = Number(await rpc.call<string>('eth_blockNumber'));
    let inBlocks = 0;
    for (let b = before + 1; b <= after; b++) inBlocks += Number(await rpc.call<string>('eth_getBlockTransactionCountByNumber', [`0x${b.toString(16)}`]));
    const fillers = inBlocks - s.tx.sent;
    assert.ok(fillers > 0 && fillers <= s.tx.dropped, `${fillers} fillers for ${s.tx.dropped} dropped`);
  });

  test('over WebSocket (evm+ws://): blocks announced by newHeads, the same accounting', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, 'ws.yaml'),
      `name: evm-ws\nseed: 12\nwarmup: 0s\nduration: 2s\ntimeout: 5s\nworkload: { accounts: 50, costUs: 1, payments: { kinds: { transfer: 1 }, amount: { min: 1, max: 1000 } } }\nschedule: { kind: constant-rate, rate: 100 }\n`,
    );
    const r = await runCli(['run', 'ws.yaml', '--target', anvil.url.replace('http://', 'evm+ws://'), '--quiet', '--out', 'out'], { cwd, clock: systemClock });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(await readFile(join(cwd, 'out', 'summary.json'), 'utf8'));
    assert.equal(s.target.url, anvil.url.replace('http://', 'evm+ws://'));
    assert.deepEqual([s.tx.sent, s.tx.committed, s.tx.errored, s.tx.timedOut], [200, 200, 0, 0]);
    // The announcements themselves: a subscription hears of the next block.
    const ws = new WsJsonRpc(anvil.url.replace('http://', 'ws://'));
    const heard = new Promise<void>((resolve) => void ws.onNewHeads(resolve));
    await Promise.race([heard, new Promise((_, reject) => setTimeout(() => reject(new Error('no newHeads within 3 s')), 3000))]);
    await ws.close();
  });

  test('a transaction the node refuses fails with the node\'s message, and its sender\'s later transactions still mine', async () => {
    const seed = 21;
    const workload = createWorkload(
      payments({ accounts: 5, initialBalance: 1e9, costUs: 1 }, { kinds: { transfer: 1 }, amount: { min: 1, max: 1000 } }),
      seed,
      { blockSize: 100 },
    );
    const txs = Array.from({ length: 60 }, (_, i) => workload.next(i));
    const target = new EvmTarget({ url: anvil.url.replace('http://', 'evm+http://'), seed, pollMs: 100 });
    await target.prepare(txs, txs.length, workload.genesis);
    // Someone else takes the first nonce of the first transaction's sender after it was signed.
    const victim = txs[0]!;
    const rpc = new JsonRpc(anvil.url);
    const base = Number(await rpc.call<string>('eth_getTransactionCount', [accountOf(seed, victim.sender).address, 'pending']));
    const intruder = await accountOf(seed, victim.sender).signTransaction({ type: 'eip1559', chainId: anvil.chainId, nonce: base, to: accountOf(seed, victim.sender).address, value: 7n, gas: 21_000n, maxFeePerGas: parseGwei('100'), maxPriorityFeePerGas: 0n });
    await rpc.call('eth_sendRawTransaction', [intruder]);
    const answers = new Map<number, { status: string; reason?: string }>();
    await target.open({
      genesis: workload.genesis,
      clock: systemClock,
      onReceipts: (rs) => rs.forEach((r) => answers.set(r.id, r.reason === undefined ? { status: r.status } : { status: r.status, reason: r.reason })),
      onErrors: (ids, e) => ids.forEach((id) => answers.set(id, { status: 'errored', reason: e.message })),
    });
    target.submit(txs);
    const deadline = Date.now() + 15_000;
    while (answers.size < txs.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    await target.close();
    // Its nonce was taken by a transaction still pending (or already mined): either is the node's word.
    assert.equal(answers.get(victim.id)?.status, 'failed');
    assert.match(answers.get(victim.id)?.reason ?? '', /^node: (nonce too low|replacement transaction underpriced)$/);
    const later = txs.filter((t) => t.sender === victim.sender && t.id !== victim.id);
    assert.ok(later.length > 0);
    for (const t of later) assert.equal(answers.get(t.id)?.status, 'committed', `transaction ${t.id} of the same sender`);
    assert.equal([...answers.values()].filter((a) => a.status === 'committed').length, txs.length - 1);
  });

  test('a chain id other than the profile\'s stops the run before anything is sent (exit 2); a node that is not there, exit 1 within 5 s', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, 'chain.yaml'),
      `name: evm-chain\nduration: 1s\nworkload: { accounts: 10, payments: { kinds: { transfer: 1 } } }\nschedule: { kind: constant-rate, rate: 10 }\ntarget: { kind: evm, url: "${anvil.url.replace('http://', 'evm+http://')}", chainId: 1 }\n`,
    );
    const rpc = new JsonRpc(anvil.url);
    const pending = Number(await rpc.call<string>('eth_getTransactionCount', [accountOf(1, 0).address, 'pending']));
    const wrong = await runCli(['run', 'chain.yaml', '--quiet'], { cwd, clock: systemClock });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /target\.chainId: the profile expects chain 1, evm\+http:\/\/127\.0\.0\.1:\d+ is chain 31337; nothing was sent/);
    assert.equal(Number(await rpc.call<string>('eth_getTransactionCount', [accountOf(1, 0).address, 'pending'])), pending);
    const closed = await freePort();
    const started = Date.now();
    const gone = await runCli(['run', 'chain.yaml', '--quiet', '--target', `evm+http://127.0.0.1:${closed}`], { cwd, clock: systemClock });
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, new RegExp(`^parabench: cannot reach evm\\+http://127\\.0\\.0\\.1:${closed}: connection refused`));
    assert.ok(Date.now() - started < 5000);
  });
});
