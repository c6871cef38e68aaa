import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GenesisSpec } from '../../core/genesis.js';
import type { TxOutcome } from '../../core/tx.js';
import { Rng } from '../../core/rng.js';
import { Ledger, PRICE_ONE, State, setWorkCalibration } from '../../ledger/index.js';
import { ROYALTY_BPS } from '../../ledger/kinds/index.js';
import { txOf } from './ledger.test.js';

setWorkCalibration(100);

const GENESIS: GenesisSpec = {
  accounts: 10,
  initialBalance: 10_000,
  tokens: { count: 3, balance: 100_000 },
  pools: { pairs: [[1, 2], [2, 3], [1, 3]], reserve: 1_000_000, providers: 2 },
  merchants: 2,
  lending: { markets: 2, users: 5, supply: 1_000_000, debt: 200_000, atRisk: 1 },
  nft: { collections: 2, maxSupply: 3, price: 100 },
  game: { players: 4, guilds: 2, itemTypes: 3, items: 10 },
  dao: { capacity: 3, open: 1, quorum: 2, treasury: 5000 },
};

/** A chain to poke at: executes one transaction at a time, keeping each sender's nonce. */
function chain(genesis: GenesisSpec = GENESIS) {
  const ledger = new Ledger(genesis);
  const state = State.fromGenesis(genesis);
  const nonces = new Map<number, number>();
  let id = 0;
  const L = ledger.layout;
  return {
    ledger,
    state,
    L,
    get: (key: number): number => state.read(key),
    run(kind: string, sender: number, args: number[]): TxOutcome {
      const nonce = nonces.get(sender) ?? 0;
      nonces.set(sender, nonce + 1);
      return ledger.execute(txOf(ledger, id++, kind, sender, args, nonce), state);
    },
    /** Every key whose value differs from `before`, by name. */
    changed(before: readonly number[]): string[] {
      return Array.from(state.values).flatMap((v, k) => (v === before[k] ? [] : [L.describe(k)]));
    },
  };
}

const ok = { status: 'committed' };
const failed = (reason: string) => ({ status: 'failed', reason });

describe('payments', () => {
  test('micropay credits the merchant, by read-modify-write or by a commutative add', () => {
    for (const credit of [0, 1]) {
      const c = chain();
      const merchant = c.L.balance(c.L.merchant(1));
      assert.deepEqual(c.run('micropay', 3, [1, 7, credit]), ok);
      assert.equal(c.get(merchant), 7);
      const d = c.ledger.declare('micropay', 3, [1, 7, credit]);
      assert.equal(d.deltas.includes(merchant), credit === 1);
      assert.equal(d.writes.includes(merchant), credit === 0);
    }
  });

  test('a cross-border payment converts through the FX pool', () => {
    const c = chain();
    assert.deepEqual(c.run('fx-transfer', 0, [5, 0, 0, 1000]), ok);
    assert.equal(c.get(c.L.balance(0, 1)), 100_000 - 1000);
    const received = c.get(c.L.balance(5, 2)) - 100_000;
    assert.ok(received > 990 && received < 1000, `received ${received}: the pool's price less its 0.3% fee`);
    assert.equal(c.get(c.L.reserve(0, 0)), 1_001_000);
    assert.equal(c.get(c.L.reserve(0, 1)), 1_000_000 - received);
  });
});

describe('AMM', () => {
  test('swaps never decrease x·y of any pool they cross, and pay the swapper what the pools gave', () => {
    const c = chain();
    const rng = new Rng(9);
    const routes = [
      [0, 0],
      [0, 1],
      [0, 0, 1, 0],
      [2, 1, 0, 0, 1, 0],
      [1, 1, 0, 1],
    ];
    for (let i = 0; i < 300; i++) {
      const route = routes[rng.int(routes.length)] ?? [0, 0];
      const before = [0, 1, 2].map((p) => c.get(c.L.reserve(p, 0)) * c.get(c.L.reserve(p, 1)));
      const outcome = c.run('swap', rng.int(10), [1 + rng.int(20_000), 0, ...route]);
      assert.deepEqual(outcome, ok);
      const after = [0, 1, 2].map((p) => c.get(c.L.reserve(p, 0)) * c.get(c.L.reserve(p, 1)));
      after.forEach((k, p) => assert.ok(k >= (before[p] ?? 0), `pool ${p}: x·y went from ${before[p]} to ${k}`));
    }
  });

  test('a multi-hop swap takes token in and gives token out, and nothing in between', () => {
    const c = chain();
    // 1 → 2 through pool 0, then 2 → 3 through pool 1.
    assert.deepEqual(c.run('swap', 4, [5000, 0, 0, 0, 1, 0]), ok);
    assert.equal(c.get(c.L.balance(4, 1)), 95_000);
    assert.equal(c.get(c.L.balance(4, 2)), 100_000);
    assert.ok(c.get(c.L.balance(4, 3)) > 100_000);
  });

  test('slippage and broken routes fail, changing nothing but the nonce', () => {
    const c = chain();
    const before = Array.from(c.state.values);
    assert.deepEqual(c.run('swap', 4, [5000, 10_000, 0, 0]), failed('slippage'));
    assert.deepEqual(c.run('swap', 4, [5000, 0, 0, 0, 0, 0]), failed('bad-route'));
    assert.deepEqual(c.changed(before), ['nonce[4]']);
  });

  test('liquidity goes in for shares and comes back out; only providers may', () => {
    const c = chain();
    const shares = c.L.lpShares(0, 1);
    const held = c.get(shares);
    assert.deepEqual(c.run('add-liquidity', 1, [0, 10_000]), ok);
    assert.equal(c.get(shares), held + 10_000);
    assert.deepEqual(c.run('remove-liquidity', 1, [0, 10_000]), ok);
    assert.equal(c.get(shares), held);
    assert.ok(c.get(c.L.balance(1, 1)) >= 100_000 - 1 && c.get(c.L.balance(1, 2)) >= 100_000 - 2);
    assert.deepEqual(c.run('add-liquidity', 7, [0, 10_000]), failed('not-provider'));
    assert.deepEqual(c.run('remove-liquidity', 1, [0, 1e12]), failed('insufficient-shares'));
  });
});

