import type { WorkloadConfig } from '../../core/profile/schema.js';
import type { Tx } from '../../core/tx.js';
import { PRICE_ONE } from '../../ledger/index.js';
import { Weighted, zipf, type Sampler } from '../samplers.js';
import type { FamilyGenerator, TxFactory } from './factory.js';

type Config = NonNullable<WorkloadConfig['defi']>;

/**
 * Swaps over Zipf-popular pools along 1–3 hop routes, liquidity, lending, liquidation bursts, and
 * oracle updates placed at fixed positions of every block.
 */
export function defiGenerator(config: Config, f: TxFactory, blockSize: number): FamilyGenerator {
  const { rng, world } = f;
  const layout = f.ledger.layout;
  const pools = world.defiPools;
  const poolSampler = zipf(pools, config.poolPopularity);
  const hops = new Weighted([config.hops['1'] ?? 0, config.hops['2'] ?? 0, config.hops['3'] ?? 0]);
  const { min, max } = config.swapAmount;

  // For each token, the pools that trade it, most popular first; and a popularity sampler per list length.
  const poolsOf: number[][] = Array.from({ length: world.defiTokens + 1 }, () => []);
  for (let p = 0; p < pools; p++) for (const t of layout.pairs[p] ?? []) poolsOf[t]?.push(p);
  const byLength = new Map<number, Sampler>();
  const among = (n: number): Sampler => {
    let s = byLength.get(n);
    if (!s) byLength.set(n, (s = zipf(n, config.poolPopularity)));
    return s;
  };

  const markets = config.markets;
  const lendingUser = (): number => f.accounts.one(rng) % config.lendingUsers;
  const otherMarket = (m: number): number => (markets === 1 ? m : (m + 1 + rng.int(markets - 1)) % markets);

  // Oracle prices as the generator expects them to be, for random-walk updates.
  const prices = new Float64Array(world.defiTokens + 1).fill(PRICE_ONE);
  const slots = oracleSlots(config.oracle.updatesPerBlock, config.oracle.placement, blockSize);
  let burst: { borrower: number; m: number; c: number; left: number } | undefined;

  const weights = config.kinds ?? { swap: 80, 'add-liquidity': 3, 'remove-liquidity': 2, deposit: 5, borrow: 4, repay: 5, liquidate: 1 };

  return {
    kinds: [
      {
        name: 'swap',
        weight: weights.swap ?? 0,
        make(id) {
          const sender = f.accounts.one(rng);
          const args = [rng.between(min, max), 0];
          let pool = poolSampler.sample(rng);
          let dir = rng.int(2);
          args.push(pool, dir);
          let token = layout.pairs[pool]?.[1 - dir] ?? 0;
          const length = hops.pick(rng) + 1;
          for (let h = 1; h < length; h++) {
            // The next pool trades the token in hand; drawn by popularity among those, never the pool just used.
            const candidates = poolsOf[token] ?? [];
            if (candidates.length < 2) break;
            const i = among(candidates.length - 1).sample(rng);
            const at = candidates.indexOf(pool);
            pool = candidates[at >= 0 && i >= at ? i + 1 : i] ?? pool;
            const pair = layout.pairs[pool] ?? [0, 0];
            dir = pair[0] === token ? 0 : 1;
            args.push(pool, dir);
            token = pair[1 - dir] ?? 0;
          }
          return f.make(id, 'swap', sender, args);
        },
      },
      {
        name: 'add-liquidity',
        weight: weights['add-liquidity'] ?? 0,
        make: (id) => f.make(id, 'add-liquidity', rng.int(config.providers), [poolSampler.sample(rng), rng.between(min, max)]),
      },
      {
        name: 'remove-liquidity',
        weight: weights['remove-liquidity'] ?? 0,
        make: (id) => f.make(id, 'remove-liquidity', rng.int(config.providers), [poolSampler.sample(rng), rng.between(min, max)]),
      },
      {
        name: 'deposit',
        weight: weights.deposit ?? 0,
        make: (id) => f.make(id, 'deposit', lendingUser(), [rng.int(markets), rng.between(min, max)]),
      },
      {
        name: 'borrow',
        weight: weights.borrow ?? 0,
        make(id) {
          const m = rng.int(markets);
          return f.make(id, 'borrow', lendingUser(), [m, otherMarket(m), rng.between(min, max)]);
        },
      },
      {
        name: 'repay',
        weight: weights.repay ?? 0,
        make: (id) => f.make(id, 'repay', lendingUser(), [rng.int(markets), rng.between(min, max)]),
      },
      {
        name: 'liquidate',
        weight: markets > 1 ? (weights.liquidate ?? 0) : 0,
        make(id) {
          // A burst: liquidators race for one at-risk borrower; the first to land wins, the rest find it healthy.
          const m = rng.int(markets);
          burst = { borrower: rng.int(Math.max(1, config.atRisk)), m, c: otherMarket(m), left: config.liquidationBurst };
          return liquidation(id);
        },
      },
    ],
    interject(id) {
      if (slots.has(id % blockSize)) {
        const token = 1 + rng.int(Math.max(1, Math.min(markets, world.defiTokens)));
        const move = ((rng.float() * 2 - 1) * config.oracle.volatilityBps) / 10_000;
        const price = Math.max(1, Math.round((prices[token] ?? PRICE_ONE) * (1 + move)));
        prices[token] = price;
        return f.make(id, 'oracle-update', layout.oracleOperator, [token, price]);
      }
      return burst ? liquidation(id) : undefined;
    },
  };

  function liquidation(id: number): Tx {
    const b = burst;
    if (!b) throw new Error('no burst in progress');
    b.left--;
    if (b.left <= 0) burst = undefined;
    return f.make(id, 'liquidate', f.other(b.borrower), [b.borrower, b.m, b.c]);
  }
}

/** Positions in a block of `blockSize` that carry oracle updates. */
function oracleSlots(perBlock: number, placement: 'early' | 'late' | 'uniform', blockSize: number): Set<number> {
  const n = Math.min(perBlock, blockSize);
  const slots = new Set<number>();
  for (let j = 0; j < n; j++) {
    if (placement === 'early') slots.add(j);
    else if (placement === 'late') slots.add(blockSize - n + j);
    else slots.add(Math.floor((j * blockSize) / n));
  }
  return slots;
}
