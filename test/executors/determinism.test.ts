import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Receipt, Tx } from '../../core/tx.js';
import { createExecutor, InprocTarget } from '../../executors/index.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { createWorkload, run } from '../../loadgen/index.js';
import { createSchedule } from '../../loadgen/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { payments } from '../helpers/plans.js';

setWorkCalibration(100);

// Small balances and a skewed sampler, so that some transfers fail and outcomes depend on order.
const contended = payments({ accounts: 200, initialBalance: 500, sampler: { kind: 'zipf', s: 1.1 } }, { amount: { min: 1, max: 300 } });

function traffic(seed: number, n: number): Tx[] {
  const w = createWorkload(contended, seed);
  return Array.from({ length: n }, (_, i) => w.next(i));
}

async function execute(seed: number): Promise<{ receipts: string[]; root: string }> {
  const txs = traffic(seed, 5000);
  const executor = await createExecutor('sequential', { genesis: { accounts: 200, initialBalance: 500 }, threads: 1 });
  const receipts: string[] = [];
  let root = '';
  for (let b = 0; b < txs.length; b += 250) {
    const block = { number: b / 250 + 1, txs: txs.slice(b, b + 250) };
    const result = await executor.execute(block);
    result.outcomes.forEach((o, i) => receipts.push(`${block.txs[i]?.id}:${o.status}:${o.reason ?? ''}`));
    root = result.stateRoot;
  }
  await executor.close();
  return { receipts, root };
}

describe('determinism', () => {
  test('the same seed gives byte-identical traffic', () => {
    assert.equal(JSON.stringify(traffic(42, 3000)), JSON.stringify(traffic(42, 3000)));
  });

  test('another seed gives other traffic', () => {
    assert.notEqual(JSON.stringify(traffic(42, 100)), JSON.stringify(traffic(43, 100)));
  });

  test('the same seed gives the same receipts and state root; another seed does not', async () => {
    const a = await execute(42);
    const b = await execute(42);
    const c = await execute(43);
    assert.ok(a.receipts.some((r) => r.includes('failed')), 'the workload should produce some failures');
    assert.deepEqual(a.receipts, b.receipts);
    assert.equal(a.root, b.root);
    assert.notEqual(a.root, c.root);
    assert.notDeepEqual(a.receipts, c.receipts);
  });

  test('a whole run, twice with the same seed, ends in the same state with the same receipts', async () => {
    const once = async (seed: number): Promise<{ receipts: Omit<Receipt, 'commitMs'>[]; root: string | undefined }> => {
      const clock = new FakeClock();
      const target = new InprocTarget({ executor: 'sequential', threads: 1, blockSize: 64, blockTimeMs: 10 });
      const receipts: Omit<Receipt, 'commitMs'>[] = [];
      // Wrap open() to see the receipts the runner sees.
      const open = target.open.bind(target);
      target.open = (init) =>
        open({
          ...init,
          onReceipts: (rs) => {
            // Commit times are on the clock, whose start differs between runs; the rest must not differ.
            receipts.push(...rs.map(({ commitMs: _, ...r }) => r));
            init.onReceipts(rs);
          },
        });
      const result = await clock.runUntil(
        run({
          workload: createWorkload(contended, seed),
          schedule: createSchedule({ kind: 'constant-rate', rate: 2000 }, 1500),
          target,
          clock,
          warmupMs: 0,
          durationMs: 1500,
          timeoutMs: 1000,
          maxInFlight: 10_000,
        }),
      );
      result.dispose();
      return { receipts, root: result.executor?.stateRoot };
    };
    const a = await once(7);
    const b = await once(7);
    const c = await once(8);
    assert.equal(a.receipts.length, 3000);
    assert.deepEqual(a.receipts, b.receipts);
    assert.equal(a.root, b.root);
    assert.notEqual(a.root, c.root);
  });
});
