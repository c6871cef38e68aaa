/**
 * Every workload family against a real EVM node (anvil, interval mining), through the CLI: the
 * run's count of each transaction's end agrees with the chain's own blocks and receipts, and the
 * contracts' state afterwards agrees with the calls that succeeded. Also: funding by transfers, a
 * refused transaction that leaves a nonce gap, and the signed cache on a fresh chain.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeFunctionData, decodeFunctionResult, encodeFunctionData, parseEventLogs, type Abi, type Address, type Hex, type Log } from 'viem';
import { systemClock } from '../../core/clock.js';
import { createWorkload } from '../../loadgen/index.js';
import { accountOf } from '../../loadgen/targets/evm/accounts.js';
import { Collection, Dao, Disperse, Exchange, Token } from '../../loadgen/targets/evm/contracts/artifacts.js';
import { EvmTarget } from '../../loadgen/targets/evm/evm-target.js';
import { JsonRpc } from '../../loadgen/targets/evm/rpc.js';
import { startAnvil, type Anvil } from '../helpers/anvil.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { payments } from '../helpers/plans.js';
import { startRpcProxy } from '../helpers/rpc-proxy.js';

/** anvil's first dev account (a well-known test key): a funded account that is not ours. */
const ANVIL_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ANVIL_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

let anvil: Anvil;
let rpc: JsonRpc;
before(async () => {
  anvil = await startAnvil({ blockTime: 1 });
  rpc = new JsonRpc(anvil.url);
});
after(async () => {
  await anvil?.stop();
});

interface MinedTx {
  readonly hash: Hex;
  readonly from: Address;
  readonly to: Address | null;
  readonly input: Hex;
  readonly ok: boolean;
}

/** Every transaction in blocks (from, to], with its receipt's status: the chain's own record. */
async function minedBetween(node: JsonRpc, from: number, to: number): Promise<MinedTx[]> {
  const out: MinedTx[] = [];
  for (let b = from + 1; b <= to; b++) {
    const block = await node.call<{ transactions: { hash: Hex; from: Address; to: Address | null; input: Hex }[] }>('eth_getBlockByNumber', [`0x${b.toString(16)}`, true]);
    const receipts = await node.call<{ transactionHash: Hex; status: Hex }[]>('eth_getBlockReceipts', [`0x${b.toString(16)}`]);
    const status = new Map(receipts.map((r) => [r.transactionHash, r.status === '0x1']));
    for (const t of block.transactions) out.push({ hash: t.hash, from: t.from, to: t.to, input: t.input, ok: status.get(t.hash) ?? false });
  }
  return out;
}

async function read<const A extends Abi>(node: JsonRpc, abi: A, to: Address, functionName: string, args: readonly unknown[] = []): Promise<unknown> {
  const data = encodeFunctionData({ abi, functionName, args } as never);
  const result = await node.call<Hex>('eth_call', [{ to, data }, 'latest']);
  return decodeFunctionResult({ abi, functionName, data: result } as never);
}

interface Ran {
  readonly summary: {
    tx: { sent: number; committed: number; failed: number; errored: number; timedOut: number; dropped: number };
    warmupTx: { sent: number; committed: number; failed: number };
    chain: { ours: number; txs: number; gasUsed: { total: number }; perBlock: { number: number; txs: number; ours: number; gasUsed: number }[]; receipts: { checked: number; reverted: number; sampledBlocks: number }; prepare: { setupTxs: number; signed: number; cached: number; funding: string } };
  };
  readonly stdout: string;
  readonly stderr: string;
  readonly mined: MinedTx[];
}

/** Runs a profile against `node` and waits a block more, so that the chain holds everything the run sent. */
async function runAgainst(node: { url: string }, profile: string, env: Record<string, string> = { PARABENCH_CACHE: 'off' }, nodeRpc = rpc): Promise<Ran> {
  const cwd = await tempDir();
  await writeFile(join(cwd, 'p.yaml'), profile);
  const start = Number(await nodeRpc.call<Hex>('eth_blockNumber'));
  const r = await runCli(['run', 'p.yaml', '--target', node.url.replace('http://', 'evm+http://'), '--out', 'out'], { cwd, clock: systemClock, env });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const end = Number(await nodeRpc.call<Hex>('eth_blockNumber'));
  const summary = JSON.parse(await readFile(join(cwd, 'out', 'summary.json'), 'utf8')) as Ran['summary'];
  return { summary, stdout: r.stdout, stderr: r.stderr, mined: await minedBetween(nodeRpc, start, end) };
}

