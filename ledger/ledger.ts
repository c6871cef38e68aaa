import type { GenesisSpec } from '../core/genesis.js';
import type { StateKey, Tx, TxOutcome } from '../core/tx.js';
import { kinds, type Declared } from './kinds/index.js';
import { StateLayout } from './layout.js';
import type { StateView } from './state.js';
import { burn, iterationsFor } from './work.js';

/** Writes of one transaction, held back until it succeeds. Small linear arrays: a tx touches a handful of keys. */
class WriteBuffer implements StateView {
  private keys: StateKey[] = [];
  private values: number[] = [];
  private base: StateView | undefined;

  begin(base: StateView): this {
    this.base = base;
    this.keys.length = 0;
    this.values.length = 0;
    return this;
  }

  read(key: StateKey): number {
    const i = this.keys.lastIndexOf(key);
    return i >= 0 ? (this.values[i] ?? 0) : (this.base?.read(key) ?? 0);
  }

  write(key: StateKey, value: number): void {
    const i = this.keys.lastIndexOf(key);
    if (i >= 0) this.values[i] = value;
    else {
      this.keys.push(key);
      this.values.push(value);
    }
  }

  commit(): void {
    for (let i = 0; i < this.keys.length; i++) this.base?.write(this.keys[i] ?? 0, this.values[i] ?? 0);
  }
}

const UNKNOWN_KIND: Declared = { reads: [], writes: [] };

/**
 * The state machine: what every transaction means, identical for every executor. Executors differ
 * only in the StateView they hand to `execute` (direct, multi-version, sharded…) and in the order
 * and place they call it.
 */
export class Ledger {
  readonly genesis: GenesisSpec;
  readonly layout: StateLayout;
  private readonly buffer = new WriteBuffer();

  constructor(genesis: GenesisSpec) {
    this.genesis = genesis;
    this.layout = new StateLayout(genesis);
  }

  /** The keys a transaction will touch: its kind's, plus the sender's nonce. */
  declare(kind: string, sender: number, args: readonly number[]): Declared {
    const declared = kinds[kind]?.declare(this.layout, sender, args) ?? UNKNOWN_KIND;
    const nonce = this.layout.nonce(sender);
    return { reads: [...declared.reads, nonce], writes: [...declared.writes, nonce] };
  }

  /**
   * Executes one transaction against `view`. A nonce below the account's is a replay and changes
   * nothing; otherwise the nonce moves past the transaction's whether the kind commits or fails, and
   * a failed kind's own writes are discarded.
   */
  execute(tx: Tx, view: StateView): TxOutcome {
    const nonceKey = this.layout.nonce(tx.sender);
    const accountNonce = view.read(nonceKey);
    if (tx.nonce < accountNonce) return { status: 'failed', reason: 'nonce-too-low' };
    const kind = kinds[tx.kind];
    const digest = burn(iterationsFor(tx.costUs), tx.id ^ 0x5f3759df);
    let outcome: TxOutcome;
    if (kind === undefined) outcome = { status: 'failed', reason: 'unknown-kind' };
    else {
      const buffered = this.buffer.begin(view);
      outcome = kind.apply(tx, buffered, this.layout);
      if (outcome.status === 'committed') buffered.commit();
    }
    // digest is never 0 (see work.ts): this keeps the work alive without making state machine-dependent.
    view.write(nonceKey, tx.nonce + (digest === 0 ? 2 : 1));
    return outcome;
  }
}
