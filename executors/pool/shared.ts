/**
 * The memory the parallel executors share with their worker threads: one set of SharedArrayBuffers,
 * allocated once per executor and reused for every block, so that nothing about a transaction
 * ever travels by message. Each region is a typed array; this file is the one map of them.
 *
 * Control words sit 16 Int32s apart (64 bytes), so that workers updating different counters do not
 * fight over a cache line.
 */
import type { Block, Tx } from '../../core/tx.js';
import { kindIds } from '../../ledger/index.js';

/** Control words: indices into `control`. */
export const C = {
  /** Bumped by the main thread to start a block; workers wait on it between blocks. */
  GENERATION: 0,
  MODE: 16,
  /** Transactions in the current block. */
  N: 32,
  /** Workers that have finished the current block. */
  FINISHED: 48,
  /** Set when the block must stop (a worker died or threw): every loop checks it. */
  ABORT: 64,
  EXEC_IDX: 80,
  VAL_IDX: 96,
  DONE: 144,
  /** Bumped (and notified) whenever there may be new work, so idle workers wake. */
  WAKE: 160,
  /** Next free multi-version entry, next free dependency node. */
  POOL_TOP: 176,
  DEP_TOP: 192,
  /** Next free read-set entry (workers take them in chunks). */
  RS_TOP: 208,
  /** Set when a region ran out: the block is run again on the sequential path. */
  OVERFLOW: 224,
  QUEUE_HEAD: 240,
  QUEUE_TAIL: 256,
  COMPLETED: 272,
  SHARDS: 288,
  /** Number of workers in the pool. */
  WORKERS: 304,
  /** Workers asleep waiting for work (so that waking them is skipped when none is). */
  SLEEPERS: 336,
  /** Fault injection (tests): 1 = Block-STM skips validation. */
  FAULT: 352,
  /** Workers that reached the end of the block's main phase (the commit phase starts when all have). */
  BARRIER: 368,
  /** Words in the control block. */
  SIZE: 384,
} as const;

export const MODE = { IDLE: 0, BLOCK_STM: 1, ACCESS_LIST: 2, SHARDED: 3, EXIT: 9 } as const;

/** Int32s to a cache line: words written often by different threads are kept this far apart. */
export const PAD = 16;

/**
 * A transaction's record: the words its scheduling touches, together on one cache line, so that
 * workers busy with neighbouring transactions do not invalidate each other's lines.
 */
export const REC = PAD;
export const R = {
  /** Block-STM: incarnation << 2 | status. */
  STATUS: 0,
  /** Block-STM: guards the dependency list. */
  LOCK: 1,
  /** Block-STM: head of the list of transactions waiting for this one. */
  DEP_HEAD: 2,
  /** Block-STM: entries in the last incarnation's read set (which starts at RS_START in rs) and write set. */
  RS_LEN: 3,
  WS_LEN: 4,
  /** 0 committed, 1 + reason id when failed. */
  OUTCOME: 5,
  /** Access-list: predecessors not finished yet. */
  REMAINING: 6,
  /** Sharded: the shards involved (bits); arrivals; 1 once committed. */
  MASK: 7,
  ARRIVED: 8,
  COMMITTED: 9,
  RS_START: 10,
} as const;

/** Word offsets of a key's pair in keyWords. */
export const KEY_SEQ = 0;
export const KEY_HEAD = 1;
/** Doubles per multi-version entry, and their offsets. */
export const ENTRY = 4;
export const E = { TX: 0, META: 1, VAL: 2, NEXT: 3 } as const;
/**
 * Doubles per read-set entry, and their offsets. Read sets are packed one after another, in chunks
 * each worker takes for itself: a fixed slot per transaction spread the block's read sets over
 * 20 MB, one page every other transaction, and the TLB misses cost more than the reads.
 */