/** The run's books against the chain's: every transaction in one bucket, and each bucket as the receipts say. */
function assertAccounted(ran: Ran, setupTxs: number): MinedTx[] {
  const { tx, warmupTx, chain } = ran.summary;
  const sent = tx.sent + warmupTx.sent;
  assert.deepEqual([tx.errored, tx.timedOut, tx.dropped], [0, 0, 0], JSON.stringify(tx));
  assert.equal(tx.sent, tx.committed + tx.failed);
  const ours = ran.mined.slice(setupTxs);
  assert.equal(ours.length, sent, 'the blocks hold exactly what the run sent, after the set-up transactions');
  assert.equal(ours.filter((m) => m.ok).length, tx.committed + warmupTx.committed, 'committed = receipts with status 1');
  assert.equal(ours.filter((m) => !m.ok).length, tx.failed + warmupTx.failed, 'failed = receipts with status 0');
  assert.equal(chain.ours, sent);
  // Block by block: the run's own, all of them, and the gas, adding up to the totals.
  assert.equal(chain.perBlock.reduce((n, b) => n + b.ours, 0), chain.ours);
  assert.equal(chain.perBlock.reduce((n, b) => n + b.txs, 0), chain.txs);
  assert.equal(chain.perBlock.reduce((n, b) => n + b.gasUsed, 0), chain.gasUsed.total);
  assert.ok(chain.perBlock.every((b, i) => i === 0 || b.number === chain.perBlock[i - 1]!.number + 1), 'consecutive blocks');
  assert.deepEqual(chain.receipts, { checked: sent, reverted: tx.failed + warmupTx.failed, sampledBlocks: 0 });
  assert.equal(chain.prepare.setupTxs, setupTxs);
  return ours;
}

const deployer = accountOf(7, 'deployer').address;

