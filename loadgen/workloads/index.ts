import { ParabenchError } from '../../core/errors.js';
import type { WorkloadConfig } from '../../core/profile/schema.js';
import { Rng } from '../../core/rng.js';
import type { Tx } from '../../core/tx.js';
import { StateLayout } from '../../ledger/index.js';
import { accountSampler, Weighted } from '../samplers.js';
import { daoGenerator } from './dao.js';
import { defiGenerator } from './defi.js';
import { TxFactory, type FamilyGenerator } from './factory.js';
import { worldFor } from './genesis.js';
import { nftGenerator } from './nft.js';
import { paymentsGenerator } from './payments.js';
import type { Workload } from './workload.js';

export type { Workload } from './workload.js';
export { worldFor, type World } from './genesis.js';

/** The largest state a workload may ask for: 50 M keys, 400 MB per copy of the state. */
export const MAX_STATE_KEYS = 50_000_000;

export interface WorkloadOptions {
  /** Transactions per block, for what is placed by position in a block (oracle updates). */
  readonly blockSize: number;
}

/**
 * The workload a profile describes: a mix of families by weight, each a mix of kinds by weight.
 * Every draw comes from one seeded stream, so the same profile and seed give byte-identical traffic.
 */
export function createWorkload(config: WorkloadConfig, seed: number, options: WorkloadOptions = { blockSize: 1000 }): Workload {
  const world = worldFor(config);
  const keys = new StateLayout(world.genesis).size;
  if (keys > MAX_STATE_KEYS) {
    throw new ParabenchError('PROFILE_INVALID', `workload: expected a state of at most ${MAX_STATE_KEYS} keys, found ${keys}`, {
      hint: 'Use fewer accounts, tokens, lending users, players, NFT supply or DAO capacity.',
    });
  }
  const rng = new Rng(seed).fork('workload');
  const accounts = accountSampler(config.sampler, config.accounts);
  const f = new TxFactory(world, rng, accounts, config.costUs);

  const families: { name: string; weight: number; gen: FamilyGenerator }[] = [];
  if (config.payments) families.push({ name: 'payments', weight: config.payments.weight, gen: paymentsGenerator(config.payments, f) });
  if (config.defi) families.push({ name: 'defi', weight: config.defi.weight, gen: defiGenerator(config.defi, f, options.blockSize) });
  if (config.nft) families.push({ name: 'nft', weight: config.nft.weight, gen: nftGenerator(config.nft, f) });
  if (config.dao) families.push({ name: 'dao', weight: config.dao.weight, gen: daoGenerator(config.dao, f, config.accounts) });

  // One flat draw over (family, kind): a kind's chance is its family's share times its share in the family.
  const entries: { family: string; name: string; share: number; make(id: number): Tx }[] = [];
  const familyTotal = families.reduce((s, x) => s + x.weight, 0);
  for (const fam of families) {
    const kindTotal = fam.gen.kinds.reduce((s, k) => s + k.weight, 0);
    if (kindTotal === 0 || fam.weight === 0) continue;
    for (const k of fam.gen.kinds) {
      if (k.weight > 0) entries.push({ family: fam.name, name: k.name, share: (fam.weight / familyTotal) * (k.weight / kindTotal), make: k.make });
    }
  }
  if (entries.length === 0) throw new ParabenchError('PROFILE_INVALID', 'workload: every family or kind weight is zero', { hint: 'Give at least one kind of one family a weight above 0.' });
  const pick = new Weighted(entries.map((e) => e.share));
  const interjecting = families.map((x) => x.gen).filter((g) => g.interject !== undefined);

  return {
    genesis: world.genesis,
    description: describe(config, entries, accounts.description),
    next(id) {
      for (const g of interjecting) {
        const tx = g.interject?.(id);
        if (tx) return tx;
      }
      const e = entries.length === 1 ? entries[0] : entries[pick.pick(rng)];
      if (!e) throw new Error('no kind to draw');
      return e.make(id);
    },
  };
}

function describe(config: WorkloadConfig, entries: readonly { family: string; name: string; share: number }[], sampler: string): string {
  const byFamily = new Map<string, { share: number; kinds: string[] }>();
  for (const e of entries) {
    const x = byFamily.get(e.family) ?? { share: 0, kinds: [] };
    x.share += e.share;
    x.kinds.push(e.name);
    byFamily.set(e.family, x);
  }
  const fams = [...byFamily].map(([name, x]) =>
    byFamily.size === 1 ? `${name} (${x.kinds.join(', ')})` : `${name} ${Math.round(x.share * 100)}%`,
  );
  const fee = config.fee.mode === 'none' ? '' : ` · fee ${config.fee.mode}`;
  return `${fams.join(', ')} · ${config.accounts} accounts · ${sampler}${fee}`;
}
