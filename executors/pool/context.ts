import type { Tx } from '../../core/tx.js';
import type { Ledger, StateView } from '../../ledger/index.js';
import { C, PAD, STAT, lock, unlock, type SharedMemory } from './shared.js';

/** What a worker-side executor runs with. */
export interface WorkerContext {
  readonly mem: SharedMemory;
  readonly ledger: Ledger;
  /** This worker's number, 0 … workers-1. */
  readonly index: number;
  readonly workers: number;
  /** Transaction i of the block, decoded into the worker's one reused object: valid until the next call. */
  tx(i: number): Tx;
  /** Adds to one of this worker's statistics. */
  count(stat: number, by?: number): void;
}

export type WorkerSide = (ctx: WorkerContext) => void;

/** Thrown by a view when shared memory ran out: the block is redone on the sequential path. */
export const OVERFLOW = new Error('shared memory region full');

/**
 * Direct writes to the shared state, for executors whose schedule already keeps conflicting
 * transactions apart (access-list, sharded). The first write to a key in a block logs the key's
 * value before the block, so the main thread can update the state root, or roll the block back.
 * Commutative adds from concurrent transactions go through the key's spinlock.
 */
export class DirectView implements StateView {
  private readonly mem: SharedMemory;
  private readonly logBase: number;
  private readonly logCap: number;
  private readonly worker: number;

  constructor(mem: SharedMemory, worker: number) {
    this.mem = mem;
    this.worker = worker;
    this.logCap = mem.undoCap;
    this.logBase = worker * this.logCap;
  }

  read(key: number): number {
    return this.mem.state[key]!;
  }

  write(key: number, value: number): void {
    this.logFirst(key);
    this.mem.state[key] = value;
  }

  add(key: number, amount: number): void {
    const m = this.mem;
    lock(m.keyLock, key);
    this.logFirst(key);
    m.state[key] = m.state[key]! + amount;
    unlock(m.keyLock, key);
  }

  private logFirst(key: number): void {
    const m = this.mem;
    if (m.dirty[key] !== 0 || Atomics.compareExchange(m.dirty, key, 0, 1) !== 0) return;
    const n = m.undoLen[this.worker * PAD]!;
    if (n >= this.logCap) {
      Atomics.store(m.control, C.OVERFLOW, 1);
      throw OVERFLOW;
    }
    m.undoKey[this.logBase + n] = key;
    m.undoVal[this.logBase + n] = m.state[key]!;
    m.undoLen[this.worker * PAD] = n + 1;
  }
}

export function statIndex(worker: number, stat: number): number {
  return worker * STAT.SIZE + stat;
}
