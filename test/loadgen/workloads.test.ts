import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAMILY_KINDS } from '../../core/profile/workload.js';
import { loadProfile } from '../../core/profile/load.js';
import type { Tx } from '../../core/tx.js';
import { executorNames } from '../../executors/index.js';
import { kinds, Ledger, State, setWorkCalibration, type StateView } from '../../ledger/index.js';
import { createWorkload, type Workload } from '../../loadgen/index.js';

setWorkCalibration(1);
const repo = new URL('../../../', import.meta.url).pathname;

async function shipped(name: string): Promise<{ workload: Workload; blockSize: number }> {
  const { profile } = await loadProfile(`${repo}profiles/${name}.yaml`, { knownExecutors: executorNames });
  return {
    workload: createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize }),
    blockSize: profile.target.blockSize,
  };
}

/** Where a transaction may write without declaring it: the key its counter hands out at run time. */
const DISCOVERED = new Set(['nftOwner', 'proposal']);

describe('workloads', () => {
  for (const name of ['payments', 'defi', 'nft', 'dao', 'mainnet-like']) {
    test(`${name}: every key a transaction touches is one it declared, its work comes after its reads, and every kind can commit`, async () => {
      const { workload } = await shipped(name);
      // The bound assumes a transaction reads at its start and writes at its end: the work must sit between.
      let events: string[] = [];
      const ledger = new Ledger(workload.genesis, (_iterations, seed) => (events.push('work'), seed | 1));
      const state = State.fromGenesis(workload.genesis);
      const byKind = new Map<string, { n: number; committed: number }>();
      let failed = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        const tx = { ...workload.next(i), costUs: 0 };
        events = [];
        const reads = new Set<number>();
        const writes = new Set<number>();
        const adds = new Set<number>();
        const tracing: StateView = {
          read: (k) => (reads.add(k), events.push('read'), state.read(k)),
          write: (k, v) => (writes.add(k), events.push('write'), state.write(k, v)),
          add: (k, v) => (adds.add(k), state.add(k, v)),
        };
        const outcome = ledger.execute(tx, tracing);
        const where = (k: number): string => `${tx.kind} #${i}: ${ledger.layout.describe(k)}`;
        const work = events.indexOf('work');
        assert.ok(work >= 0 || outcome.reason === 'nonce-too-low', `${tx.kind} #${i}: no work done`);
        if (work >= 0) {
          assert.equal(events.lastIndexOf('read') < work, true, `${tx.kind} #${i}: a read after the work (${events.join(' ')})`);
          assert.equal(events.at(-1), 'write', `${tx.kind} #${i}: the nonce bump is not after the work (${events.join(' ')})`);
        }
        for (const k of reads) assert.ok(tx.reads.includes(k), `${where(k)} read but not declared`);
        for (const k of adds) assert.ok(tx.deltas.includes(k), `${where(k)} added to but not declared as a delta`);
        for (const k of writes) {
          const allowed = tx.writes.includes(k) || (!tx.exact && DISCOVERED.has(ledger.layout.namespaceOf(k) ?? ''));
          assert.ok(allowed, `${where(k)} written but not declared`);
        }
        const s = byKind.get(tx.kind) ?? { n: 0, committed: 0 };
        s.n++;
        if (outcome.status === 'committed') s.committed++;
        else failed++;
        byKind.set(tx.kind, s);
      }
      for (const [kind, s] of byKind) assert.ok(s.committed > 0, `${kind}: none of ${s.n} committed`);
      assert.ok(failed / n < 0.1, `${(failed / n) * 100}% failed`);
    });
  }

  test('kinds are drawn in proportion to their weights', async () => {
    const { workload } = await shipped('payments');
    const counts = new Map<string, number>();
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const kind = workload.next(i).kind;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    const share = (k: string): number => (counts.get(k) ?? 0) / n;
    assert.ok(Math.abs(share('transfer') - 0.8) < 0.01, `transfer ${share('transfer')}`);
    assert.ok(Math.abs(share('micropay') - 0.15) < 0.01, `micropay ${share('micropay')}`);
    assert.ok(Math.abs(share('fx-transfer') - 0.05) < 0.005, `fx-transfer ${share('fx-transfer')}`);
  });

  test('families mix by weight', async () => {
    const { workload } = await shipped('mainnet-like');
    const family = (tx: Tx): string => kinds[tx.kind]?.family ?? '?';
    const counts = new Map<string, number>();
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const f = family(workload.next(i));
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    // nft includes game items; defi includes oracle updates and whole liquidation bursts.
    const share = (f: string): number => (counts.get(f) ?? 0) / n;
    assert.ok(Math.abs(share('payments') - 0.4) < 0.03, `payments ${share('payments')}`);
    assert.ok(share('defi') > 0.33, `defi ${share('defi')}`);
    assert.ok(Math.abs(share('dao') - 0.1) < 0.02, `dao ${share('dao')}`);
  });

  test('the same seed gives byte-identical traffic for the mainnet-like mix; another seed does not', async () => {
    const { profile } = await loadProfile(`${repo}profiles/mainnet-like.yaml`);
    const traffic = (seed: number): string => {
      const w = createWorkload(profile.workload, seed, { blockSize: 1000 });
      return JSON.stringify(Array.from({ length: 5000 }, (_, i) => w.next(i)));
    };
    assert.equal(traffic(1), traffic(1));
    assert.notEqual(traffic(1), traffic(2));
  });

  test('oracle updates sit early or late in every block, as placed', async () => {
    const { profile } = await loadProfile(`${repo}profiles/defi.yaml`);
    for (const placement of ['early', 'late'] as const) {
      const config = { ...profile.workload, defi: { ...profile.workload.defi!, oracle: { updatesPerBlock: 2, placement, volatilityBps: 100 } } };
      const w = createWorkload(config, 1, { blockSize: 100 });
      const positions = new Set<number>();
      for (let i = 0; i < 1000; i++) if (w.next(i).kind === 'oracle-update') positions.add(i % 100);
      assert.deepEqual([...positions].sort((a, b) => a - b), placement === 'early' ? [0, 1] : [98, 99]);
    }
  });

  test('a liquidation burst is liquidators racing for one borrower', async () => {
    const { workload } = await shipped('defi');
    let bursts = 0;
    let run: Tx[] = [];
    const check = (): void => {
      if (run.length === 0) return;
      bursts++;
      assert.equal(run.length % 8, 0, 'bursts of liquidationBurst = 8');
      for (let b = 0; b < run.length; b += 8) {
        const burst = run.slice(b, b + 8);
        assert.equal(new Set(burst.map((t) => t.args[0])).size, 1, 'one borrower');
        assert.ok(new Set(burst.map((t) => t.sender)).size > 1, 'several liquidators');
      }
      run = [];
    };
    for (let i = 0; i < 20_000; i++) {
      const tx = workload.next(i);
      if (tx.kind === 'liquidate') run.push(tx);
      else if (tx.kind !== 'oracle-update') check();
    }
    check();
    assert.ok(bursts > 10);
  });

  test('the schema and the state machine know the same kinds, in the same families', () => {
    const fromSchema = Object.entries(FAMILY_KINDS).flatMap(([family, names]) => names.map((n) => `${family === 'nft' && (n === 'craft' || n === 'item-trade') ? 'game' : family}:${n}`));
    const fromLedger = Object.values(kinds)
      .filter((k) => k.name !== 'oracle-update')
      .map((k) => `${k.family}:${k.name}`);
    assert.deepEqual(fromSchema.sort(), fromLedger.sort());
  });

  test('genesis: LP shares add up to each pool\'s total', async () => {
    const { workload } = await shipped('defi');
    const ledger = new Ledger(workload.genesis);
    const state = State.fromGenesis(workload.genesis);
    const pools = workload.genesis.pools;
    assert.ok(pools);
    for (let p = 0; p < pools.pairs.length; p++) {
      let sum = 0;
      for (let i = 0; i < pools.providers; i++) sum += state.read(ledger.layout.lpShares(p, i));
      assert.equal(sum, state.read(ledger.layout.poolShares(p)));
    }
  });
});
