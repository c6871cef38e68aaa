/**
 * Block-STM (Gelashvili et al., PPoPP '23), the abort variant, on worker threads over shared
 * memory: multi-version memory, the collaborative scheduler with execution and validation indices,
 * incarnations, ESTIMATE markers, dependencies. Read and write sets are discovered by running
 * each transaction, never taken from its declared sets. The scheduler follows the paper's
 * Algorithms (shared/research/parallel-execution.md §5), with go-block-stm's handling of
 * try_incarnate inside finish_validation.
 *
 * Commutative adds are multi-version entries too (DELTA): a reader resolves them down to the
 * nearest full write, and such a read is validated by its value.
 */
import type { StateView } from '../../ledger/index.js';
import { fail, outcomeCode } from '../../ledger/index.js';
import { OVERFLOW, type WorkerContext } from '../pool/context.js';
import { C, E, ENTRY, KEY_HEAD, KEY_SEQ, MAX_READS, MAX_WRITES, PAD, R, RD, READ, REC, RS_CHUNK, STAT, lock, unlock, type SharedMemory } from '../pool/shared.js';

// Transaction status word: incarnation << 2 | status.
const READY = 0;
const EXECUTING = 1;
const EXECUTED = 2;
const ABORTING = 3;

// Multi-version entry meta word: incarnation << 2 | flags.
export const ESTIMATE = 1;
export const DELTA = 2;

// What a read found, as recorded in a read set.
const STORAGE = -1;
const RESOLVED = -2;

/** Multi-version entries a worker takes at a time. */
const ENTRY_CHUNK = 256;

// Task kinds.
const NONE = 0;
const EXEC = 1;
const VALIDATE = 2;

/** Thrown (one shared object) when a read meets an ESTIMATE: the transaction waits for `blockedBy`. */
const BLOCKED = new Error('read an ESTIMATE');

/** The outcome of a multi-version read. */
class Found {
  kind = STORAGE;
  tx = -1;
  inc = 0;
  value = 0;
  /** The transaction whose ESTIMATE stopped the read, or -1. */
  blockedBy = -1;
}

/**
 * Reads `key` as transaction `i` sees it: the highest version below i, deltas resolved, else
 * storage. Lock-free for readers: it reads under the key's sequence lock and tries again if a
 * writer changed the list meanwhile (lists only change by whole entries, so a walk always ends).
 */
export function mvRead(mem: SharedMemory, key: number, i: number, out: Found): void {
  const words = mem.keyWords;
  const at = 2 * key + KEY_SEQ;
  for (let spins = 0; ; spins++) {
    const before = Atomics.load(words, at);
    if (before & 1) {
      if (spins > 1000) Atomics.wait(words, at, before, 0.05);
      continue;
    }
    readVersions(mem, key, i, out);
    if (Atomics.load(words, at) === before) return;
  }
}

function readVersions(mem: SharedMemory, key: number, i: number, out: Found): void {
  const ent = mem.ent;
  out.blockedBy = -1;
  let e = mem.keyWords[2 * key + KEY_HEAD]!;
  while (e >= 0 && ent[e * ENTRY + E.TX]! >= i) e = ent[e * ENTRY + E.NEXT]!;
  if (e < 0) {
    out.kind = STORAGE;
    out.value = mem.state[key]!;
    return;
  }
  const meta = ent[e * ENTRY + E.META]!;
  if (meta & ESTIMATE) {
    out.blockedBy = ent[e * ENTRY + E.TX]!;
    return;
  }
  if ((meta & DELTA) === 0) {
    out.kind = ent[e * ENTRY + E.TX]!;
    out.tx = out.kind;
    out.inc = meta >> 2;
    out.value = ent[e * ENTRY + E.VAL]!;
    return;
  }
  // A chain of adds: sum them down to the nearest full write, or to storage.
  let sum = 0;
  for (; e >= 0; e = ent[e * ENTRY + E.NEXT]!) {
    const m = ent[e * ENTRY + E.META]!;
    if (m & ESTIMATE) {
      out.blockedBy = ent[e * ENTRY + E.TX]!;
      return;
    }
    sum += ent[e * ENTRY + E.VAL]!;
    if ((m & DELTA) === 0) break;
  }
  if (e < 0) sum += mem.state[key]!;
  out.kind = RESOLVED;
  out.value = sum;
}

/**
 * The view one incarnation executes against: reads come from multi-version memory (and are
 * recorded), writes and adds stay local until the incarnation finishes.
 */
