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

/**
 * Every reason a transaction can fail for. Numbered by position, so that executors on worker
 * threads can hand outcomes back through shared memory as integers. Append only.
 */
export const REASONS = [
  'unknown',
  'nonce-too-low',
  'insufficient-fee',
  'unknown-kind',
  'insufficient-funds',
  'no-liquidity',
  'no-such-pool',
  'bad-route',
  'slippage',
  'not-provider',
  'too-small',
  'insufficient-shares',
  'no-such-market',
  'not-lending-user',
  'undercollateralized',
  'no-cash',
  'no-debt',
  'healthy',
  'not-oracle',
  'bad-price',
  'no-such-collection',
  'sold-out',
  'already-minted',
  'not-owner',
  'not-listed',
  'stale-order',
  'own-token',
  'not-player',
  'no-recipe',
  'not-enough-items',
  'bad-item',
  'dao-full',
  'no-such-proposal',
  'proposal-closed',
  'already-voted',
  'not-passed',
  'treasury-empty',
  'execution-error',
  'no-outcome',
] as const;

export type Reason = (typeof REASONS)[number];

const FAILURES: readonly TxOutcome[] = REASONS.map((reason) => Object.freeze({ status: 'failed', reason }));
const REASON_IDS = new Map<string, number>(REASONS.map((r, i) => [r, i]));

/** A failed outcome; one shared object per reason, since outcomes are compared and never mutated. */
export function fail(reason: Reason): TxOutcome {
  return FAILURES[REASON_IDS.get(reason) ?? 0]!;
}

/** The number of an outcome for shared memory: 0 committed, 1 + reason id when failed. */
export function outcomeCode(o: TxOutcome): number {
  return o.status === 'committed' ? 0 : 1 + (REASON_IDS.get(o.reason ?? 'unknown') ?? 0);
}

export function outcomeOf(code: number): TxOutcome {
  return code === 0 ? COMMITTED : (FAILURES[code - 1] ?? FAILURES[0]!);
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