describe('lending', () => {
  test('deposit, borrow within the collateral, repay', () => {
    const c = chain();
    assert.deepEqual(c.run('deposit', 2, [0, 1000]), ok);
    assert.equal(c.get(c.L.supplied(0, 2)), 1_001_000);
    assert.equal(c.get(c.L.marketTotal(0, 0)), 5_001_000);
    assert.deepEqual(c.run('borrow', 2, [0, 1, 100_000]), ok);
    assert.equal(c.get(c.L.borrowed(0, 2)), 300_000);
    // 75% of 1,000,000 collateral is 750,000 of debt at most.
    assert.deepEqual(c.run('borrow', 2, [0, 1, 500_000]), failed('undercollateralized'));
    assert.deepEqual(c.run('repay', 2, [0, 1e9]), failed('insufficient-funds'));
    assert.deepEqual(c.run('repay', 2, [0, 50_000]), ok);
    assert.equal(c.get(c.L.borrowed(0, 2)), 250_000);
    assert.deepEqual(c.run('deposit', 7, [0, 1]), failed('not-lending-user'));
  });

  test('an at-risk borrower is healthy until its collateral falls, then liquidators race for it', () => {
    const c = chain({ ...GENESIS, tokens: { count: 3, balance: 10_000_000 } });
    assert.deepEqual(c.run('liquidate', 6, [0, 0, 1]), failed('healthy'));
    assert.deepEqual(c.run('oracle-update', 6, [2, PRICE_ONE / 2]), failed('not-oracle'));
    assert.deepEqual(c.run('oracle-update', c.L.oracleOperator, [2, (PRICE_ONE * 9) / 10]), ok);
    const debt = c.get(c.L.borrowed(0, 0));
    assert.deepEqual(c.run('liquidate', 6, [0, 0, 1]), ok);
    assert.equal(c.get(c.L.borrowed(0, 0)), debt - debt / 2);
    assert.ok(c.get(c.L.balance(6, 2)) > 10_000_000, 'the liquidator received collateral tokens');
    // The race: liquidations go on while the position is unhealthy, then the latecomers fail.
    const outcomes = Array.from({ length: 8 }, (_, i) => c.run('liquidate', 7 + (i % 3), [0, 0, 1]).status);
    assert.equal(outcomes.at(-1), 'failed');
  });
});

