import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GenesisSpec } from '../../core/genesis.js';
import type { Tx } from '../../core/tx.js';
import { Ledger, State, StateRoot, setWorkCalibration } from '../../ledger/index.js';
import { createWorkload } from '../../loadgen/index.js';
import { payments } from '../helpers/plans.js';

setWorkCalibration(100);
const genesis: GenesisSpec = { accounts: 4, initialBalance: 100 };

export function txOf(ledger: Ledger, id: number, kind: string, sender: number, args: number[], nonce = 0): Tx {
  return { id, kind, sender, nonce, args, costUs: 1, ...ledger.declare(kind, sender, args) };
}

describe('the transaction envelope', () => {
  test('a transfer moves money and bumps the nonce', () => {
    const ledger = new Ledger(genesis);
    const state = State.fromGenesis(genesis);
    assert.deepEqual(ledger.execute(txOf(ledger, 0, 'transfer', 0, [1, 30]), state), { status: 'committed' });
    assert.equal(state.read(ledger.layout.balance(0)), 70);
    assert.equal(state.read(ledger.layout.balance(1)), 130);
    assert.equal(state.read(ledger.layout.nonce(0)), 1);
  });

  test('an overdraft fails and changes nothing but the sender nonce', () => {
    const ledger = new Ledger(genesis);
    const state = State.fromGenesis(genesis);
    const before = Array.from(state.values);
    assert.deepEqual(ledger.execute(txOf(ledger, 0, 'transfer', 2, [3, 101]), state), { status: 'failed', reason: 'insufficient-funds' });
    const changed = Array.from(state.values).flatMap((v, k) => (v === before[k] ? [] : [ledger.layout.describe(k)]));
    assert.deepEqual(changed, ['nonce[2]']);
  });

  test('a replayed nonce is rejected and changes nothing; a gap is allowed', () => {
    const ledger = new Ledger(genesis);
    const state = State.fromGenesis(genesis);
    ledger.execute(txOf(ledger, 0, 'transfer', 0, [1, 1], 0), state);
    const before = Array.from(state.values);
    assert.deepEqual(ledger.execute(txOf(ledger, 1, 'transfer', 0, [1, 1], 0), state), { status: 'failed', reason: 'nonce-too-low' });
    assert.deepEqual(Array.from(state.values), before);
    // A dropped transaction leaves a gap: the next one from the sender still goes through.
    assert.deepEqual(ledger.execute(txOf(ledger, 2, 'transfer', 0, [1, 1], 5), state), { status: 'committed' });
    assert.equal(state.read(ledger.layout.nonce(0)), 6);
  });

  test('an unknown kind fails without touching anything but the nonce', () => {
    const ledger = new Ledger(genesis);
    const state = State.fromGenesis(genesis);
    assert.deepEqual(ledger.execute(txOf(ledger, 0, 'teleport', 0, []), state), { status: 'failed', reason: 'unknown-kind' });
  });

  for (const mode of ['coinbase', 'coinbase-delta'] as const) {
    test(`fee mode ${mode}: every transaction pays the coinbase, even a failed one`, () => {
      const g: GenesisSpec = { ...genesis, fee: { mode, amount: 3 } };
      const ledger = new Ledger(g);
      const state = State.fromGenesis(g);
      const coinbase = ledger.layout.balance(ledger.layout.coinbase);
      ledger.execute(txOf(ledger, 0, 'transfer', 0, [1, 10]), state);
      assert.deepEqual(ledger.execute(txOf(ledger, 1, 'transfer', 1, [2, 1000]), state), { status: 'failed', reason: 'insufficient-funds' });
      assert.equal(state.read(coinbase), 6);
      assert.equal(state.read(ledger.layout.balance(0)), 100 - 10 - 3);
      assert.equal(state.read(ledger.layout.balance(1)), 100 + 10 - 3);
      const d = ledger.declare('transfer', 0, [1, 10]);
      if (mode === 'coinbase') {
        assert.ok(d.reads.includes(coinbase) && d.writes.includes(coinbase), 'read-modify-write of the coinbase');
        assert.deepEqual(d.deltas, []);
      } else {
        assert.ok(!d.reads.includes(coinbase) && !d.writes.includes(coinbase));
        assert.deepEqual(d.deltas, [coinbase]);
      }
    });
  }

  test('a sender who cannot pay the fee fails, changing only its nonce', () => {
    const g: GenesisSpec = { ...genesis, initialBalance: 2, fee: { mode: 'coinbase', amount: 3 } };
    const ledger = new Ledger(g);
    const state = State.fromGenesis(g);
    assert.deepEqual(ledger.execute(txOf(ledger, 0, 'transfer', 0, [1, 1]), state), { status: 'failed', reason: 'insufficient-fee' });
    assert.equal(state.read(ledger.layout.balance(0)), 2);
  });

  test('money is conserved by payments', () => {
    const config = payments({ accounts: 50, initialBalance: 1000, sampler: { kind: 'zipf', s: 1.2 } }, { amount: { min: 1, max: 500 } });
    const workload = createWorkload(config, 5);
    const ledger = new Ledger(workload.genesis);
    const state = State.fromGenesis(workload.genesis);
    let failed = 0;
    for (let i = 0; i < 5000; i++) if (ledger.execute(workload.next(i), state).status === 'failed') failed++;
    let total = 0;
    for (let a = 0; a < config.accounts; a++) total += state.read(ledger.layout.balance(a));
    assert.equal(total, config.accounts * config.initialBalance);
    assert.ok(failed > 0, 'this skewed workload should drain some hot senders');
  });
});

describe('the state root', () => {
  test('kept up to date on every write, it equals a root computed from scratch', () => {
    const workload = createWorkload(payments({ accounts: 30 }), 3);
    const ledger = new Ledger(workload.genesis);
    const state = State.fromGenesis(workload.genesis);
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