class MvView implements StateView {
  private readonly mem: SharedMemory;
  private readonly found = new Found();
  tx = 0;
  reads = 0;
  /** Where this incarnation's read set starts in rs, and the end of this worker's current chunk. */
  rsStart = 0;
  private rsEnd = 0;
  blockedBy = -1;
  keys: number[] = [];
  values: number[] = [];
  isAdd: boolean[] = [];
  count = 0;

  constructor(mem: SharedMemory) {
    this.mem = mem;
  }

  /** Starts a block: no chunk of read-set entries held. */
  reset(): void {
    this.rsStart = 0;
    this.rsEnd = 0;
  }

  begin(tx: number): void {
    this.tx = tx;
    this.reads = 0;
    this.count = 0;
    this.blockedBy = -1;
    if (this.rsStart + MAX_READS > this.rsEnd) {
      // Not room for the largest read set: take a fresh chunk (the rest of this one is left unused).
      const mem = this.mem;
      this.rsStart = Atomics.add(mem.control, C.RS_TOP, RS_CHUNK);
      this.rsEnd = this.rsStart + RS_CHUNK;
      if (this.rsEnd > mem.rsEntries) {
        Atomics.store(mem.control, C.OVERFLOW, 1);
        throw OVERFLOW;
      }
    }
  }

  /** Keeps the read set just recorded (the next incarnation's starts after it). */
  keepReads(): void {
    this.rsStart += this.reads;
  }

  private local(key: number): number {
    for (let i = this.count - 1; i >= 0; i--) if (this.keys[i] === key) return i;
    return -1;
  }

  read(key: number): number {
    const l = this.local(key);
    if (l >= 0 && !this.isAdd[l]) return this.values[l]!;
    const f = this.found;
    mvRead(this.mem, key, this.tx, f);
    if (f.blockedBy >= 0) {
      this.blockedBy = f.blockedBy;
      throw BLOCKED;
    }
    if (this.reads >= MAX_READS) {
      Atomics.store(this.mem.control, C.OVERFLOW, 1);
      throw OVERFLOW;
    }
    const r = (this.rsStart + this.reads++) * READ;
    const rs = this.mem.rs;
    rs[r + RD.KEY] = key;
    rs[r + RD.FOUND] = f.kind;
    rs[r + RD.INC] = f.inc;
    rs[r + RD.VAL] = f.value;
    return l >= 0 ? f.value + this.values[l]! : f.value;
  }

  write(key: number, value: number): void {
    const l = this.local(key);
    if (l >= 0) {
      this.values[l] = value;
      this.isAdd[l] = false;
      return;
    }
    this.push(key, value, false);
  }

  add(key: number, amount: number): void {
    const l = this.local(key);
    if (l >= 0) this.values[l] = this.values[l]! + amount;
    else this.push(key, amount, true);
  }

  /** Forgets the writes (the transaction threw: its output is a failure that writes nothing). */
  discardWrites(): void {
    this.count = 0;
  }

  private push(key: number, value: number, isAdd: boolean): void {
    if (this.count >= MAX_WRITES) {
      Atomics.store(this.mem.control, C.OVERFLOW, 1);
      throw OVERFLOW;
    }
    this.keys[this.count] = key;
    this.values[this.count] = value;
    this.isAdd[this.count] = isAdd;
    this.count++;
  }
}

/**
 * One worker's side of the scheduler. It is created once per worker thread and reused for every
 * block: its methods keep stable identities, so the JIT inlines them into the loop for good. (The
 * first version built closures per block; every block's new closures deoptimised the loop, and
 * blocks ran at either of two speeds, 15 or 28 ms, depending on how the JIT last settled.)
 */
class Scheduler {
  private readonly ctx: WorkerContext;
  private readonly mem: SharedMemory;
  private readonly c: Int32Array;
  private readonly rec: Int32Array;
  private readonly view: MvView;
  private readonly found = new Found();
  /** This worker's words in `mem.active`: its active-task count, decrease count, and touched-list length. */
  private readonly myActive: number;
  private readonly touchedBase: number;
  private n = 0;
  private skipValidation = false;
  private task = NONE;
  private taskTx = 0;
  private taskInc = 0;
  // Multi-version entries come in chunks per worker: no shared counter per write, no two workers' entries on one cache line.
  private chunkNext = 0;
  private chunkEnd = 0;
  // Keys that got their first version go into this worker's own list: no shared counter per key.
  private touchedCount = 0;
  // The paper's num_active_tasks and decrease_cnt, kept per worker: each worker writes only its own cache line.
  private active = 0;
  private decreases = 0;

