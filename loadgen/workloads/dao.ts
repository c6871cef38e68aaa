import type { WorkloadConfig } from '../../core/profile/schema.js';
import type { Tx } from '../../core/tx.js';
import { zipf, type Sampler } from '../samplers.js';
import type { FamilyGenerator, TxFactory } from './factory.js';

type Config = NonNullable<WorkloadConfig['dao']>;

/**
 * Votes on the open proposals (each voter once, by the generator's own record), new proposals,
 * and the execution of proposals that have passed by the generator's count.
 */
export function daoGenerator(config: Config, f: TxFactory, accounts: number): FamilyGenerator {
  const { rng } = f;
  const open: number[] = Array.from({ length: config.proposals }, (_, d) => d);
  let created = config.proposals;
  const voted = new Uint8Array(config.capacity * accounts);
  const yes = new Float64Array(config.capacity);
  const no = new Float64Array(config.capacity);
  const tally = config.tally === 'delta' ? 1 : 0;
  const popular = new Map<number, Sampler>();
  const weights = config.kinds ?? { vote: 95, propose: 1, 'execute-proposal': 4 };

  const vote = (id: number): Tx => {
    let sampler = popular.get(open.length);
    if (!sampler) popular.set(open.length, (sampler = zipf(Math.max(1, open.length), config.proposalPopularity)));
    const d = open[sampler.sample(rng)] ?? 0;
    // A voter who has not voted yet, if a few tries find one; otherwise a double vote, which fails.
    let voter = f.accounts.one(rng);
    for (let tries = 0; tries < 4 && voted[d * accounts + voter]; tries++) voter = f.accounts.one(rng);
    const choice = rng.float() < config.yesShare ? 1 : 0;
    if (!voted[d * accounts + voter]) {
      voted[d * accounts + voter] = 1;
      if (choice === 1) yes[d] = (yes[d] ?? 0) + 1;
      else no[d] = (no[d] ?? 0) + 1;
    }
    return f.make(id, 'vote', voter, [d, choice, tally]);
  };

  return {
    kinds: [
      { name: 'vote', weight: weights.vote ?? 0, make: vote },
      {
        name: 'propose',
        weight: weights.propose ?? 0,
        make(id) {
          // A full DAO takes no more proposals: vote instead of sending one bound to fail.
          if (created >= config.capacity) return vote(id);
          open.push(created);
          return f.make(id, 'propose', f.accounts.one(rng), [created++]);
        },
      },
      {
        name: 'execute-proposal',
        weight: weights['execute-proposal'] ?? 0,
        make(id) {
          const i = open.findIndex((d) => (yes[d] ?? 0) >= config.quorum && (yes[d] ?? 0) > (no[d] ?? 0));
          // Keep at least one proposal open to vote on.
          if (i < 0 || open.length === 1) return vote(id);
          const [d = 0] = open.splice(i, 1);
          return f.make(id, 'execute-proposal', f.accounts.one(rng), [d, f.accounts.one(rng), config.grant]);
        },
      },
    ],
  };
}
