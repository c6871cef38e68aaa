/**
 * The state root: a 64-bit multiset hash of every (key, value) pair, kept as two independent
 * 32-bit sums. Being a sum, it updates in O(1) per write (subtract the old pair, add the new),
 * so every executor can keep it per block at no real cost, and it depends only on the final
 * state, never on the order writes happened in. It detects divergence between executors; it is
 * not meant to resist an adversary.
 */

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function pairHash(seed: number, key: number, value: number): number {
  const lo = value >>> 0;
  const hi = Math.floor(value / 4294967296) | 0;
  let h = fmix(seed ^ Math.imul(key, 0xcc9e2d51));
  h = fmix(h ^ lo);
  return fmix(h ^ Math.imul(hi, 0x1b873593) ^ 0x5bd1e995);
}

const SEED_A = 0x2545f491;
const SEED_B = 0x9e3779b9;

export class StateRoot {
  private a = 0;
  private b = 0;

  /** The root of a whole state, computed from scratch. */
  static of(values: ArrayLike<number>): StateRoot {
    const root = new StateRoot();
    for (let k = 0; k < values.length; k++) root.add(k, values[k] ?? 0);
    return root;
  }

  add(key: number, value: number): void {
    this.a = (this.a + pairHash(SEED_A, key, value)) >>> 0;
    this.b = (this.b + pairHash(SEED_B, key, value)) >>> 0;
  }

  remove(key: number, value: number): void {
    this.a = (this.a - pairHash(SEED_A, key, value)) >>> 0;
    this.b = (this.b - pairHash(SEED_B, key, value)) >>> 0;
  }

  update(key: number, oldValue: number, newValue: number): void {
    this.remove(key, oldValue);
    this.add(key, newValue);
  }

  /** The two 32-bit sums: a root kept on another thread over some keys' changes, to merge with `addLanes`. */
  lanes(): [number, number] {
    return [this.a, this.b];
  }

  addLanes(a: number, b: number): void {
    this.a = (this.a + a) >>> 0;
    this.b = (this.b + b) >>> 0;
  }

  hex(): string {
    return this.a.toString(16).padStart(8, '0') + this.b.toString(16).padStart(8, '0');
  }
}