  constructor(ctx: WorkerContext) {
    this.ctx = ctx;
    this.mem = ctx.mem;
    this.c = ctx.mem.control;
    this.rec = ctx.mem.rec;
    this.view = new MvView(ctx.mem);
    this.myActive = ctx.index * PAD;
    this.touchedBase = ctx.index * ctx.mem.touchedCap;
  }

  run(): void {
    const c = this.c;
    this.n = c[C.N]!;
    this.skipValidation = c[C.FAULT] === 1;
    this.task = NONE;
    this.chunkNext = 0;
    this.chunkEnd = 0;
    this.touchedCount = 0;
    this.active = 0;
    this.decreases = 0;
    this.view.reset();
    let idle = 0;
    // Every atomic operation costs ~13 ns on this V8 (a plain read ~1.5 ns), so DONE and ABORT are
    // checked only between tasks, not after every step of one.
    for (;;) {
      if (this.task === EXEC) this.tryExecute(this.taskTx, this.taskInc);
      else if (this.task === VALIDATE) this.validate(this.taskTx, this.taskInc);
      else {
        if (Atomics.load(c, C.DONE) !== 0 || Atomics.load(c, C.ABORT) !== 0) break;
        this.nextTask();
        if (this.task === NONE && ++idle > 64) {
          // Nothing to do for now: announce the sleep, look once more (a waker that changed things
          // before seeing us will have been seen by this look), then sleep until woken.
          Atomics.add(c, C.SLEEPERS, 1);
          const w = Atomics.load(c, C.WAKE);
          this.nextTask();
          if (this.task === NONE && Atomics.load(c, C.DONE) === 0) Atomics.wait(c, C.WAKE, w, 1);
          Atomics.sub(c, C.SLEEPERS, 1);
          idle = 0;
        }
      }
    }
    Atomics.store(this.mem.active, this.myActive + 2, this.touchedCount);
  }

  private allocate(key: number): number {
    if (this.chunkNext === this.chunkEnd) {
      this.chunkNext = Atomics.add(this.c, C.POOL_TOP, ENTRY_CHUNK);
      this.chunkEnd = this.chunkNext + ENTRY_CHUNK;
      if (this.chunkEnd > this.mem.entries) {
        unlock(this.mem.keyWords, 2 * key + KEY_SEQ);
        Atomics.store(this.c, C.OVERFLOW, 1);
        throw OVERFLOW;
      }
    }
    return this.chunkNext++;
  }

  private listTouched(key: number): void {
    const mem = this.mem;
    if (this.touchedCount >= mem.touchedCap) {
      unlock(mem.keyWords, 2 * key + KEY_SEQ);
      Atomics.store(this.c, C.OVERFLOW, 1);
      throw OVERFLOW;
    }
    // Published once, at the end of the block (the commit phase and a rollback read it after that).
    mem.touched[this.touchedBase + this.touchedCount++] = key;
  }

  private activeUp(): void {
    Atomics.store(this.mem.active, this.myActive, ++this.active);
  }

  private activeDown(): void {
    Atomics.store(this.mem.active, this.myActive, --this.active);
  }

  /** Sums one of the per-worker words (0: active tasks, 1: decreases) over every worker. */
  private everywhere(offset: number): number {
    let sum = 0;
    for (let w = 0; w < this.ctx.workers; w++) sum += Atomics.load(this.mem.active, w * PAD + offset);
    return sum;
  }

  /** Wakes sleeping workers. A worker announces its sleep before a last look for work, so when none is announced, none needs waking. */
  private wake(): void {
    const c = this.c;
    if (Atomics.load(c, C.SLEEPERS) === 0) return;
    Atomics.add(c, C.WAKE, 1);
    Atomics.notify(c, C.WAKE);
  }

  /** Lowers an index to `target`. Only an actual decrease counts (check_done looks for those). */
  private decrease(index: number, target: number): void {
    const c = this.c;
    for (;;) {
      const cur = Atomics.load(c, index);
      if (cur <= target) return;
      if (Atomics.compareExchange(c, index, cur, target) === cur) break;
    }
    Atomics.store(this.mem.active, this.myActive + 1, ++this.decreases);
    this.wake();
  }

