import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadProfile } from '../../core/profile/load.js';
import type { WorkloadConfig } from '../../core/profile/schema.js';
import type { Block, Tx } from '../../core/tx.js';
import { createExecutor, type Executor } from '../../executors/index.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { createWorkload } from '../../loadgen/index.js';
import { payments } from '../helpers/plans.js';

// A µs of cost is ~100 xorshift rounds here: enough for workers to overlap, cheap enough for CI.
setWorkCalibration(100);
const repo = new URL('../../../', import.meta.url).pathname;
const PARALLEL = ['block-stm', 'access-list', 'sharded'];
const open: Executor[] = [];
after(async () => {
  await Promise.all(open.map((e) => e.close()));
});

async function make(name: string, genesis: Parameters<typeof createExecutor>[1]['genesis'], extra: Partial<Parameters<typeof createExecutor>[1]> = {}): Promise<Executor> {
  const e = await createExecutor(name, { genesis, threads: name === 'sequential' ? 1 : 2, maxBlockSize: 1000, ...extra });
  open.push(e);
  return e;
}

/** Blocks of the given sizes from a workload: empty, tiny, and full ones. */
function blocks(config: WorkloadConfig, seed: number, sizes: readonly number[]): { genesis: ReturnType<typeof createWorkload>['genesis']; blocks: Block[] } {
  const w = createWorkload(config, seed, { blockSize: 500 });
  let id = 0;
  return {
    genesis: w.genesis,
    blocks: sizes.map((size, b) => ({ number: b + 1, txs: Array.from({ length: size }, (): Tx => w.next(id++)) })),
  };
}

/** Runs the blocks on `name` and on sequential; every outcome and every root must agree. */
async function sameAsSequential(
  name: string,
  config: WorkloadConfig,
  seed: number,
  sizes: readonly number[],
): Promise<{ executions: number; reexecutions: number; validations: number; crossShard: number }> {
  const { genesis, blocks: bs } = blocks(config, seed, sizes);
  const seq = await make('sequential', genesis);
  const par = await make(name, genesis);
  let executions = 0;
  let reexecutions = 0;
  let validations = 0;
  let crossShard = 0;
  for (const block of bs) {
    const want = await seq.execute(block);
    const got = await par.execute(block);
    want.outcomes.forEach((o, i) => {
      const g = got.outcomes[i];
      assert.deepEqual(g, o, `${name}, seed ${seed}, block ${block.number}, tx ${i} (${block.txs[i]?.kind}): ${JSON.stringify(g)} vs sequential ${JSON.stringify(o)}`);
    });
    assert.equal(got.stateRoot, want.stateRoot, `${name}, seed ${seed}, block ${block.number}: state root`);
    executions += got.stats.executions;
    reexecutions += got.stats.reexecutions;
    validations += got.stats.validations;
    crossShard += got.stats.crossShard ?? 0;
  }
  return { executions, reexecutions, validations, crossShard };
}

// Shipped workloads, over fewer accounts than shipped (a smaller state to set up per executor).
const shipped = async (name: string): Promise<WorkloadConfig> => ({ ...(await loadProfile(`${repo}profiles/${name}.yaml`)).profile.workload, accounts: 10_000, costUs: 2 });
const SIZES = [0, 1, 3, 400, 500, 500];