export const READ = 4;
/** Read-set entries a worker takes at a time. */
export const RS_CHUNK = 4096;
export const RD = { KEY: 0, FOUND: 1, INC: 2, VAL: 3 } as const;

/** Most reads and writes one incarnation may record: our kinds touch ~20 keys at most. */
export const MAX_READS = 64;
export const MAX_WRITES = 64;
/** Per-worker statistics: indices into a worker's row of `stats`. */
export const STAT = { EXECUTIONS: 0, VALIDATIONS: 1, ABORTS: 2, WAITS: 3, CROSS: 4, ROOT_A: 5, ROOT_B: 6, SIZE: 8 } as const;

export interface Sizes {
  /** Keys in the state. */
  readonly keys: number;
  /** Most transactions in a block. */
  readonly maxBlock: number;
  readonly workers: number;
}

/** The buffers, as sent to a worker once at start-up. */
export type SharedBuffers = Record<string, SharedArrayBuffer>;

const i32 = (n: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(1, n) * 4);
const f64 = (n: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(1, n) * 8);

export class SharedMemory {
  readonly buffers: SharedBuffers;
  readonly maxBlock: number;
  readonly keys: number;
  readonly control: Int32Array;
  /** The state as of the last committed block (storage, in Block-STM's terms). */
  readonly state: Float64Array;
  /** Per key, two words on one line: its sequence lock (KEY_SEQ) and the head of its version list (KEY_HEAD). */
  readonly keyWords: Int32Array;
  /** Multi-version entries, ENTRY doubles each (one cache line holds two): transaction, meta, value, next. */
  readonly ent: Float64Array;
  readonly entries: number;
  readonly touched: Int32Array;
  // The block.
  readonly txId: Float64Array;
  readonly txKind: Int32Array;
  readonly txSender: Int32Array;
  readonly txNonce: Float64Array;
  readonly txCost: Float64Array;
  readonly txExact: Int32Array;
  readonly argStart: Int32Array;
  readonly args: Float64Array;
  /** Declared keys of tx i: reads [declStart[3i], declStart[3i+1]), writes up to [3i+2], deltas up to [3i+3]. */
  readonly declStart: Int32Array;
  readonly declKeys: Int32Array;
  /** Per transaction: its scheduler words (see R), REC to a transaction so each has its own cache line. */
  readonly rec: Int32Array;
  readonly depTx: Int32Array;
  readonly depNext: Int32Array;
  /** Read sets, READ doubles an entry: key, what was found (version's transaction, STORAGE or RESOLVED), incarnation, value. */
  readonly rs: Float64Array;
  /** Read-set entries in `rs`. */
  readonly rsEntries: number;
  readonly wsKey: Int32Array;
  // Access-list: successors and a ready queue.
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  readonly queue: Int32Array;
  /** Stamped with the block's generation by the first write to a key in the block, which logs the key's value before the block. */
  readonly dirty: Int32Array;
  // Per worker: undo log of direct writes, and statistics.
  readonly undoKey: Int32Array;
  readonly undoVal: Float64Array;
  readonly undoLen: Int32Array;
  readonly undoCap: number;
  readonly stats: Float64Array;
  /**
   * Block-STM's active-task count and decrease count, one of each per worker on its own cache
   * line (active at w·PAD, decreases at w·PAD + 1): check_done sums them, everything else writes
   * only its own. At w·PAD + 2: how many keys worker w listed in its slice of `touched`.
   */
  readonly active: Int32Array;
  /** Per worker, the size of its slice of `touched` (worker w lists from w·touchedCap). */
  readonly touchedCap: number;

