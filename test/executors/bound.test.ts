import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkloadConfig } from '../../core/profile/schema.js';
import type { Tx } from '../../core/tx.js';
import { analyzeBlock, BoundAccumulator, buildDag, compact, criticalPaths, finishTimes, listSchedule, mvDag } from '../../executors/bound/index.js';
import { Rng } from '../../core/rng.js';
import { StateLayout } from '../../ledger/index.js';
import { createWorkload } from '../../loadgen/index.js';
import { payments } from '../helpers/plans.js';

function block(config: WorkloadConfig, n: number, seed = 1): Tx[] {
  const w = createWorkload(config, seed);
  return Array.from({ length: n }, (_, i) => w.next(i));
}

const tx = (id: number, reads: number[], writes: number[], deltas: number[] = [], costUs = 1): Tx => ({
  id,
  kind: 'x',
  sender: id,
  nonce: 0,
  args: [],
  costUs,
  reads,
  writes,
  deltas,
  exact: true,
});

describe('the dependency DAG', () => {
  test('multi-version: only read-after-write; adds do not conflict with each other', () => {
    const txs = [tx(0, [], [1]), tx(1, [1], []), tx(2, [], [1]), tx(3, [], [], [2]), tx(4, [], [], [2]), tx(5, [2], [2])];
    const dag = buildDag(txs, 'mv');
    const preds = (i: number): number[] => Array.from(dag.preds.slice(dag.predStart[i], dag.predStart[i + 1])).sort();
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(preds), [[], [0], [], [], [], [3, 4]]);
  });

  test('locks: write-after-read and write-after-write too; adds conflict with readers', () => {
    const txs = [tx(0, [], [1]), tx(1, [1], []), tx(2, [], [1]), tx(3, [2], []), tx(4, [], [], [2]), tx(5, [], [], [2])];
    const dag = buildDag(txs, 'lock');
    const preds = (i: number): number[] => Array.from(dag.preds.slice(dag.predStart[i], dag.predStart[i + 1])).sort();
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(preds), [[], [0], [0, 1], [], [3], [3]]);
  });

  test('the fast paths (one-pass critical paths, the multi-version DAG from slots) equal the DAGs built key by key', () => {
    const rng = new Rng(12);
    for (let trial = 0; trial < 50; trial++) {
      const txs = Array.from({ length: 300 }, (_, i) => {
        const pick = (): number[] => Array.from({ length: rng.int(4) }, () => rng.int(40));
        const writes = pick();
        return tx(i, [...pick(), ...writes.filter(() => rng.float() < 0.7)], writes, pick(), 1 + rng.int(50));
      });
      const cost = Float64Array.from(txs.map((t) => t.costUs));
      const longest = (kind: 'mv' | 'lock'): number => Math.max(...finishTimes(buildDag(txs, kind), cost));
      assert.deepEqual(criticalPaths(compact(txs), cost), { mv: longest('mv'), lock: longest('lock') });
      const sorted = (d: { n: number; predStart: Int32Array; preds: Int32Array }): number[][] =>
        Array.from({ length: d.n }, (_, i) => Array.from(d.preds.slice(d.predStart[i], d.predStart[i + 1])).sort((a, b) => a - b));
      assert.deepEqual(sorted(mvDag(compact(txs))), sorted(buildDag(txs, 'mv')));
    }
  });

  test('finish times and list scheduling on a known DAG', () => {
    // 0 → 2, 1 → 2, 3 independent; costs 2, 3, 1, 4.
    const txs = [tx(0, [], [1], [], 2), tx(1, [], [2], [], 3), tx(2, [1, 2], [], [], 1), tx(3, [], [9], [], 4)];
    const dag = buildDag(txs, 'mv');
    const cost = Float64Array.from([2, 3, 1, 4]);
    assert.deepEqual(Array.from(finishTimes(dag, cost)), [2, 3, 4, 4]);
    assert.equal(listSchedule(dag, cost, 1), 10);
    // Two workers: 0 and 1 start at 0; at 2 the freed worker takes 3 (2 still waits for 1); at 3, 2 runs; 3 ends at 6.
    assert.equal(listSchedule(dag, cost, 2), 6);
    assert.equal(listSchedule(dag, cost, 4), 4);
  });
});