  private checkDone(): void {
    const c = this.c;
    const observed = this.everywhere(1);
    if (Math.min(Atomics.load(c, C.EXEC_IDX), Atomics.load(c, C.VAL_IDX)) >= this.n && this.everywhere(0) === 0 && observed === this.everywhere(1)) {
      Atomics.store(c, C.DONE, 1);
      Atomics.add(c, C.WAKE, 1);
      Atomics.notify(c, C.WAKE);
    }
  }

  /** Claims (i, incarnation) for execution if it is ready; otherwise gives back the active-task count. */
  private tryIncarnate(i: number): void {
    const rec = this.rec;
    if (i < this.n) {
      const s = Atomics.load(rec, i * REC);
      if ((s & 3) === READY && Atomics.compareExchange(rec, i * REC, s, (s & ~3) | EXECUTING) === s) {
        this.task = EXEC;
        this.taskTx = i;
        this.taskInc = s >> 2;
        return;
      }
    }
    this.activeDown();
    this.task = NONE;
  }

  private setReady(i: number): void {
    const s = Atomics.load(this.rec, i * REC);
    Atomics.store(this.rec, i * REC, (((s >> 2) + 1) << 2) | READY);
  }

  private nextTask(): void {
    const c = this.c;
    const n = this.n;
    this.task = NONE;
    const validation = Atomics.load(c, C.VAL_IDX);
    const execution = Atomics.load(c, C.EXEC_IDX);
    if (validation < execution) {
      if (validation >= n) return this.checkDone();
      this.activeUp();
      const i = Atomics.add(c, C.VAL_IDX, 1);
      if (i < n) {
        const s = Atomics.load(this.rec, i * REC);
        if ((s & 3) === EXECUTED) {
          this.task = VALIDATE;
          this.taskTx = i;
          this.taskInc = s >> 2;
          return;
        }
      }
      this.activeDown();
    } else {
      if (execution >= n) return this.checkDone();
      this.activeUp();
      this.tryIncarnate(Atomics.add(c, C.EXEC_IDX, 1));
    }
  }

  /** Makes i wait for j; false when j has meanwhile finished executing (then i retries at once). */
  private addDependency(i: number, inc: number, j: number): boolean {
    const mem = this.mem;
    const rec = this.rec;
    const jLock = j * REC + R.LOCK;
    lock(rec, jLock);
    if ((Atomics.load(rec, j * REC) & 3) === EXECUTED) {
      unlock(rec, jLock);
      return false;
    }
    Atomics.store(rec, i * REC, (inc << 2) | ABORTING);
    const node = Atomics.add(this.c, C.DEP_TOP, 1);
    if (node >= mem.depTx.length) {
      unlock(rec, jLock);
      Atomics.store(this.c, C.OVERFLOW, 1);
      throw OVERFLOW;
    }
    mem.depTx[node] = i;
    mem.depNext[node] = rec[j * REC + R.DEP_HEAD]!;
    rec[j * REC + R.DEP_HEAD] = node;
    unlock(rec, jLock);
    this.activeDown();
    return true;
  }

  /** Writes the incarnation's writes as versions, removes the previous incarnation's stale ones; true if it wrote a new key. */
  private record(i: number, inc: number): boolean {
    const mem = this.mem;
    const view = this.view;
    const ent = mem.ent;
    const words = mem.keyWords;
    const base = i * MAX_WRITES;
    const previous = this.rec[i * REC + R.WS_LEN]!;
    let wroteNew = false;
    for (let w = 0; w < view.count; w++) {
      const key = view.keys[w]!;
      const meta = (inc << 2) | (view.isAdd[w] ? DELTA : 0);
      lock(words, 2 * key + KEY_SEQ);
      const e = walkTo(mem, key, i);
      const prev = walked.prev;
      if (e >= 0 && ent[e * ENTRY + E.TX] === i) {
        ent[e * ENTRY + E.VAL] = view.values[w]!;
        ent[e * ENTRY + E.META] = meta;
      } else {
        const fresh = this.allocate(key);
        ent[fresh * ENTRY + E.TX] = i;
        ent[fresh * ENTRY + E.META] = meta;
        ent[fresh * ENTRY + E.VAL] = view.values[w]!;
        ent[fresh * ENTRY + E.NEXT] = e;
        if (prev >= 0) ent[prev * ENTRY + E.NEXT] = fresh;
        else {
          if (words[2 * key + KEY_HEAD]! < 0) this.listTouched(key);
          words[2 * key + KEY_HEAD] = fresh;
        }
      }
      unlock(words, 2 * key + KEY_SEQ);
      let known = false;
      for (let p = 0; p < previous; p++) if (mem.wsKey[base + p] === key) known = true;
      if (!known) wroteNew = true;
    }
    // Versions the previous incarnation wrote and this one did not are stale: remove them.
    for (let p = 0; p < previous; p++) {
      const key = mem.wsKey[base + p]!;
      let still = false;
      for (let w = 0; w < view.count; w++) if (view.keys[w] === key) still = true;
      if (!still) removeVersion(mem, key, i);
    }
    for (let w = 0; w < view.count; w++) mem.wsKey[base + w] = view.keys[w]!;
    this.rec[i * REC + R.WS_LEN] = view.count;
    return wroteNew;
  }

