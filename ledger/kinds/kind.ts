import type { StateKey, Tx, TxOutcome } from '../../core/tx.js';
import type { StateLayout } from '../layout.js';
import type { StateView } from '../state.js';

/** The keys a transaction says it will touch, beyond the sender's nonce (which every kind touches). */
export interface Declared {
  readonly reads: readonly StateKey[];
  readonly writes: readonly StateKey[];
}

/**
 * What one kind of transaction means. `apply` sees a buffered view: when it returns `failed`, its
 * writes are discarded, so a kind may write as it goes and simply fail when a check does not hold.
 */
export interface Kind {
  readonly name: string;
  /** Cost in µs when the profile does not set one: of the order of the EVM equivalent's. */
  readonly defaultCostUs: number;
  declare(layout: StateLayout, sender: number, args: readonly number[]): Declared;
  apply(tx: Tx, view: StateView, layout: StateLayout): TxOutcome;
}