describe('parallel executors give sequential execution\'s receipts and state root', () => {
  const cases: [string, () => Promise<WorkloadConfig> | WorkloadConfig, number[]][] = [
    ['transfers over 10,000 accounts', () => payments({ accounts: 10_000, costUs: 2 }), [1]],
    ['transfers over 2 accounts: every block fully contended', () => payments({ accounts: 2, costUs: 2 }), [1, 2, 3]],
    ['Zipf 1.2 with the coinbase fee read-modify-written', () => payments({ accounts: 1000, sampler: { kind: 'zipf', s: 1.2 }, fee: { mode: 'coinbase', amount: 1 }, costUs: 2 }), [1, 2]],
    [
      'commutative adds: coinbase deltas and merchant deltas',
      () =>
        payments(
          { accounts: 500, sampler: { kind: 'zipf', s: 1 }, fee: { mode: 'coinbase-delta', amount: 1 }, costUs: 2 },
          { kinds: { transfer: 1, micropay: 2 }, merchantCredit: 'delta', merchants: 3 },
        ),
      [1, 2],
    ],
    ['every transaction fails', () => payments({ accounts: 50, initialBalance: 1, costUs: 2 }, { amount: { min: 5, max: 10 } }), [1]],
    ['the mainnet-like mix', () => shipped('mainnet-like'), [1, 2]],
    ['DeFi: hot pools, lending, liquidation bursts, early oracle updates', () => shipped('defi'), [1, 2]],
    ['NFT: counter mints (write sets known only by running), trades, game items', () => shipped('nft'), [1]],
    ['DAO: read-modify-write tallies', () => shipped('dao'), [1]],
  ];
  for (const name of PARALLEL) {
    for (const [what, config, seeds] of cases) {
      test(`${name}: ${what}`, async () => {
        for (const seed of seeds) await sameAsSequential(name, await config(), seed, SIZES);
      });
    }
  }

  test('block-stm validates every transaction at least once, and counts each re-execution', async () => {
    const s = await sameAsSequential('block-stm', payments({ accounts: 2, costUs: 5 }), 9, [1000, 1000]);
    assert.ok(s.validations >= 2000, `${s.validations} validations for 2000 transactions`);
    assert.equal(s.executions, 2000 + s.reexecutions);
  });

  test('sharded: the cross-shard share follows the workload\'s locality dial', async () => {
    const at = async (crossGroup: number): Promise<number> => {
      const { crossShard } = await sameAsSequential('sharded', payments({ accounts: 2000, costUs: 0 }, { locality: { groups: 2, crossGroup } }), 1, [1000]);
      return crossShard / 1000;
    };
    assert.equal(await at(0), 0);
    const share = await at(0.3);
    assert.ok(Math.abs(share - 0.3) < 0.05, `cross-shard share ${share}`);
  });
});

describe('a broken executor is caught', () => {
  test('block-stm that skips validation commits stale reads, and the comparison with sequential says where', async () => {
    const { genesis, blocks: bs } = blocks(payments({ accounts: 4, costUs: 3 }), 1, Array(20).fill(1000));
    const seq = await make('sequential', genesis);
    const broken = await make('block-stm', genesis, { fault: 'skip-validation' });
    let caught = '';
    for (const block of bs) {
      const want = await seq.execute(block);
      const got = await broken.execute(block);
      const i = want.outcomes.findIndex((o, k) => got.outcomes[k]?.status !== o.status || got.outcomes[k]?.reason !== o.reason);
      if (i >= 0 || got.stateRoot !== want.stateRoot) {
        caught = `block ${block.number}${i >= 0 ? `, tx ${i}` : ''}`;
        break;
      }
    }
    assert.notEqual(caught, '', 'twenty contended blocks without validation should not all come out right');
  });
});

describe('faults', () => {
  test('a worker that dies mid-block fails that block with a clear error; the pool replaces it and the state is as before', async () => {
    const { genesis, blocks: bs } = blocks(payments({ accounts: 1000, costUs: 300 }), 4, [600, 300]);
    const seq = await make('sequential', genesis);
    const par = (await make('block-stm', genesis)) as Executor & { pool: { kill(i: number): Promise<void> } };
    const first = par.execute(bs[0]!);
    await new Promise((r) => setTimeout(r, 30));
    await par.pool.kill(0);
    await assert.rejects(first, /worker 0 died/);
    // The failed block never happened: the next one gives what sequential gives without it.
    const want = await seq.execute(bs[1]!);
    const got = await par.execute(bs[1]!);
    assert.deepEqual(got.outcomes, want.outcomes);
    assert.equal(got.stateRoot, want.stateRoot);
  });
});
