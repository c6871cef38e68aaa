import type { GenesisSpec } from '../../core/genesis.js';
import type { StateKey, Tx, TxOutcome } from '../../core/tx.js';
import type { StateLayout } from '../layout.js';
import type { StateView } from '../state.js';

/** What a kind's semantics may consult besides state: the layout and the chain's genesis parameters. */
export interface Chain {
  readonly layout: StateLayout;
  readonly genesis: GenesisSpec;
}

/** The keys a transaction says it will touch. */
export interface Declared {
  readonly reads: readonly StateKey[];
  readonly writes: readonly StateKey[];
  /** Keys updated by commutative adds. */
  readonly deltas: readonly StateKey[];
  /** False when some key depends on state only running can see; the sets then hold a prediction. */
  readonly exact: boolean;
}

export type Family = 'payments' | 'defi' | 'nft' | 'game' | 'dao';

/**
 * What one kind of transaction means. `apply` sees a buffered view: when it returns `failed`, its
 * writes are discarded, so a kind may write as it goes and simply fail when a check does not hold.
 * Arguments are integers; each kind documents their order.
 */
export interface Kind {
  readonly name: string;
  readonly family: Family;
  /** Cost in µs when the profile does not set one: of the order of the EVM equivalent's. */
  readonly defaultCostUs: number;
  declare(chain: Chain, sender: number, args: readonly number[]): Declared;
  apply(tx: Tx, view: StateView, chain: Chain): TxOutcome;
}

export const COMMITTED: TxOutcome = Object.freeze({ status: 'committed' });

const failures = new Map<string, TxOutcome>();
/** A failed outcome; shared per reason, since outcomes are compared and never mutated. */
export function fail(reason: string): TxOutcome {
  let o = failures.get(reason);
  if (!o) {
    o = Object.freeze({ status: 'failed', reason });
    failures.set(reason, o);
  }
  return o;
}

export const NONE: readonly StateKey[] = Object.freeze([]);

/** Read-modify-write of every key: the common case. */
export function rmw(keys: readonly StateKey[], deltas: readonly StateKey[] = NONE): Declared {
  return { reads: keys, writes: keys, deltas, exact: true };
}

/** Takes `amount` from the value at `key`; false, writing nothing, when there is not that much. */
export function debit(view: StateView, key: StateKey, amount: number): boolean {
  const have = view.read(key);
  if (have < amount) return false;
  view.write(key, have - amount);
  return true;
}

/** Adds `amount` to the value at `key` by read-modify-write (a conflict on the key, unlike `view.add`). */
export function credit(view: StateView, key: StateKey, amount: number): void {
  view.write(key, view.read(key) + amount);
}

/** floor(a·b/c) exactly, going through BigInt only when a·b leaves the safe integers. */
export function mulDiv(a: number, b: number, c: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) return Math.floor(p / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** a·b ≥ c·d, exactly. */
export function productAtLeast(a: number, b: number, c: number, d: number): boolean {
  const x = a * b;
  const y = c * d;
  if (Number.isSafeInteger(x) && Number.isSafeInteger(y)) return x >= y;
  return BigInt(a) * BigInt(b) >= BigInt(c) * BigInt(d);
}