describe('NFT and game items', () => {
  test('a counter mint takes the next id, pays the creator, and sells out at max supply', () => {
    const c = chain();
    for (let id = 0; id < 3; id++) {
      assert.deepEqual(c.run('nft-mint', id + 1, [1, -1, id]), ok);
      assert.equal(c.get(c.L.nftOwner(1, id)), id + 2);
    }
    assert.deepEqual(c.run('nft-mint', 5, [1, -1, 0]), failed('sold-out'));
    assert.equal(c.get(c.L.nftCounter(1)), 3);
    assert.equal(c.get(c.L.balance(c.L.creator(1))), 300);
    assert.equal(c.ledger.declare('nft-mint', 5, [1, -1, 0]).exact, false);
  });

  test('a pre-assigned mint claims its id once', () => {
    const c = chain();
    assert.deepEqual(c.run('nft-mint', 1, [0, 2]), ok);
    assert.deepEqual(c.run('nft-mint', 2, [0, 2]), failed('already-minted'));
    assert.equal(c.get(c.L.nftCounter(0)), 1);
    assert.equal(c.ledger.declare('nft-mint', 2, [0, 2]).exact, true);
  });

  test('list and buy: the seller is paid less the royalty, which goes to the creator; stale orders fail', () => {
    for (const royalty of [0, 1]) {
      const c = chain();
      c.run('nft-mint', 1, [0, -1, 0]);
      assert.deepEqual(c.run('nft-transfer', 2, [0, 0, 3]), failed('not-owner'));
      assert.deepEqual(c.run('nft-list', 1, [0, 0, 1000]), ok);
      const creator = c.get(c.L.balance(c.L.creator(0)));
      assert.deepEqual(c.run('nft-buy', 4, [0, 0, 1, royalty]), ok);
      const fee = (1000 * ROYALTY_BPS) / 10_000;
      assert.equal(c.get(c.L.balance(1)), 10_000 - 100 + 1000 - fee);
      assert.equal(c.get(c.L.balance(4)), 10_000 - 1000);
      assert.equal(c.get(c.L.balance(c.L.creator(0))), creator + fee);
      assert.equal(c.get(c.L.nftOwner(0, 0)), 5);
      assert.deepEqual(c.run('nft-buy', 6, [0, 0, 1, royalty]), failed('not-listed'));
      c.run('nft-list', 4, [0, 0, 500]);
      assert.deepEqual(c.run('nft-buy', 6, [0, 0, 1, royalty]), failed('stale-order'));
    }
  });

  test('crafting turns two items into one of the next type and keeps the world supply', () => {
    for (const supply of [0, 1]) {
      const c = chain();
      assert.deepEqual(c.run('craft', 1, [0, supply]), ok);
      assert.deepEqual([c.get(c.L.inventory(1, 0)), c.get(c.L.inventory(1, 1))], [8, 1]);
      assert.deepEqual([c.get(c.L.worldSupply(0)), c.get(c.L.worldSupply(1))], [38, 1]);
      assert.deepEqual(c.run('craft', 1, [1, supply]), failed('not-enough-items'));
      assert.deepEqual(c.run('craft', 1, [2, supply]), failed('no-recipe'));
      assert.deepEqual(c.run('craft', 8, [0, supply]), failed('not-player'));
    }
  });

  test('items trade between players', () => {
    const c = chain();
    assert.deepEqual(c.run('item-trade', 0, [2, 0, 3]), ok);
    assert.deepEqual([c.get(c.L.inventory(0, 0)), c.get(c.L.inventory(2, 0))], [7, 13]);
    assert.deepEqual(c.run('item-trade', 0, [2, 0, 30]), failed('not-enough-items'));
  });
});

describe('DAO', () => {
  test('each voter votes once; the tally is kept by read-modify-write or by adds', () => {
    for (const tally of [0, 1]) {
      const c = chain();
      assert.deepEqual(c.run('vote', 1, [0, 1, tally]), ok);
      assert.deepEqual(c.run('vote', 1, [0, 0, tally]), failed('already-voted'));
      assert.deepEqual(c.run('vote', 2, [0, 0, tally]), ok);
      assert.deepEqual([c.get(c.L.proposal(0, 1)), c.get(c.L.proposal(0, 2))], [1, 1]);
      assert.deepEqual(c.run('vote', 3, [1, 1, tally]), failed('no-such-proposal'));
      const d = c.ledger.declare('vote', 4, [0, 1, tally]);
      assert.equal(d.deltas.includes(c.L.proposal(0, 1)), tally === 1);
    }
  });

  test('a proposal executes once it has passed, then closes', () => {
    const c = chain();
    assert.deepEqual(c.run('execute-proposal', 9, [0, 9, 1000]), failed('not-passed'));
    c.run('vote', 1, [0, 1, 0]);
    c.run('vote', 2, [0, 1, 0]);
    c.run('vote', 3, [0, 0, 0]);
    assert.deepEqual(c.run('execute-proposal', 9, [0, 8, 1000]), ok);
    assert.equal(c.get(c.L.balance(8)), 11_000);
    assert.equal(c.get(c.L.balance(c.L.treasury)), 4000);
    assert.deepEqual(c.run('vote', 4, [0, 1, 0]), failed('proposal-closed'));
    assert.deepEqual(c.run('execute-proposal', 9, [0, 8, 1000]), failed('proposal-closed'));
  });

  test('proposals take consecutive ids until the DAO is full', () => {
    const c = chain();
    assert.deepEqual(c.run('propose', 1, [1]), ok);
    assert.deepEqual(c.run('propose', 2, [2]), ok);
    assert.deepEqual(c.run('propose', 3, [2]), failed('dao-full'));
    assert.deepEqual([c.get(c.L.proposal(1, 0)), c.get(c.L.proposal(2, 0))], [1, 1]);
    assert.deepEqual(c.run('vote', 4, [2, 1, 0]), ok);
  });
});
