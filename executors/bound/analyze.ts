import type { BoundSummary } from '../../core/target.js';
import type { StateKey, Tx } from '../../core/tx.js';
import { compact, criticalPaths, listSchedule, mvDag } from './dag.js';

/** What a block allows, by its declared sets. Times are in µs of synthetic cost (0 counts as 1). */
export interface BlockBound {
  readonly txs: number;
  /** W: the total work. */
  readonly work: number;
  /** CP: the longest read-after-write chain (multi-version DAG). */
  readonly criticalPath: number;
  /** CP of the lock DAG (declared-access locking also orders write-after-read and write-after-write). */
  readonly criticalPathLock: number;
  /** Makespan of the index-priority list schedule on T threads, multi-version DAG. */
  readonly listMakespan: number;
}

function costs(txs: readonly Tx[]): Float64Array {
  const c = new Float64Array(txs.length);
  for (let i = 0; i < txs.length; i++) c[i] = txs[i]!.costUs > 0 ? txs[i]!.costUs : 1;
  return c;
}

export function analyzeBlock(txs: readonly Tx[], threads: number): BlockBound {
  const cost = costs(txs);
  let work = 0;
  for (const c of cost) work += c;
  const block = compact(txs);
  const cp = criticalPaths(block, cost);
  return {
    txs: txs.length,
    work,
    criticalPath: cp.mv,
    criticalPathLock: cp.lock,
    listMakespan: listSchedule(mvDag(block), cost, threads),
  };
}

/** W and CP alone (no list schedule): cheap enough to run on every executed block for the live metrics. */
export function workAndCriticalPath(txs: readonly Tx[]): { work: number; criticalPath: number } {
  const cost = costs(txs);
  let work = 0;
  for (const c of cost) work += c;
  return { work, criticalPath: criticalPaths(compact(txs), cost).mv };
}

/**
 * Accumulates blocks into a BoundSummary. Blocks run one after another, so over a run the
 * bound is total work over the sum of each block's best possible makespan.
 */
export class BoundAccumulator {
  private readonly threads: number;
  private readonly describe: (key: StateKey) => string;
  private blocks = 0;
  private txs = 0;
  private work = 0;
  private cp = 0;
  private smaxTime = 0;
  private slockTime = 0;
  private listTime = 0;
  private readonly touches = new Map<StateKey, number>();
  private readonly writes = new Map<StateKey, number>();
  private readonly adds = new Map<StateKey, number>();

  constructor(threads: number, describe: (key: StateKey) => string) {
    this.threads = threads;
    this.describe = describe;
  }

  /** Analyses a block, adds it in, and returns its own figures. */
  add(txs: readonly Tx[]): BlockBound {
    const b = analyzeBlock(txs, this.threads);
    this.blocks++;
    this.txs += b.txs;
    this.work += b.work;
    this.cp += b.criticalPath;
    this.smaxTime += Math.max(b.criticalPath, b.work / this.threads);
    this.slockTime += Math.max(b.criticalPathLock, b.work / this.threads);
    this.listTime += b.listMakespan;
    // Hot means read or written: commutative adds do not order transactions, so they are counted apart.
    for (const tx of txs) {
      for (const k of tx.reads) this.touches.set(k, (this.touches.get(k) ?? 0) + 1);
      for (const k of tx.writes) {
        if (!tx.reads.includes(k)) this.touches.set(k, (this.touches.get(k) ?? 0) + 1);
        this.writes.set(k, (this.writes.get(k) ?? 0) + 1);
      }
      for (const k of tx.deltas) this.adds.set(k, (this.adds.get(k) ?? 0) + 1);
    }
    return b;
  }

  summary(hotKeys = 10): BoundSummary {
    const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
    const hottest = [...this.touches].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, hotKeys);
    return {
      threads: this.threads,
      blocks: this.blocks,
      txs: this.txs,
      work: this.work,
      criticalPath: this.cp,
      parallelism: ratio(this.work, this.cp),
      smax: ratio(this.work, this.smaxTime),
      slist: ratio(this.work, this.listTime),
      slock: ratio(this.work, this.slockTime),
      hotKeys: hottest.map(([key, n]) => ({
        key: this.describe(key),
        share: ratio(n, this.txs),
        writeShare: ratio(this.writes.get(key) ?? 0, this.txs),
      })),
      deltaKeys: [...this.adds]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, hotKeys)
        .map(([key, n]) => ({ key: this.describe(key), share: ratio(n, this.txs) })),
    };
  }
}