  private finishExecution(i: number, inc: number, wroteNew: boolean): void {
    const mem = this.mem;
    const rec = this.rec;
    Atomics.store(rec, i * REC, (inc << 2) | EXECUTED);
    // Transactions waiting for i. Once EXECUTED is stored, a later add_dependency sees it and does
    // not add; one that added before holds or held the lock: so a free lock and an empty list
    // mean nobody waits, and the lock can be skipped.
    let node = -1;
    const lockAt = i * REC + R.LOCK;
    if ((Atomics.load(rec, lockAt) & 1) !== 0 || Atomics.load(rec, i * REC + R.DEP_HEAD) !== -1) {
      lock(rec, lockAt);
      node = rec[i * REC + R.DEP_HEAD]!;
      rec[i * REC + R.DEP_HEAD] = -1;
      unlock(rec, lockAt);
    }
    let lowest = Infinity;
    for (; node >= 0; node = mem.depNext[node]!) {
      const d = mem.depTx[node]!;
      this.setReady(d);
      if (d < lowest) lowest = d;
    }
    if (lowest < Infinity) this.decrease(C.EXEC_IDX, lowest);
    if (Atomics.load(this.c, C.VAL_IDX) > i) {
      if (!wroteNew) {
        // Validate only this transaction, keeping this worker busy (the active count carries over).
        this.task = VALIDATE;
        this.taskTx = i;
        this.taskInc = inc;
        return;
      }
      this.decrease(C.VAL_IDX, i);
    }
    this.activeDown();
    this.task = NONE;
  }

  private tryExecute(i: number, inc: number): void {
    const ctx = this.ctx;
    const view = this.view;
    const tx = ctx.tx(i);
    for (;;) {
      view.begin(i);
      let code: number;
      try {
        code = outcomeCode(ctx.ledger.execute(tx, view));
      } catch (e) {
        if (e === BLOCKED) {
          ctx.count(STAT.WAITS);
          if (this.addDependency(i, inc, view.blockedBy)) {
            this.task = NONE;
            return;
          }
          continue; // the blocker finished meanwhile: run again now
        }
        if (e === OVERFLOW) throw e;
        // Speculation can see inconsistent state; the failure stands only if validation keeps it.
        view.discardWrites();
        code = outcomeCode(fail('execution-error'));
      }
      ctx.count(STAT.EXECUTIONS);
      const rec = this.rec;
      rec[i * REC + R.RS_START] = view.rsStart;
      rec[i * REC + R.RS_LEN] = view.reads;
      rec[i * REC + R.OUTCOME] = code;
      view.keepReads();
      return this.finishExecution(i, inc, this.record(i, inc));
    }
  }

  private validateReadSet(i: number): boolean {
    if (this.skipValidation) return true;
    const mem = this.mem;
    const rs = mem.rs;
    const found = this.found;
    const count = this.rec[i * REC + R.RS_LEN]!;
    for (let r = this.rec[i * REC + R.RS_START]! * READ, end = r + count * READ; r < end; r += READ) {
      mvRead(mem, rs[r + RD.KEY]!, i, found);
      if (found.blockedBy >= 0) return false;
      const was = rs[r + RD.FOUND]!;
      if (was === RESOLVED) {
        if (found.value !== rs[r + RD.VAL]) return false;
      } else if (was === STORAGE) {
        if (found.kind !== STORAGE) return false;
      } else if (found.kind !== was || found.inc !== rs[r + RD.INC]) return false;
    }
    return true;
  }