  constructor(buffers: SharedBuffers) {
    this.buffers = buffers;
    const I = (name: string): Int32Array => new Int32Array(buffers[name]!);
    const F = (name: string): Float64Array => new Float64Array(buffers[name]!);
    this.control = I('control');
    this.maxBlock = buffers.txKind!.byteLength / 4;
    this.state = F('state');
    this.keys = this.state.length;
    this.keyWords = I('keyWords');
    this.ent = F('ent');
    this.entries = this.ent.length / ENTRY;
    this.touched = I('touched');
    this.txId = F('txId');
    this.txKind = I('txKind');
    this.txSender = I('txSender');
    this.txNonce = F('txNonce');
    this.txCost = F('txCost');
    this.txExact = I('txExact');
    this.argStart = I('argStart');
    this.args = F('args');
    this.declStart = I('declStart');
    this.declKeys = I('declKeys');
    this.rec = I('rec');
    this.depTx = I('depTx');
    this.depNext = I('depNext');
    this.rs = F('rs');
    this.rsEntries = this.rs.length / READ;
    this.wsKey = I('wsKey');
    this.succStart = I('succStart');
    this.succ = I('succ');
    this.queue = I('queue');
    this.dirty = I('dirty');
    this.undoKey = I('undoKey');
    this.undoVal = F('undoVal');
    this.undoLen = I('undoLen');
    this.undoCap = this.undoKey.length / (this.undoLen.length / PAD);
    this.stats = F('stats');
    this.active = I('active');
    this.touchedCap = Math.floor(this.touched.length / (this.active.length / PAD));
  }

  /** Keys worker w listed as first given a version in this block. */
  touchedBy(w: number): number {
    return Math.min(this.active[w * PAD + 2]!, this.touchedCap);
  }

  static allocate(initialState: Float64Array, sizes: Sizes): SharedMemory {
    const B = sizes.maxBlock;
    const K = initialState.length;
    const W = sizes.workers;
    // Multi-version entries: a block writes ~10 keys a transaction; re-executions update in place.
    const entries = B * 24 + 1024;
    const undo = B * 32 + 1024;
    const buffers: SharedBuffers = {
      control: i32(C.SIZE + 16),
      state: f64(K),
      keyWords: i32(2 * K),
      ent: f64(entries * ENTRY),
      touched: i32(W * entries),
      txId: f64(B),
      txKind: i32(B),
      txSender: i32(B),
      txNonce: f64(B),
      txCost: f64(B),
      txExact: i32(B),
      argStart: i32(B + 1),
      args: f64(B * 16 + 64),
      declStart: i32(3 * B + 1),
      declKeys: i32(B * 48 + 64),
      rec: i32(B * REC),
      depTx: i32(B * 8 + 64),
      depNext: i32(B * 8 + 64),
      // Our kinds read a few keys to ~20; re-executions take more. A block that runs out is redone sequentially.
      rs: f64((B * 32 + W * RS_CHUNK) * READ),
      wsKey: i32(B * MAX_WRITES),
      succStart: i32(B + 1),
      succ: i32(B * 256 + 64),
      queue: i32(B),
      dirty: i32(K),
      undoKey: i32(W * undo),
      undoVal: f64(W * undo),
      undoLen: i32(W * PAD),
      stats: f64(W * STAT.SIZE),
      active: i32(W * PAD),
    };
    const mem = new SharedMemory(buffers);
    mem.control[C.WORKERS] = W;
    mem.state.set(initialState);
    for (let k = 0; k < K; k++) mem.keyWords[2 * k + KEY_HEAD] = -1;
    return mem;
  }