describe('every workload family on a real EVM node (anvil)', () => {
  test('payments as ERC-20 transfers (target.asset: erc20): every transfer mined, the token supply conserved', async () => {
    const ran = await runAgainst(
      anvil,
      `name: erc20\nseed: 7\nwarmup: 0s\nduration: 2s\ntimeout: 8s\nworkload: { accounts: 60, costUs: 1, payments: { kinds: { transfer: 9, micropay: 1 }, merchants: 3 } }\nschedule: { kind: constant-rate, rate: 100 }\ntarget: { kind: evm, url: "evm+http://127.0.0.1:1", asset: erc20 }\n`,
    );
    const setup = ran.mined.filter((m) => m.from.toLowerCase() === deployer.toLowerCase()).length;
    assert.ok(setup >= 2, 'a token deployed and minted');
    const ours = assertAccounted(ran, setup);
    assert.equal(ran.summary.tx.failed, 0);
    const token = ours[0]!.to!;
    assert.ok(ours.every((m) => m.to === token), 'every payment is a call to the token');
    const holders = [...Array.from({ length: 60 }, (_, i) => accountOf(7, i).address), ...[0, 1, 2].map((m) => accountOf(7, `merchant:${m}`).address)];
    let total = 0n;
    for (const h of holders) total += (await read(rpc, Token.abi, token, 'balanceOf', [h])) as bigint;
    assert.equal(total, (await read(rpc, Token.abi, token, 'totalSupply')) as bigint, 'balances add up to the supply: nothing created or lost');
    const toMerchants = ours.filter((m) => {
      const call = decodeFunctionData({ abi: Token.abi, data: m.input });
      return call.functionName === 'transfer' && [0, 1, 2].some((k) => accountOf(7, `merchant:${k}`).address === call.args[0]);
    });
    assert.ok(toMerchants.length > 0, 'micropayments go to the merchants');
    const { warnings } = ran.summary as unknown as { warnings: string[] };
    assert.ok(warnings.includes(`an EVM node's results are its receipts, not re-executed on the sequential reference: ${ours.length} of ${ours.length} read, 0 reverted`), warnings.join('; '));
  });

  test('DeFi swaps along routes of constant-product pools: reserves are what the exchange holds, and k never shrinks', async () => {
    const ran = await runAgainst(
      anvil,
      `name: swaps\nseed: 7\nwarmup: 0s\nduration: 2s\ntimeout: 8s\nworkload: { accounts: 200, costUs: 1, defi: { kinds: { swap: 1 }, tokens: 4, pools: 5, lendingUsers: 100, oracle: { updatesPerBlock: 0 } } }\nschedule: { kind: constant-rate, rate: 100 }\n`,
    );
    const setup = ran.mined.filter((m) => m.from.toLowerCase() === deployer.toLowerCase()).length;
    const ours = assertAccounted(ran, setup);
    const exchange = ours[0]!.to!;
    const routes = ours.map((m) => decodeFunctionData({ abi: Exchange.abi, data: m.input }));
    assert.ok(routes.every((c) => c.functionName === 'swap'));
    assert.ok(routes.some((c) => c.functionName === 'swap' && c.args[2].length > 2), 'some swaps take more than one hop');
    const held = new Map<Address, bigint>();
    let moved = 0;
    for (let p = 0; p < 5; p++) {
      const [token0, token1, r0, r1] = (await read(rpc, Exchange.abi, exchange, 'pools', [BigInt(p)])) as [Address, Address, bigint, bigint];
      held.set(token0, (held.get(token0) ?? 0n) + r0);
      held.set(token1, (held.get(token1) ?? 0n) + r1);
      const k0 = 1_000_000_000n * 1_000_000_000n;
      assert.ok(r0 * r1 >= k0, `pool ${p}: x·y ${r0 * r1} fell below ${k0}`);
      if (r0 !== 1_000_000_000n) moved++;
    }
    assert.ok(moved > 0, 'swaps moved the reserves');
    for (const [token, reserves] of held) assert.equal((await read(rpc, Token.abi, token, 'balanceOf', [exchange])) as bigint, reserves, `the exchange holds its pools' reserves of ${token}`);
  });

  test('NFT mints on each collection\'s shared counter, transfers, listings and sales: counters count the mints, creators got their royalties', async () => {
    const ran = await runAgainst(
      anvil,
      `name: nft\nseed: 7\nwarmup: 0s\nduration: 3s\ntimeout: 8s\nworkload: { accounts: 60, costUs: 1, nft: { kinds: { nft-mint: 2, nft-transfer: 1, nft-list: 2, nft-buy: 2 }, collections: 3, players: 50 } }\nschedule: { kind: constant-rate, rate: 100 }\n`,
    );
    const setup = ran.mined.filter((m) => m.from.toLowerCase() === deployer.toLowerCase()).length;
    assert.equal(setup, 3, 'three collections deployed');
    const ours = assertAccounted(ran, setup);
    const mints = new Map<Address, number>();
    const sales = new Map<Address, number>();
    const sent = new Map<string, number>();
    for (const m of ours) {
      const call = decodeFunctionData({ abi: Collection.abi, data: m.input });
      sent.set(call.functionName, (sent.get(call.functionName) ?? 0) + 1);
      if (call.functionName === 'mint' && m.ok) mints.set(m.to!, (mints.get(m.to!) ?? 0) + 1);
      if (call.functionName === 'buy' && m.ok) sales.set(m.to!, (sales.get(m.to!) ?? 0) + 1);
    }
    for (const f of ['mint', 'transferFrom', 'list', 'buy']) assert.ok((sent.get(f) ?? 0) > 0, `${f} was sent`);
    assert.ok([...sales.values()].reduce((a, b) => a + b, 0) > 0, 'some sales went through');
    for (const [collection, n] of mints) assert.equal((await read(rpc, Collection.abi, collection, 'nextId')) as bigint, BigInt(n));
    const end = Number(await rpc.call<Hex>('eth_blockNumber'));
    for (const [c, collection] of [...new Set(ours.map((m) => m.to!))].entries()) {
      const logs = await rpc.call<Log[]>('eth_getLogs', [{ address: collection, fromBlock: '0x0', toBlock: `0x${end.toString(16)}` }]);
      const sold = parseEventLogs({ abi: Collection.abi, logs, eventName: 'Sold' });
      assert.equal(sold.length, sales.get(collection) ?? 0, `collection ${c}: a Sold event per successful purchase`);
      const creator = (await read(rpc, Collection.abi, collection, 'creator')) as Address;
      const royalties = sold.reduce((sum, e) => sum + (e.args.price * 500n) / 10_000n, 0n);
      assert.equal(BigInt(await rpc.call<Hex>('eth_getBalance', [creator, 'latest'])), royalties, `collection ${c}: the creator holds exactly its royalties`);
    }
  });

  test('a call that reverts fails, with the contract\'s reason where the node can trace it: mints past a sold-out collection', async () => {
    const ran = await runAgainst(
      anvil,
      `name: sold-out\nseed: 7\nwarmup: 0s\nduration: 1s\ntimeout: 8s\nworkload: { accounts: 60, costUs: 1, nft: { kinds: { nft-mint: 1 }, collections: 1, maxSupply: 5, players: 50 } }\nschedule: { kind: constant-rate, rate: 40 }\n`,
    );
    assertAccounted(ran, 1);
    const { tx, failures } = ran.summary as unknown as { tx: Ran['summary']['tx']; failures: { reason: string; count: number }[] };
    assert.deepEqual([tx.committed, tx.failed], [5, 35], 'five tokens, then every mint reverts');
    assert.deepEqual(failures, [{ reason: 'reverted: sold out', count: 35 }]);
    assert.match(ran.stdout, /35 × reverted: sold out/);
  });

  test('DAO votes, proposals and executions: each tally is its successful votes, the counter its proposals, an executed proposal closed and paid', async () => {
    const ran = await runAgainst(
      anvil,
      `name: dao\nseed: 7\nwarmup: 0s\nduration: 2s\ntimeout: 8s\nworkload: { accounts: 300, costUs: 1, dao: { kinds: { vote: 20, propose: 1, execute-proposal: 2 }, proposals: 3, quorum: 3 } }\nschedule: { kind: constant-rate, rate: 100 }\n`,
    );
    const ours = assertAccounted(ran, 1);
    const dao = ours[0]!.to!;
    const tally = new Map<bigint, number>();
    let proposed = 0;
    const executed: { proposal: bigint; to: Address; amount: bigint }[] = [];
    for (const m of ours) {
      if (!m.ok) continue;
      const call = decodeFunctionData({ abi: Dao.abi, data: m.input });
      if (call.functionName === 'vote') tally.set(call.args[0], (tally.get(call.args[0]) ?? 0) + 1);
      if (call.functionName === 'propose') proposed++;
      if (call.functionName === 'execute') executed.push({ proposal: call.args[0], to: call.args[1], amount: call.args[2] });
    }
    const count = (await read(rpc, Dao.abi, dao, 'proposalCount')) as bigint;
    assert.equal(count, 3n + BigInt(proposed), 'the counter counts the proposals that succeeded');
    let votes = 0;
    for (let p = 0n; p < count; p++) {
      const [yes, no, open] = (await read(rpc, Dao.abi, dao, 'proposals', [p])) as [bigint, bigint, boolean];
      assert.equal(Number(yes + no), tally.get(p) ?? 0, `proposal ${p}`);
      assert.equal(open, !executed.some((e) => e.proposal === p), `proposal ${p} is closed exactly when it was executed`);
      votes += Number(yes + no);
    }
    assert.ok(votes > 0 && executed.length > 0, `${votes} votes, ${executed.length} executions`);
  });

  test('funding by transfers from PARABENCH_FUNDER_KEY\'s account (no anvil_setBalance); without a key, exit 2 naming it', async () => {
    const profile = `name: funded\nseed: 31\nwarmup: 0s\nduration: 1s\ntimeout: 8s\nworkload: { accounts: 30, costUs: 1, payments: { kinds: { transfer: 1 } } }\nschedule: { kind: constant-rate, rate: 50 }\ntarget: { kind: evm, url: "evm+http://127.0.0.1:1", funding: transfers }\n`;
    const cwd = await tempDir();
    await writeFile(join(cwd, 'p.yaml'), profile);
    const refused = await runCli(['run', 'p.yaml', '--target', anvil.url.replace('http://', 'evm+http://'), '--quiet'], { cwd, clock: systemClock });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /target\.funding: .* set PARABENCH_FUNDER_KEY to the private key of an account holding enough/);
    const badKey = await runCli(['run', 'p.yaml', '--target', anvil.url.replace('http://', 'evm+http://'), '--quiet'], { cwd, clock: systemClock, env: { PARABENCH_CACHE: 'off', PARABENCH_FUNDER_KEY: '0x1234' } });
    assert.equal(badKey.code, 2);
    assert.match(badKey.stderr, /PARABENCH_FUNDER_KEY: expected a private key of 64 hex digits \(0x optional\), found something else \(not shown\)/);
    const ran = await runAgainst(anvil, profile, { PARABENCH_CACHE: 'off', PARABENCH_FUNDER_KEY: ANVIL_KEY });
    assert.equal(ran.summary.chain.prepare.funding, 'transfers');
    // The funder deployed a disperse contract and paid the 30 accounts through it, in one call.
    const funding = ran.mined.filter((m) => m.from.toLowerCase() === ANVIL_ADDRESS.toLowerCase());
    assert.equal(funding.length, 2);
    assert.ok(funding.every((m) => m.ok));
    assert.equal(funding[0]!.to, null, 'a deployment');
    const call = decodeFunctionData({ abi: Disperse.abi, data: funding[1]!.input });
    assert.equal(call.functionName, 'disperse');
    const senders = new Set(Array.from({ length: 30 }, (_, i) => accountOf(31, i).address));
    assert.ok(call.args[0].length > 0 && call.args[0].every((a) => senders.has(a)), 'only the run\'s accounts were paid');
    for (const a of call.args[0]) assert.ok(BigInt(await rpc.call<Hex>('eth_getBalance', [a, 'latest'])) > 0n);
    assertAccounted(ran, funding.length);
    assert.equal(ran.summary.tx.failed, 0);
  });

  test('signed transactions are cached by what they are signed with: a fresh chain reuses them, and every one mines', async () => {
    const cache = await tempDir();
    const profile = `name: cached\nseed: 41\nwarmup: 0s\nduration: 1s\ntimeout: 8s\nworkload: { accounts: 200, costUs: 1, defi: { kinds: { swap: 1 }, tokens: 4, pools: 2, lendingUsers: 100, oracle: { updatesPerBlock: 0 } } }\nschedule: { kind: constant-rate, rate: 80 }\n`;
    const fresh = async (): Promise<Ran> => {
      const node = await startAnvil({ blockTime: 1 });
      try {
        return await runAgainst(node, profile, { PARABENCH_CACHE: cache }, new JsonRpc(node.url));
      } finally {
        await node.stop();
      }
    };
    const first = await fresh();
    assert.deepEqual([first.summary.chain.prepare.signed, first.summary.chain.prepare.cached], [80, 0]);
    assert.equal((await readdir(join(cache, 'evm'))).length, 1);
    const second = await fresh();
    assert.deepEqual([second.summary.chain.prepare.signed, second.summary.chain.prepare.cached], [0, 80]);
    assert.match(second.stderr, /80 signed transactions read from the cache/);
    assertAccounted(second, second.summary.chain.prepare.setupTxs);
    // The same chain again: its nonces moved on, so the cached signatures no longer fit and are not used.
    const node = await startAnvil({ blockTime: 1 });
    try {
      const nodeRpc = new JsonRpc(node.url);
      await runAgainst(node, profile, { PARABENCH_CACHE: cache }, nodeRpc);
      const again = await runAgainst(node, profile, { PARABENCH_CACHE: cache }, nodeRpc);
      assert.deepEqual([again.summary.chain.prepare.signed, again.summary.chain.prepare.cached], [80, 0]);
      assertAccounted(again, again.summary.chain.prepare.setupTxs);
    } finally {
      await node.stop();
    }
  });

  test('a refusal that frees its nonce (insufficient funds): the transaction fails for the node\'s reason, a filler takes the nonce, the sender\'s later ones mine', async () => {
    // A proxy in front of anvil refuses the run's 10th transaction as a node would, forwarding the rest.
    let raws = 0;
    let refused: Hex | undefined;
    const proxy = await startRpcProxy(anvil.url, {
      refuse(c) {
        if (c.method !== 'eth_sendRawTransaction' || refused || ++raws < 10) return undefined;
        refused = c.params[0] as Hex;
        return 'insufficient funds for gas * price + value';
      },
    });
    const url = proxy.url;
    try {
      const ran = await runAgainst({ url }, `name: gap\nseed: 51\nwarmup: 0s\nduration: 2s\ntimeout: 8s\nworkload: { accounts: 4, costUs: 1, payments: { kinds: { transfer: 1 } } }\nschedule: { kind: constant-rate, rate: 40 }\n`);
      assert.ok(refused, 'the proxy refused one');
      const { tx } = ran.summary;
      assert.deepEqual([tx.sent, tx.committed, tx.failed, tx.errored, tx.timedOut], [80, 79, 1, 0, 0], 'one failed; none stuck behind its nonce');
      assert.equal(ran.mined.length, 80, 'in the blocks: the 79 that were sent on, and the filler that took the refused one\'s nonce');
      assert.ok(ran.mined.every((m) => m.ok));
      const { errors, failures } = ran.summary as unknown as { errors: unknown[]; failures: unknown[] };
      assert.deepEqual(errors, []);
      assert.deepEqual(failures, [{ reason: 'node: insufficient funds for gas * price + value', count: 1 }]);
      assert.match(ran.stdout, /failed, by reason\n +1 × node: insufficient funds for gas \* price \+ value/);
    } finally {
      proxy.close();
    }
  });

  test('a batch the node answers too late is sent again once: what the node already had counts once, what it never got mines after all', async () => {
    // The run's first batch of transactions reaches anvil but its answer comes late; the second is lost on the way.
    let batches = 0;
    const proxy = await startRpcProxy(anvil.url, {
      delayMs: (calls) => (calls.some((c) => c.method === 'eth_sendRawTransaction') && ++batches <= 2 ? 1500 : 0),
      lose: () => batches === 2,
    });
    try {
      const workload = createWorkload(
        payments({ accounts: 20, initialBalance: 1e9, costUs: 1 }, { kinds: { transfer: 1 }, amount: { min: 1, max: 1000 } }),
        61,
        { blockSize: 100 },
      );
      const txs = Array.from({ length: 40 }, (_, i) => workload.next(i));
      const target = new EvmTarget({ url: proxy.url.replace('http://', 'evm+http://'), seed: 61, pollMs: 100, rpcTimeoutMs: 500 });
      await target.prepare(txs, txs.length, workload.genesis);
      const answers = new Map<number, string>();
      const errors: string[] = [];
      await target.open({
        genesis: workload.genesis,
        clock: systemClock,
        onReceipts: (rs) => rs.forEach((r) => answers.set(r.id, r.status)),
        onErrors: (ids, e) => {
          errors.push(e.message);
          ids.forEach((id) => answers.set(id, 'errored'));
        },
      });
      target.submit(txs.slice(0, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      target.submit(txs.slice(20));
      const deadline = Date.now() + 15_000;
      while (answers.size < txs.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      await target.close();
      assert.ok(batches >= 4, `two batches held back, each sent again (${batches} batches of transactions)`);
      assert.deepEqual([...answers.values()].filter((s) => s !== 'committed'), [], 'every transaction committed, none errored or failed');
      assert.equal(answers.size, 40);
      assert.ok(errors.some((m) => /did not answer a batch of eth_sendRawTransaction within 0\.5 s: sent again once/.test(m)), errors.join('; '));
      assert.equal(target.chainStats().ours, 40, 'each mined once');
    } finally {
      proxy.close();
    }
  });
});
