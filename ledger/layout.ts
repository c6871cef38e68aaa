import type { GenesisSpec } from '../core/genesis.js';
import type { StateKey } from '../core/tx.js';

/**
 * Where each piece of state lives in the integer key space. Namespaces are contiguous ranges, so
 * the whole state fits one typed array and a key names its namespace by its range alone.
 */
export class StateLayout {
  readonly accounts: number;
  /** Number of keys: the length of the state array. */
  readonly size: number;
  private readonly namespaces: readonly { name: string; offset: number; size: number }[];

  constructor(spec: GenesisSpec) {
    this.accounts = spec.accounts;
    const ranges: [string, number][] = [
      ['balance', spec.accounts],
      ['nonce', spec.accounts],
    ];
    let offset = 0;
    this.namespaces = ranges.map(([name, size]) => {
      const ns = { name, offset, size };
      offset += size;
      return ns;
    });
    this.size = offset;
  }

  balance(account: number): StateKey {
    return account;
  }

  nonce(account: number): StateKey {
    return this.accounts + account;
  }

  /** `balance[17]`: for messages about a key. */
  describe(key: StateKey): string {
    const ns = this.namespaces.find((n) => key >= n.offset && key < n.offset + n.size);
    return ns ? `${ns.name}[${key - ns.offset}]` : `key ${key} (outside the state)`;
  }
}
