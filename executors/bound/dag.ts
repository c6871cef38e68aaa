import type { StateKey, Tx } from '../../core/tx.js';

/**
 * A block's dependency DAG from declared read/write/delta sets, in compressed form: the
 * predecessors of transaction i are preds[predStart[i] … predStart[i+1]).
 *
 * - `mv` (multi-version: Block-STM, OCC): i depends on the last writer of every key it reads,
 *   and on every commutative add to that key since. Write-after-write and write-after-read need
 *   no edge: versions resolve them.
 * - `lock` (declared-access locking: Sealevel, access-list executors): also write-after-write and
 *   write-after-read, and adds conflict with reads and writes (not with each other).
 */
export interface Dag {
  readonly n: number;
  readonly predStart: Int32Array;
  readonly preds: Int32Array;
}

export type DagKind = 'mv' | 'lock';

/** Growable Int32 storage, for per-key state kept in typed arrays. */
class IntPool {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(capacity);
  }
  push(x: number): number {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = x;
    return this.length++;
  }
}

export function buildDag(txs: readonly Tx[], kind: DagKind): Dag {
  const n = txs.length;
  // Per key (by dense slot): its last writer, and linked lists of readers and adders since.
  const slots = new Map<StateKey, number>();
  const lastWriter = new IntPool(1024);
  const readersHead = new IntPool(1024);
  const addersHead = new IntPool(1024);
  const entryTx = new IntPool(4096);
  const entryNext = new IntPool(4096);
  const slot = (k: StateKey, create: boolean): number => {
    let s = slots.get(k);
    if (s === undefined) {
      if (!create) return -1;
      s = lastWriter.push(-1);
      readersHead.push(-1);
      addersHead.push(-1);
      slots.set(k, s);
    }
    return s;
  };
  const prepend = (heads: IntPool, s: number, tx: number): void => {
    entryTx.push(tx);
    heads.data[s] = entryNext.push(heads.data[s]!);
  };

  const predStart = new Int32Array(n + 1);
  const preds = new IntPool(Math.max(16, n * 2));
  const mark = new Int32Array(n).fill(-1); // dedupes a transaction's predecessors
  const edge = (from: number, to: number): void => {
    if (from < 0 || from === to || mark[from] === to) return;
    mark[from] = to;
    preds.push(from);
  };
  const edges = (heads: IntPool, s: number, to: number): void => {
    for (let e = heads.data[s]!; e >= 0; e = entryNext.data[e]!) edge(entryTx.data[e]!, to);
  };

  for (let i = 0; i < n; i++) {
    predStart[i] = preds.length;
    const tx = txs[i]!;
    for (const k of tx.reads) {
      const s = slot(k, false);
      if (s < 0) continue;
      edge(lastWriter.data[s]!, i);
      edges(addersHead, s, i);
    }
    if (kind === 'lock') {
      for (const k of tx.writes) {
        const s = slot(k, false);
        if (s < 0) continue;
        edge(lastWriter.data[s]!, i);
        edges(readersHead, s, i);
        edges(addersHead, s, i);
      }
      for (const k of tx.deltas) {
        const s = slot(k, false);
        if (s < 0) continue;
        edge(lastWriter.data[s]!, i);
        edges(readersHead, s, i);
      }
    }
    // Then this transaction's own effects on the keys' histories.
    for (const k of tx.writes) {
      const s = slot(k, true);
      lastWriter.data[s] = i;
      readersHead.data[s] = -1;
      addersHead.data[s] = -1;
    }
    for (const k of tx.deltas) prepend(addersHead, slot(k, true), i);
    if (kind === 'lock') for (const k of tx.reads) if (!tx.writes.includes(k)) prepend(readersHead, slot(k, true), i);
  }
  predStart[n] = preds.length;
  return { n, predStart, preds: preds.data.slice(0, preds.length) };
}

/**
 * A block's keys renamed to dense slots 0…keys-1, once: the passes that follow index typed
 * arrays instead of hashing keys. Transaction i's reads are slots[readStart[i] … writeStart[i]),
 * its writes up to deltaStart[i], its deltas up to readStart[i+1].
 */
export interface CompactBlock {
  readonly n: number;
  readonly keys: number;
  readonly slots: Int32Array;
  readonly readStart: Int32Array;
  readonly writeStart: Int32Array;
  readonly deltaStart: Int32Array;
}