describe('prediction rules (10,000-transaction blocks, 32 threads)', () => {
  const T = 32;

  test('transfers over 2 accounts form one chain: S = 1', () => {
    const b = analyzeBlock(block(payments({ accounts: 2 }), 10_000), T);
    assert.equal(b.criticalPath, b.work);
  });

  test('uniform transfers over 10,000 accounts barely conflict: S ≈ T', () => {
    const b = analyzeBlock(block(payments({ accounts: 10_000 }), 10_000), T);
    assert.ok(b.work / b.criticalPath > 10 * T, `W/CP = ${b.work / b.criticalPath}`);
    assert.ok(b.work / b.listMakespan > 0.95 * T, `S_list = ${b.work / b.listMakespan}`);
  });

  test('zipf s=1 over 100,000 accounts: S ≈ 1/p_top, the hottest account\'s share', () => {
    const b = analyzeBlock(block(payments({ accounts: 100_000, sampler: { kind: 'zipf', s: 1 } }), 10_000), T);
    let h = 0;
    for (let k = 1; k <= 100_000; k++) h += 1 / k;
    const pTop = 2 / h; // two draws a transfer
    const s = b.work / b.criticalPath;
    assert.ok(Math.abs(s * pTop - 1) < 0.15, `W/CP = ${s.toFixed(2)}, 1/p_top = ${(1 / pTop).toFixed(2)}`);
  });

  test('groups(G): each group is a chain, S ≈ G', () => {
    const b = analyzeBlock(block(payments({ accounts: 10_000, sampler: { kind: 'groups', groups: 8 } }), 10_000), T);
    const s = b.work / b.criticalPath;
    assert.ok(s > 6.5 && s <= 8, `W/CP = ${s}`);
  });

  test('a coinbase fee by read-modify-write makes every block sequential: S = 1; as a delta it does not', () => {
    const rmw = analyzeBlock(block(payments({ accounts: 10_000, fee: { mode: 'coinbase', amount: 1 } }), 10_000), T);
    assert.equal(rmw.criticalPath, rmw.work);
    const delta = analyzeBlock(block(payments({ accounts: 10_000, fee: { mode: 'coinbase-delta', amount: 1 } }), 10_000), T);
    assert.ok(delta.work / delta.criticalPath > 10 * T);
  });

  test('hot keys and the summary over blocks', () => {
    const config = payments({ accounts: 1000, sampler: { kind: 'hotspot', hot: 1, probability: 0.25 } });
    const w = createWorkload(config, 3);
    const layout = new StateLayout(w.genesis);
    const acc = new BoundAccumulator(T, (k) => layout.describe(k));
    for (let b = 0; b < 5; b++) acc.add(Array.from({ length: 1000 }, (_, i) => w.next(b * 1000 + i)));
    const s = acc.summary(3);
    assert.equal(s.blocks, 5);
    assert.equal(s.txs, 5000);
    assert.equal(s.hotKeys[0]?.key, 'balance[0][0]');
    // Account 0 is each of the two draws with probability 1/4 (recipient redrawn when it repeats the sender).
    assert.ok(Math.abs((s.hotKeys[0]?.share ?? 0) - 0.44) < 0.03, `share ${s.hotKeys[0]?.share}`);
    assert.ok(s.smax <= T && s.slist <= s.smax + 1e-9 && s.slock <= s.smax + 1e-9, JSON.stringify(s));
    assert.ok(Math.abs(s.parallelism * (s.hotKeys[0]?.share ?? 0) - 1) < 0.15, `W/CP ${s.parallelism}`);
  });
});
