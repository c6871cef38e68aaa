import type { GenesisSpec } from '../core/genesis.js';
import type { StateKey, Tx, TxOutcome } from '../core/tx.js';
import { fail, kinds, NONE, type Chain, type Declared } from './kinds/index.js';
import { StateLayout } from './layout.js';
import type { StateView } from './state.js';
import { burn, iterationsFor } from './work.js';

/**
 * Writes and adds of one transaction, held back until it succeeds. Small linear arrays: a
 * transaction touches a handful of keys. An add stays an add (commutative) unless the transaction
 * also writes the key, in which case the key's final value is written.
 */
class WriteBuffer implements StateView {
  // Reused across transactions and never shrunk: truncating the arrays would free their backing
  // stores and make every transaction allocate new ones (measured: ~400 bytes of garbage a transaction).
  private readonly keys: StateKey[] = [];
  private readonly values: number[] = [];
  private readonly isAdd: boolean[] = [];
  private count = 0;
  private base!: StateView;

  begin(base: StateView): this {
    this.base = base;
    this.count = 0;
    return this;
  }

  private find(key: StateKey): number {
    for (let i = this.count - 1; i >= 0; i--) if (this.keys[i] === key) return i;
    return -1;
  }

  read(key: StateKey): number {
    const i = this.find(key);
    if (i < 0) return this.base.read(key);
    return this.isAdd[i] ? this.base.read(key) + this.values[i]! : this.values[i]!;
  }

  write(key: StateKey, value: number): void {
    const i = this.find(key);
    if (i >= 0) {
      this.values[i] = value;
      this.isAdd[i] = false;
    } else this.push(key, value, false);
  }

  add(key: StateKey, amount: number): void {
    const i = this.find(key);
    if (i >= 0) this.values[i] = this.values[i]! + amount;
    else this.push(key, amount, true);
  }

  private push(key: StateKey, value: number, isAdd: boolean): void {
    this.keys[this.count] = key;
    this.values[this.count] = value;
    this.isAdd[this.count] = isAdd;
    this.count++;
  }

  commit(): void {
    for (let i = 0; i < this.count; i++) {
      if (this.isAdd[i]) this.base.add(this.keys[i]!, this.values[i]!);
      else this.base.write(this.keys[i]!, this.values[i]!);
    }
  }
}

const UNKNOWN_KIND: Declared = Object.freeze({ reads: NONE, writes: NONE, deltas: NONE, exact: true });

/** Appends `key` unless it is there: declared sets are a handful of keys, so a scan is cheapest. */
function including(keys: readonly StateKey[], key: StateKey): StateKey[] {
  if (keys.includes(key)) return keys as StateKey[];
  // Kinds return fresh arrays, except the shared empty one; never mutate that.
  const out = keys === NONE ? [] : (keys as StateKey[]);
  out.push(key);
  return out;
}

/**
 * The state machine: what every transaction means, identical for every executor. Executors differ
 * only in the StateView they hand to `execute` (direct, multi-version, sharded…) and in the order
 * and place they call it.
 *
 * Around every kind: the nonce check (a replay changes nothing), the fee to the coinbase
 * (read-modify-write or commutative, by the chain's fee mode), the synthetic work, and the nonce
 * bump, which happens whether the kind commits or fails. A failed kind's own writes are discarded.
 */
export class Ledger implements Chain {
  readonly genesis: GenesisSpec;
  readonly layout: StateLayout;
  private readonly buffer = new WriteBuffer();
  private readonly fee: number;
  private readonly feeDelta: boolean;
  private readonly work: (iterations: number, seed: number) => number;

  /** `work` replaces the synthetic work (tests observe where it happens); the default burns CPU. */
  constructor(genesis: GenesisSpec, work: (iterations: number, seed: number) => number = burn) {
    this.genesis = genesis;
    this.work = work;
    this.layout = new StateLayout(genesis);
    const mode = genesis.fee?.mode ?? 'none';
    this.fee = mode === 'none' ? 0 : (genesis.fee?.amount ?? 0);
    this.feeDelta = mode === 'coinbase-delta';
  }

  /**
   * The keys a transaction will touch: its kind's, plus the sender's nonce and the fee's keys.
   * On the generator's hot path: it extends the kind's fresh arrays in place (reads and writes
   * are often the same array, extended once).
   */
  declare(kind: string, sender: number, args: readonly number[]): Declared {
    const d = kinds[kind]?.declare(this, sender, args) ?? UNKNOWN_KIND;
    const same = d.reads === d.writes;
    const nonce = this.layout.nonce(sender);
    let reads = including(d.reads, nonce);
    let writes = same ? reads : including(d.writes, nonce);
    let deltas = d.deltas;
    if (this.fee > 0) {
      const payer = this.layout.balance(sender);
      reads = including(reads, payer);
      writes = same ? reads : including(writes, payer);
      const coinbase = this.layout.balance(this.layout.coinbase);
      if (this.feeDelta) deltas = including(deltas, coinbase);
      else {
        reads = including(reads, coinbase);
        writes = same ? reads : including(writes, coinbase);
      }
    }
    return { reads, writes, deltas, exact: d.exact };
  }

  execute(tx: Tx, view: StateView): TxOutcome {
    const layout = this.layout;
    const nonceKey = layout.nonce(tx.sender);
    const accountNonce = view.read(nonceKey);
    if (tx.nonce < accountNonce) return fail('nonce-too-low');
    let outcome: TxOutcome;
    const feeOk = this.fee === 0 || this.payFee(tx.sender, view);
    if (!feeOk) outcome = fail('insufficient-fee');
    else {
      const kind = kinds[tx.kind];
      if (kind === undefined) outcome = fail('unknown-kind');
      else {
        const buffered = this.buffer.begin(view);
        outcome = kind.apply(tx, buffered, this);
        if (outcome.status === 'committed') buffered.commit();
      }
    }
    // The work comes after every read and before the last write: the model the bound S_max = W/CP
    // assumes (a transaction reads at its start and writes at its end). Done before the reads, it
    // would let a dependent transaction do its work while its predecessor still runs, and an
    // optimistic executor would beat a bound that says it cannot.
    const digest = this.work(iterationsFor(tx.costUs), tx.id ^ 0x5f3759df);
    // digest is never 0 (see work.ts): this keeps the work alive without making state machine-dependent.
    view.write(nonceKey, tx.nonce + (digest === 0 ? 2 : 1));
    return outcome;
  }

  private payFee(sender: number, view: StateView): boolean {
    const from = this.layout.balance(sender);
    const balance = view.read(from);
    if (balance < this.fee) return false;
    view.write(from, balance - this.fee);
    const coinbase = this.layout.balance(this.layout.coinbase);
    if (this.feeDelta) view.add(coinbase, this.fee);
    else view.write(coinbase, view.read(coinbase) + this.fee);
    return true;
  }
}