/**
 * Renames keys to dense slots without hashing, for callers that compact many blocks over one
 * state of known size: two arrays the size of the state, stamped per block instead of cleared.
 */
export class DenseKeys {
  private readonly slot: Int32Array;
  private readonly stamp: Int32Array;
  private generation = 0;
  private next = 0;

  constructor(keys: number) {
    this.slot = new Int32Array(keys);
    this.stamp = new Int32Array(keys);
  }

  startBlock(): void {
    this.generation++;
    this.next = 0;
  }

  get size(): number {
    return this.next;
  }

  of(key: StateKey): number {
    if (this.stamp[key] !== this.generation) {
      this.stamp[key] = this.generation;
      this.slot[key] = this.next++;
    }
    return this.slot[key]!;
  }
}

export function compact(txs: readonly Tx[], dense?: DenseKeys): CompactBlock {
  const n = txs.length;
  let total = 0;
  for (const tx of txs) total += tx.reads.length + tx.writes.length + tx.deltas.length;
  const slots = new Int32Array(total);
  const readStart = new Int32Array(n + 1);
  const writeStart = new Int32Array(n);
  const deltaStart = new Int32Array(n);
  const ids = new Map<StateKey, number>();
  dense?.startBlock();
  let p = 0;
  const put = dense
    ? (k: StateKey): void => {
        slots[p++] = dense.of(k);
      }
    : (k: StateKey): void => {
        let s = ids.get(k);
        if (s === undefined) ids.set(k, (s = ids.size));
        slots[p++] = s;
      };
  for (let i = 0; i < n; i++) {
    const tx = txs[i]!;
    readStart[i] = p;
    for (const k of tx.reads) put(k);
    writeStart[i] = p;
    for (const k of tx.writes) put(k);
    deltaStart[i] = p;
    for (const k of tx.deltas) put(k);
  }
  readStart[n] = p;
  return { n, keys: dense ? dense.size : ids.size, slots, readStart, writeStart, deltaStart };
}

/**
 * The multi-version and lock critical paths of a block in one pass, without building either DAG:
 * per key it keeps the finish time of the last writer and the latest finish among readers and
 * adders since, which is all a longest path needs. Equal to max(finishTimes(buildDag(…))) — a
 * test holds it to that — at a fraction of the cost.
 */
export function criticalPaths(block: CompactBlock, cost: Float64Array): { mv: number; lock: number } {
  const { n, slots, readStart, writeStart, deltaStart } = block;
  const mvWriter = new Float64Array(block.keys);
  const mvAdders = new Float64Array(block.keys);
  const lkWriter = new Float64Array(block.keys);
  const lkReaders = new Float64Array(block.keys);
  const lkAdders = new Float64Array(block.keys);
  let cpMv = 0;
  let cpLock = 0;
  for (let i = 0; i < n; i++) {
    const r0 = readStart[i]!;
    const w0 = writeStart[i]!;
    const d0 = deltaStart[i]!;
    const end = readStart[i + 1]!;
    let startMv = 0;
    let startLock = 0;
    for (let e = r0; e < w0; e++) {
      const s = slots[e]!;
      startMv = Math.max(startMv, mvWriter[s]!, mvAdders[s]!);
      startLock = Math.max(startLock, lkWriter[s]!, lkAdders[s]!);
    }
    for (let e = w0; e < d0; e++) {
      const s = slots[e]!;
      startLock = Math.max(startLock, lkWriter[s]!, lkReaders[s]!, lkAdders[s]!);
    }
    for (let e = d0; e < end; e++) {
      const s = slots[e]!;
      startLock = Math.max(startLock, lkWriter[s]!, lkReaders[s]!);
    }
    const fMv = startMv + cost[i]!;
    const fLock = startLock + cost[i]!;
    if (fMv > cpMv) cpMv = fMv;
    if (fLock > cpLock) cpLock = fLock;
    for (let e = w0; e < d0; e++) {
      const s = slots[e]!;
      mvWriter[s] = fMv;
      mvAdders[s] = 0;
      lkWriter[s] = fLock;
      lkReaders[s] = 0;
      lkAdders[s] = 0;
    }
    for (let e = d0; e < end; e++) {
      const s = slots[e]!;
      if (fMv > mvAdders[s]!) mvAdders[s] = fMv;
      if (fLock > lkAdders[s]!) lkAdders[s] = fLock;
    }
    readers: for (let e = r0; e < w0; e++) {
      const s = slots[e]!;
      for (let x = w0; x < d0; x++) if (slots[x] === s) continue readers;
      if (fLock > lkReaders[s]!) lkReaders[s] = fLock;
    }
  }
  return { mv: cpMv, lock: cpLock };
}

