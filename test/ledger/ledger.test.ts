import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tx } from '../../core/tx.js';
import { Ledger, State, StateRoot, setWorkCalibration, type StateView } from '../../ledger/index.js';
import { createWorkload } from '../../loadgen/index.js';

setWorkCalibration(100);
const genesis = { accounts: 4, initialBalance: 100 };

function transfer(id: number, sender: number, to: number, amount: number, nonce: number, ledger: Ledger): Tx {
  const args = [to, amount];
  return { id, kind: 'transfer', sender, nonce, args, costUs: 1, ...ledger.declare('transfer', sender, args) };
}

describe('the state machine', () => {
  test('a transfer moves money and bumps the nonce', () => {
    const ledger = new Ledger(genesis);
    const state = State.fromGenesis(genesis);
    const outcome = ledger.execute(transfer(0, 0, 1, 30, 0, ledger), state);
    assert.deepEqual(outcome, { status: 'committed' });
    assert.equal(state.read(ledger.layout.balance(0)), 70);
    assert.equal(state.read(ledger.layout.balance(1)), 130);
    assert.equal(state.read(ledger.layout.nonce(0)), 1);
  });

  test('insufficient funds fails and changes nothing but the sender nonce', () => {
    const ledger = new Ledger(genesis);
    const state = State.fromGenesis(genesis);
    const before = Array.from(state.values);
    const outcome = ledger.execute(transfer(0, 2, 3, 101, 0, ledger), state);
    assert.deepEqual(outcome, { status: 'failed', reason: 'insufficient-funds' });
    const changed = Array.from(state.values).flatMap((v, k) => (v === before[k] ? [] : [ledger.layout.describe(k)]));
    assert.deepEqual(changed, ['nonce[2]']);
    assert.equal(state.read(ledger.layout.nonce(2)), 1);
  });

  test('a replayed nonce is rejected and changes nothing; a gap is allowed', () => {
    const ledger = new Ledger(genesis);
    const state = State.fromGenesis(genesis);
    ledger.execute(transfer(0, 0, 1, 1, 0, ledger), state);
    const before = Array.from(state.values);
    assert.deepEqual(ledger.execute(transfer(1, 0, 1, 1, 0, ledger), state), { status: 'failed', reason: 'nonce-too-low' });
    assert.deepEqual(Array.from(state.values), before);
    // A dropped transaction leaves a gap: the next one from the sender still goes through.
    assert.deepEqual(ledger.execute(transfer(2, 0, 1, 1, 5, ledger), state), { status: 'committed' });
    assert.equal(state.read(ledger.layout.nonce(0)), 6);
  });

  test('money is conserved', () => {
    const g = { accounts: 50, initialBalance: 1000 };
    const ledger = new Ledger(g);
    const state = State.fromGenesis(g);
    const workload = createWorkload(
      { family: 'payments', accounts: 50, initialBalance: 1000, sampler: { kind: 'zipf', s: 1.2 }, amount: { min: 1, max: 500 }, costUs: 0 },
      5,
    );
    let failed = 0;
    for (let i = 0; i < 5000; i++) if (ledger.execute(workload.next(i), state).status === 'failed') failed++;
    let total = 0;
    for (let a = 0; a < g.accounts; a++) total += state.read(ledger.layout.balance(a));
    assert.equal(total, g.accounts * g.initialBalance);
    assert.ok(failed > 0, 'this skewed workload should drain some hot senders');
  });

  test('every key a transaction touches is one it declared', () => {
    const g = { accounts: 20, initialBalance: 50 };
    const ledger = new Ledger(g);
    const state = State.fromGenesis(g);
    const workload = createWorkload(
      { family: 'payments', accounts: 20, initialBalance: 50, sampler: { kind: 'uniform' }, amount: { min: 1, max: 40 }, costUs: 0 },
      11,
    );
    for (let i = 0; i < 2000; i++) {
      const tx = workload.next(i);
      const reads = new Set<number>();
      const writes = new Set<number>();
      const tracing: StateView = {
        read: (k) => (reads.add(k), state.read(k)),
        write: (k, v) => (writes.add(k), state.write(k, v)),
      };
      ledger.execute(tx, tracing);
      for (const k of reads) assert.ok(tx.reads.includes(k), `tx ${i} read undeclared ${ledger.layout.describe(k)}`);
      for (const k of writes) assert.ok(tx.writes.includes(k), `tx ${i} wrote undeclared ${ledger.layout.describe(k)}`);
    }
  });
});

describe('the state root', () => {
  test('kept up to date on every write, it equals a root computed from scratch', () => {
    const g = { accounts: 30, initialBalance: 1_000_000 };
    const ledger = new Ledger(g);
    const state = State.fromGenesis(g);
    const workload = createWorkload(
      { family: 'payments', accounts: 30, initialBalance: 1_000_000, sampler: { kind: 'uniform' }, amount: { min: 1, max: 1000 }, costUs: 0 },
      3,
    );
    for (let i = 0; i < 1000; i++) ledger.execute(workload.next(i), state);
    assert.equal(state.root(), StateRoot.of(state.values).hex());
  });

  test('depends on every value, including large ones', () => {
    const a = new Float64Array([1, 2, 3, 2 ** 40]);
    const b = new Float64Array([1, 2, 3, 2 ** 40 + 1]);
    const c = new Float64Array([1, 3, 2, 2 ** 40]);
    const roots = [a, b, c].map((v) => StateRoot.of(v).hex());
    assert.equal(new Set(roots).size, 3);
    assert.match(roots[0] ?? '', /^[0-9a-f]{16}$/);
  });
});
