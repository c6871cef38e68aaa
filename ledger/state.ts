import type { GenesisSpec } from '../core/genesis.js';
import type { StateKey } from '../core/tx.js';
import { genesisValues } from './genesis.js';
import { StateLayout } from './layout.js';
import { StateRoot } from './state-root.js';

/**
 * What a transaction's semantics may do with state: read and write integer values by key, and
 * add to a key without reading it (a commutative update, which creates no dependency).
 */
export interface StateView {
  read(key: StateKey): number;
  write(key: StateKey, value: number): void;
  add(key: StateKey, amount: number): void;
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

  static fromGenesis(spec: GenesisSpec, layout = new StateLayout(spec)): State {
    return new State(genesisValues(spec, layout));
  }

  read(key: StateKey): number {
    return this.values[key] ?? 0;
  }

  write(key: StateKey, value: number): void {
    this.rootHash.update(key, this.values[key] ?? 0, value);
    this.values[key] = value;
  }

  add(key: StateKey, amount: number): void {
    this.write(key, (this.values[key] ?? 0) + amount);
  }

  root(): string {
    return this.rootHash.hex();
  }
}
