import type { WorkloadConfig } from '../../core/profile/schema.js';
import { zipf } from '../samplers.js';
import type { FamilyGenerator, TxFactory } from './factory.js';

type Config = NonNullable<WorkloadConfig['payments']>;

/** Transfers between accounts, micropayments into a few merchants, cross-border payments through FX pools. */
export function paymentsGenerator(config: Config, f: TxFactory): FamilyGenerator {
  const { rng, world } = f;
  const { min, max } = config.amount;
  const corridor = zipf(Math.max(1, world.fxPools), config.corridorPopularity);
  const credit = config.merchantCredit === 'delta' ? 1 : 0;
  const weights = config.kinds ?? { transfer: 1 };
  const locality = config.locality;
  const accounts = world.genesis.accounts;
  /** The recipient moved into the sender's group, or (for the crossing share) into another group. */
  const localise = (from: number, to: number): number => {
    if (!locality) return to;
    const g = locality.groups;
    const own = from % g;
    const group = rng.float() < locality.crossGroup ? (own + 1 + rng.int(g - 1)) % g : own;
    let moved = to - (to % g) + group;
    if (moved >= accounts) moved -= g;
    if (moved === from) moved = moved + g < accounts ? moved + g : moved - g;
    return moved;
  };
  return {
    kinds: [
      {
        name: 'transfer',
        weight: weights.transfer ?? 0,
        make(id) {
          const [from, to] = f.accounts.pair(rng);
          return f.make(id, 'transfer', from, [localise(from, to), rng.between(min, max)]);
        },
      },
      {
        name: 'micropay',
        weight: weights.micropay ?? 0,
        make(id) {
          // A micropayment is a hundredth of a payment, at least 1.
          const amount = rng.between(1, Math.max(1, Math.floor(max / 100)));
          return f.make(id, 'micropay', f.accounts.one(rng), [rng.int(config.merchants), amount, credit]);
        },
      },
      {
        name: 'fx-transfer',
        weight: world.fxPools > 0 ? (weights['fx-transfer'] ?? 0) : 0,
        make(id) {
          const [from, to] = f.accounts.pair(rng);
          const pool = world.defiPools + corridor.sample(rng);
          return f.make(id, 'fx-transfer', from, [to, pool, rng.int(2), rng.between(min, max)]);
        },
      },
    ],
  };
}
