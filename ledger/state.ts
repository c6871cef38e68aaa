import type { GenesisSpec } from '../core/genesis.js';
import type { StateKey } from '../core/tx.js';
import { StateLayout } from './layout.js';
import { StateRoot } from './state-root.js';

/** What a transaction's semantics may do with state: read and write integer values by key. */
export interface StateView {
  read(key: StateKey): number;
  write(key: StateKey, value: number): void;
}

/**
 * The whole state in one Float64Array of safe integers (money never leaves the integers, so
 * arithmetic is exact and the same on every machine), with its root kept current on every write.
 */
export class State implements StateView {
  readonly values: Float64Array;
  private readonly rootHash: StateRoot;

  constructor(values: Float64Array) {
    this.values = values;
    this.rootHash = StateRoot.of(values);
  }

  /** Deterministic initial state: every account funded with the same balance, nonces at zero. */
  static fromGenesis(spec: GenesisSpec, layout = new StateLayout(spec)): State {
    const values = new Float64Array(layout.size);
    for (let a = 0; a < spec.accounts; a++) values[layout.balance(a)] = spec.initialBalance;
    return new State(values);
  }

  read(key: StateKey): number {
    return this.values[key] ?? 0;
  }

  write(key: StateKey, value: number): void {
    this.rootHash.update(key, this.values[key] ?? 0, value);
    this.values[key] = value;
  }

  root(): string {
    return this.rootHash.hex();
  }
}
