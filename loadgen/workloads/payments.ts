import { Rng } from '../../core/rng.js';
import type { Tx, WorkloadConfig } from '../../core/index.js';
import { Ledger, kinds } from '../../ledger/index.js';
import { uniform, zipf, type Sampler } from '../samplers.js';
import type { Workload } from './workload.js';

type PaymentsConfig = Extract<WorkloadConfig, { family: 'payments' }>;

/** Peer-to-peer transfers: sender and recipient (never the same) drawn by the profile's sampler. */
export function paymentsWorkload(config: PaymentsConfig, seed: number): Workload {
  const genesis = { accounts: config.accounts, initialBalance: config.initialBalance };
  const ledger = new Ledger(genesis);
  const rng = new Rng(seed).fork('payments');
  const sampler: Sampler = config.sampler.kind === 'zipf' ? zipf(config.accounts, config.sampler.s) : uniform(config.accounts);
  const nonces = new Float64Array(config.accounts);
  const costUs = config.costUs ?? kinds.transfer?.defaultCostUs ?? 0;
  const { min, max } = config.amount;
  const samplerText = config.sampler.kind === 'zipf' ? `zipf(s=${config.sampler.s})` : 'uniform';

  return {
    genesis,
    description: `payments · ${config.accounts} accounts · ${samplerText} · ${costUs} µs/tx`,
    next(id: number): Tx {
      const sender = sampler.sample(rng);
      let to = sampler.sample(rng);
      while (to === sender) to = sampler.sample(rng);
      const amount = rng.between(min, max);
      const nonce = nonces[sender] ?? 0;
      nonces[sender] = nonce + 1;
      const args = [to, amount];
      const { reads, writes } = ledger.declare('transfer', sender, args);
      return { id, kind: 'transfer', sender, nonce, args, costUs, reads, writes };
    },
  };
}