/**
 * The multi-version DAG of a compact block: the same edges as buildDag(txs, 'mv'), from slots.
 */
export function mvDag(block: CompactBlock): Dag {
  const { n, slots, readStart, writeStart, deltaStart } = block;
  const lastWriter = new Int32Array(block.keys).fill(-1);
  // Adders since the last write of each key, as linked lists over one pool.
  const addersHead = new Int32Array(block.keys).fill(-1);
  const entryTx = new IntPool(1024);
  const entryNext = new IntPool(1024);
  const predStart = new Int32Array(n + 1);
  const preds = new IntPool(Math.max(16, n * 2));
  const mark = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    predStart[i] = preds.length;
    for (let e = readStart[i]!; e < writeStart[i]!; e++) {
      const s = slots[e]!;
      const w = lastWriter[s]!;
      if (w >= 0 && mark[w] !== i) {
        mark[w] = i;
        preds.push(w);
      }
      for (let a = addersHead[s]!; a >= 0; a = entryNext.data[a]!) {
        const t = entryTx.data[a]!;
        if (t !== i && mark[t] !== i) {
          mark[t] = i;
          preds.push(t);
        }
      }
    }
    for (let e = writeStart[i]!; e < deltaStart[i]!; e++) {
      lastWriter[slots[e]!] = i;
      addersHead[slots[e]!] = -1;
    }
    for (let e = deltaStart[i]!; e < readStart[i + 1]!; e++) {
      const s = slots[e]!;
      entryTx.push(i);
      addersHead[s] = entryNext.push(addersHead[s]!);
    }
  }
  predStart[n] = preds.length;
  return { n, predStart, preds: preds.data.slice(0, preds.length) };
}

/** Earliest finish of every transaction with unlimited threads: f_i = c_i + max f_pred. */
export function finishTimes(dag: Dag, cost: Float64Array): Float64Array {
  const f = new Float64Array(dag.n);
  for (let i = 0; i < dag.n; i++) {
    let start = 0;
    for (let e = dag.predStart[i]!; e < dag.predStart[i + 1]!; e++) start = Math.max(start, f[dag.preds[e]!]!);
    f[i] = start + cost[i]!;
  }
  return f;
}

/**
 * Makespan of the index-priority list schedule on `threads` workers: whenever a worker is free
 * it takes the lowest-indexed ready transaction, as Block-STM's scheduler prefers. This is what
 * an executor that knew the DAG and had no overhead would achieve.
 */
export function listSchedule(dag: Dag, cost: Float64Array, threads: number): number {
  const n = dag.n;
  if (n === 0) return 0;
  const remaining = new Int32Array(n);
  const succStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    remaining[i] = dag.predStart[i + 1]! - dag.predStart[i]!;
    for (let e = dag.predStart[i]!; e < dag.predStart[i + 1]!; e++) succStart[dag.preds[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) succStart[i + 1]! += succStart[i]!;
  const succ = new Int32Array(dag.preds.length);
  const fill = succStart.slice(0, n);
  for (let i = 0; i < n; i++) for (let e = dag.predStart[i]!; e < dag.predStart[i + 1]!; e++) succ[fill[dag.preds[e]!]!++] = i;

  const ready = new MinHeap();
  for (let i = 0; i < n; i++) if (remaining[i] === 0) ready.push(i, i);
  const running = new MinHeap(); // keyed by finish time
  let now = 0;
  let idle = threads;
  let done = 0;
  while (done < n) {
    while (idle > 0 && ready.size > 0) {
      const i = ready.pop();
      running.push(now + cost[i]!, i);
      idle--;
    }
    // Advance to the next finish; everything finishing at that instant frees its worker.
    const t = running.peekKey();
    do {
      const i = running.pop();
      done++;
      idle++;
      for (let e = succStart[i]!; e < succStart[i + 1]!; e++) {
        const s = succ[e]!;
        if (--remaining[s]! === 0) ready.push(s, s);
      }
    } while (running.size > 0 && running.peekKey() === t);
    now = t;
  }
  return now;
}

/** A binary min-heap of (key, value) pairs. */
class MinHeap {
  private keys: number[] = [];
  private values: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  peekKey(): number {
    return this.keys[0] ?? Infinity;
  }

  push(key: number, value: number): void {
    const k = this.keys;
    const v = this.values;
    let i = k.length;
    k.push(key);
    v.push(value);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! <= key) break;
      k[i] = k[p]!;
      v[i] = v[p]!;
      i = p;
    }
    k[i] = key;
    v[i] = value;
  }

  pop(): number {
    const k = this.keys;
    const v = this.values;
    const top = v[0]!;
    const lastKey = k.pop()!;
    const lastValue = v.pop()!;
    if (k.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= k.length) break;
        const r = l + 1;
        const c = r < k.length && k[r]! < k[l]! ? r : l;
        if (k[c]! >= lastKey) break;
        k[i] = k[c]!;
        v[i] = v[c]!;
        i = c;
      }
      k[i] = lastKey;
      v[i] = lastValue;
    }
    return top;
  }
}

