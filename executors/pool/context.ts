import type { Tx } from '../../core/tx.js';
import type { Ledger, StateView } from '../../ledger/index.js';
import { StateRoot } from '../../ledger/index.js';
import { C, PAD, STAT, lock, unlock, waitWhile, type SharedMemory } from './shared.js';

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
  /** This worker's writer to the shared state (begun for each block by the worker loop). */
  readonly direct: DirectView;
}

export type WorkerSide = (ctx: WorkerContext) => void;

/** Thrown by a view when shared memory ran out: the block is redone on the sequential path. */
export const OVERFLOW = new Error('shared memory region full');

/**
 * Direct writes to the shared state, for executors whose schedule already keeps conflicting
 * transactions apart (access-list, sharded), and for every executor's commit phase. The first
 * write to a key in a block logs the key's value before the block: the workers then compute the
 * state root's change from the log, and the main thread can roll a failed block back. Commutative
 * adds from concurrent transactions go through the key's lock.
 */
export class DirectView implements StateView {
  private readonly mem: SharedMemory;
  private readonly logBase: number;
  private readonly logCap: number;
  private readonly worker: number;
  private generation = 0;
  private logged = 0;

  constructor(mem: SharedMemory, worker: number) {
    this.mem = mem;
    this.worker = worker;
    this.logCap = mem.undoCap;
    this.logBase = worker * this.logCap;
  }

  /** Starts a block: nothing logged yet; first writes are recognised by the block's generation. */
  begin(): void {
    this.generation = Atomics.load(this.mem.control, C.GENERATION);
    this.logged = 0;
  }

  read(key: number): number {
    return this.mem.state[key]!;
  }

  write(key: number, value: number): void {
    if (this.claim(key)) this.log(key);
    this.mem.state[key] = value;
  }

  add(key: number, amount: number): void {
    const m = this.mem;
    lock(m.keyWords, 2 * key);
    if (this.claim(key)) this.log(key);
    m.state[key] = m.state[key]! + amount;
    unlock(m.keyWords, 2 * key);
  }

  /** True for the first writer of `key` in this block (of all workers). */
  claim(key: number): boolean {
    const m = this.mem;
    return m.dirty[key] !== this.generation && Atomics.exchange(m.dirty, key, this.generation) !== this.generation;
  }

  /** Logs the key's value before the block. */
  log(key: number): void {
    const m = this.mem;
    if (this.logged >= this.logCap) {
      Atomics.store(m.control, C.OVERFLOW, 1);
      throw OVERFLOW;
    }
    m.undoKey[this.logBase + this.logged] = key;
    m.undoVal[this.logBase + this.logged] = m.state[key]!;
    m.undoLen[this.worker * PAD] = ++this.logged;
  }

  /** The state root's change over the keys this worker logged: their value now against before. */
  rootChange(root: StateRoot): void {
    const m = this.mem;
    for (let u = 0; u < this.logged; u++) {
      const key = m.undoKey[this.logBase + u]!;
      root.update(key, m.undoVal[this.logBase + u]!, m.state[key]!);
    }
  }
}

/** Waits until every worker of the pool has arrived here (or the block is aborted). */
export function barrier(ctx: WorkerContext): void {
  const c = ctx.mem.control;
  Atomics.add(c, C.BARRIER, 1);
  Atomics.notify(c, C.BARRIER);
  for (;;) {
    const arrived = Atomics.load(c, C.BARRIER);
    if (arrived >= ctx.workers || Atomics.load(c, C.ABORT) !== 0) return;
    waitWhile(c, c, C.BARRIER, arrived);
  }
}

export function statIndex(worker: number, stat: number): number {
  return worker * STAT.SIZE + stat;
}
