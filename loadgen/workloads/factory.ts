import type { WorkloadConfig } from '../../core/profile/schema.js';
import type { Rng } from '../../core/rng.js';
import type { Tx } from '../../core/tx.js';
import { Ledger, kinds } from '../../ledger/index.js';
import type { AccountSampler } from '../samplers.js';
import type { World } from './genesis.js';

/**
 * What every family generator shares: the random stream, who acts, the chain (for declared
 * sets), per-sender nonces, and per-kind costs. `make` turns a kind, a sender and arguments into
 * a complete transaction.
 */
export class TxFactory {
  readonly ledger: Ledger;
  readonly rng: Rng;
  readonly accounts: AccountSampler;
  readonly world: World;
  private readonly nonces: Float64Array;
  private readonly costs: Record<string, number>;

  constructor(world: World, rng: Rng, accounts: AccountSampler, costUs: WorkloadConfig['costUs']) {
    this.world = world;
    this.ledger = new Ledger(world.genesis);
    this.rng = rng;
    this.accounts = accounts;
    this.nonces = new Float64Array(this.ledger.layout.allAccounts);
    this.costs = Object.fromEntries(
      Object.values(kinds).map((k) => [k.name, typeof costUs === 'number' ? costUs : (costUs?.[k.name] ?? k.defaultCostUs)]),
    );
  }

  make(id: number, kind: string, sender: number, args: number[]): Tx {
    const nonce = this.nonces[sender] ?? 0;
    this.nonces[sender] = nonce + 1;
    const d = this.ledger.declare(kind, sender, args);
    return { id, kind, sender, nonce, args, costUs: this.costs[kind] ?? 0, reads: d.reads, writes: d.writes, deltas: d.deltas, exact: d.exact };
  }

  /** An account other than `not`. */
  other(not: number): number {
    let a = this.accounts.one(this.rng);
    while (a === not) a = this.accounts.one(this.rng);
    return a;
  }
}

/** One family's generators: the kinds it draws by weight, and what it places by position. */
export interface FamilyGenerator {
  readonly kinds: readonly { readonly name: string; readonly weight: number; make(id: number): Tx }[];
  /** A transaction that takes this id's place regardless of the draw (an oracle update at its slot, the rest of a burst). */
  interject?(id: number): Tx | undefined;
}