  /**
   * Writes a block into the shared regions; returns false when it does not fit (too many
   * transactions, arguments or declared keys), and the caller runs it another way.
   */
  encode(block: Block): boolean {
    const txs = block.txs;
    if (txs.length > this.maxBlock) return false;
    let a = 0;
    let d = 0;
    for (let i = 0; i < txs.length; i++) {
      const tx = txs[i]!;
      if (a + tx.args.length > this.args.length) return false;
      if (d + tx.reads.length + tx.writes.length + tx.deltas.length > this.declKeys.length) return false;
      this.txId[i] = tx.id;
      this.txKind[i] = kindIndex(tx.kind);
      this.txSender[i] = tx.sender;
      this.txNonce[i] = tx.nonce;
      this.txCost[i] = tx.costUs;
      this.txExact[i] = tx.exact ? 1 : 0;
      this.argStart[i] = a;
      for (const x of tx.args) this.args[a++] = x;
      this.declStart[3 * i] = d;
      for (const k of tx.reads) this.declKeys[d++] = k;
      this.declStart[3 * i + 1] = d;
      for (const k of tx.writes) this.declKeys[d++] = k;
      this.declStart[3 * i + 2] = d;
      for (const k of tx.deltas) this.declKeys[d++] = k;
    }
    this.argStart[txs.length] = a;
    this.declStart[3 * txs.length] = d;
    this.control[C.N] = txs.length;
    return true;
  }

  /**
   * Transaction i of the encoded block, as the state machine takes it, written into `into` and
   * returned. Workers decode into one reused object: a fresh object per execution costs little
   * alone, but the garbage collector's work it makes is what two busy threads can least afford
   * (measured: 1.84× on two cores without, 1.61× with). Declared sets are left out: the executors
   * that need them read the shared arrays.
   */
  decodeInto(i: number, into: MutableTx): Tx {
    const start = this.argStart[i]!;
    const end = this.argStart[i + 1]!;
    const args = into.args;
    if (args.length !== end - start) args.length = end - start;
    for (let a = start; a < end; a++) args[a - start] = this.args[a]!;
    into.id = this.txId[i]!;
    into.kind = kindIds[this.txKind[i]!] ?? 'unknown';
    into.sender = this.txSender[i]!;
    into.nonce = this.txNonce[i]!;
    into.costUs = this.txCost[i]!;
    into.exact = this.txExact[i] === 1;
    return into;
  }
}

/** The one Tx object a worker decodes into. */
export interface MutableTx {
  id: number;
  kind: string;
  sender: number;
  nonce: number;
  args: number[];
  costUs: number;
  readonly reads: readonly number[];
  readonly writes: readonly number[];
  readonly deltas: readonly number[];
  exact: boolean;
}

export function scratchTx(): MutableTx {
  return { id: 0, kind: '', sender: 0, nonce: 0, args: [], costUs: 0, reads: [], writes: [], deltas: [], exact: true };
}

const kindNumbers = new Map(kindIds.map((k, i) => [k, i]));
function kindIndex(kind: string): number {
  // An unknown kind gets an index past the table: the worker decodes it as 'unknown', which fails as unknown-kind.
  return kindNumbers.get(kind) ?? kindIds.length;
}

/** Spin-then-wait on a word until it differs from `value` (or the block is aborted). */
export function waitWhile(control: Int32Array, word: Int32Array, index: number, value: number, spins = 20_000): void {
  for (let s = 0; s < spins; s++) {
    if (Atomics.load(word, index) !== value || Atomics.load(control, C.ABORT) !== 0) return;
  }
  while (Atomics.load(word, index) === value && Atomics.load(control, C.ABORT) === 0) Atomics.wait(word, index, value, 2);
}

/**
 * A sequence lock on one Int32 word: even means free, odd held. A writer makes it odd, changes
 * what it guards, and makes it even again; a reader that saw the same even value before and after
 * reading knows it read a consistent state, without writing the shared word itself (so readers on
 * two cores do not pass its cache line back and forth).
 */
export function lock(words: Int32Array, i: number): void {
  let spins = 0;
  for (;;) {
    const s = Atomics.load(words, i);
    if ((s & 1) === 0 && Atomics.compareExchange(words, i, s, s + 1) === s) return;
    if (++spins > 1000) {
      // The holder was probably descheduled: stop burning its core.
      Atomics.wait(words, i, s, 0.05);
      spins = 0;
    }
  }
}

export function unlock(words: Int32Array, i: number): void {
  Atomics.add(words, i, 1);
}