  private validate(i: number, inc: number): void {
    const mem = this.mem;
    this.ctx.count(STAT.VALIDATIONS);
    const executed = (inc << 2) | EXECUTED;
    const aborted = !this.validateReadSet(i) && Atomics.compareExchange(this.rec, i * REC, executed, (inc << 2) | ABORTING) === executed;
    if (aborted) {
      this.ctx.count(STAT.ABORTS);
      const base = i * MAX_WRITES;
      for (let w = 0; w < this.rec[i * REC + R.WS_LEN]!; w++) markEstimate(mem, mem.wsKey[base + w]!, i);
      this.setReady(i);
      this.decrease(C.VAL_IDX, i + 1);
      if (Atomics.load(this.c, C.EXEC_IDX) > i) return this.tryIncarnate(i);
    }
    this.activeDown();
    this.task = NONE;
  }
}

/** This thread's scheduler, made on its first block. */
let scheduler: { ctx: WorkerContext; side: Scheduler } | undefined;

export function runBlockStm(ctx: WorkerContext): void {
  if (scheduler?.ctx !== ctx) scheduler = { ctx, side: new Scheduler(ctx) };
  scheduler.side.run();
}

/**
 * Block-STM's output, this worker's share: for every key of its slice of those written, the value
 * of the highest version, written into the shared state (and logged, for the root and a rollback).
 */
export function commitVersions(ctx: WorkerContext): void {
  const mem = ctx.mem;
  // Each worker commits the keys it listed: in a uniform block, about an even share.
  const base = ctx.index * mem.touchedCap;
  const listed = mem.touchedBy(ctx.index);
  for (let t = base; t < base + listed; t++) {
    const key = mem.touched[t]!;
    // A key is listed again if its versions all went and came back: whoever claims it first commits it.
    if (!ctx.direct.claim(key)) continue;
    const ent = mem.ent;
    let e = mem.keyWords[2 * key + KEY_HEAD]!;
    if (e < 0) continue;
    let value = 0;
    for (; e >= 0; e = ent[e * ENTRY + E.NEXT]!) {
      const meta = ent[e * ENTRY + E.META]!;
      if (meta & ESTIMATE) throw new Error(`an ESTIMATE on key ${key} outlived the block`);
      value += ent[e * ENTRY + E.VAL]!;
      if ((meta & DELTA) === 0) break;
    }
    if (e < 0) value += mem.state[key]!;
    ctx.direct.log(key);
    mem.state[key] = value;
    mem.keyWords[2 * key + KEY_HEAD] = -1;
  }
}

/** Where walkTo stopped: the entry before the one it returned, or -1 (kept here, not allocated per walk). */
const walked = { prev: -1 };

/**
 * Walks key's version list (highest transaction first) past the versions above transaction i:
 * returns the first entry at or below i, or -1, and leaves the entry before it in walked.prev.
 * The caller holds the key's lock.
 */
function walkTo(mem: SharedMemory, key: number, i: number): number {
  const ent = mem.ent;
  let prev = -1;
  let e = mem.keyWords[2 * key + KEY_HEAD]!;
  while (e >= 0 && ent[e * ENTRY + E.TX]! > i) {
    prev = e;
    e = ent[e * ENTRY + E.NEXT]!;
  }
  walked.prev = prev;
  return e;
}

function removeVersion(mem: SharedMemory, key: number, i: number): void {
  const ent = mem.ent;
  const words = mem.keyWords;
  lock(words, 2 * key + KEY_SEQ);
  const e = walkTo(mem, key, i);
  const prev = walked.prev;
  if (e >= 0 && ent[e * ENTRY + E.TX] === i) {
    if (prev >= 0) ent[prev * ENTRY + E.NEXT] = ent[e * ENTRY + E.NEXT]!;
    else words[2 * key + KEY_HEAD] = ent[e * ENTRY + E.NEXT]!;
  }
  unlock(words, 2 * key + KEY_SEQ);
}

function markEstimate(mem: SharedMemory, key: number, i: number): void {
  const ent = mem.ent;
  const words = mem.keyWords;
  lock(words, 2 * key + KEY_SEQ);
  const e = walkTo(mem, key, i);
  if (e >= 0 && ent[e * ENTRY + E.TX] === i) ent[e * ENTRY + E.META] = ent[e * ENTRY + E.META]! | ESTIMATE;
  unlock(words, 2 * key + KEY_SEQ);
}