/**
 * The lock DAG of a compact block (buildDag(txs, 'lock') from slots), with optional barriers: a
 * barrier transaction waits for every transaction before it, and every transaction after it waits
 * for it. Access-list execution makes barriers of transactions whose declared sets are not exact.
 */
export function lockDag(block: CompactBlock, barrier?: (i: number) => boolean): Dag {
  const { n, slots, readStart, writeStart, deltaStart } = block;
  const lastWriter = new Int32Array(block.keys).fill(-1);
  const readersHead = new Int32Array(block.keys).fill(-1);
  const addersHead = new Int32Array(block.keys).fill(-1);
  const entryTx = new IntPool(1024);
  const entryNext = new IntPool(1024);
  const predStart = new Int32Array(n + 1);
  const preds = new IntPool(Math.max(16, n * 2));
  const mark = new Int32Array(n).fill(-1);
  const edge = (from: number, to: number): void => {
    if (from < 0 || from === to || mark[from] === to) return;
    mark[from] = to;
    preds.push(from);
  };
  const edges = (heads: Int32Array, s: number, to: number): void => {
    for (let e = heads[s]!; e >= 0; e = entryNext.data[e]!) edge(entryTx.data[e]!, to);
  };
  const prepend = (heads: Int32Array, s: number, tx: number): void => {
    entryTx.push(tx);
    heads[s] = entryNext.push(heads[s]!);
  };
  let lastBarrier = -1;
  for (let i = 0; i < n; i++) {
    predStart[i] = preds.length;
    if (barrier?.(i)) {
      for (let j = Math.max(0, lastBarrier); j < i; j++) edge(j, i);
      lastBarrier = i;
    } else edge(lastBarrier, i);
    const r0 = readStart[i]!;
    const w0 = writeStart[i]!;
    const d0 = deltaStart[i]!;
    const end = readStart[i + 1]!;
    for (let e = r0; e < w0; e++) {
      const s = slots[e]!;
      edge(lastWriter[s]!, i);
      edges(addersHead, s, i);
    }
    for (let e = w0; e < d0; e++) {
      const s = slots[e]!;
      edge(lastWriter[s]!, i);
      edges(readersHead, s, i);
      edges(addersHead, s, i);
    }
    for (let e = d0; e < end; e++) {
      const s = slots[e]!;
      edge(lastWriter[s]!, i);
      edges(readersHead, s, i);
    }
    for (let e = w0; e < d0; e++) {
      const s = slots[e]!;
      lastWriter[s] = i;
      readersHead[s] = -1;
      addersHead[s] = -1;
    }
    for (let e = d0; e < end; e++) prepend(addersHead, slots[e]!, i);
    reads: for (let e = r0; e < w0; e++) {
      const s = slots[e]!;
      for (let x = w0; x < d0; x++) if (slots[x] === s) continue reads;
      prepend(readersHead, s, i);
    }
  }
  predStart[n] = preds.length;
  return { n, predStart, preds: preds.data.slice(0, preds.length) };
}
