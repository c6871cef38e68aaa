import type { Block, TxOutcome } from '../../core/tx.js';
import { calibrateWork, genesisValues, Ledger, outcomeOf, StateLayout, StateRoot, type StateView } from '../../ledger/index.js';
import type { BlockResult, Executor, ExecutorOptions } from '../executor.js';
import { WorkerPool } from './pool.js';
import { C, PAD, R, REC, STAT, SharedMemory } from './shared.js';

/** What distinguishes one parallel executor from another, on the main thread. */
export interface ParallelMode {
  readonly name: string;
  readonly mode: number;
  /** Fills the mode's regions for the encoded block; false when they would overflow. */
  prepare(mem: SharedMemory, block: Block, layout: StateLayout, workers: number): boolean;
}

/** Blocks this small run on the main thread: a handful of transactions do not pay for waking workers. */
const SMALL_BLOCK = 2;

/**
 * The main-thread half of a parallel executor: encodes each block into shared memory, has the
 * worker pool execute it, commits the result into the shared state while keeping the state root,
 * and turns outcomes back into objects. A block that would overflow a shared region, or is tiny,
 * runs on the sequential path instead (counted as a fallback); a block whose worker died or threw
 * is rolled back and rejected, and the pool replaces the worker.
 */
export class ParallelExecutor implements Executor {
  readonly name: string;
  readonly threads: number;
  /** The worker pool, exposed for tests and diagnostics (killing a worker, say). */
  readonly pool: WorkerPool;
  private readonly mem: SharedMemory;
  private readonly spec: ParallelMode;
  private readonly layout: StateLayout;
  private readonly ledger: Ledger;
  private readonly root: StateRoot;

  private constructor(spec: ParallelMode, mem: SharedMemory, pool: WorkerPool, ledger: Ledger, root: StateRoot) {
    this.name = spec.name;
    this.spec = spec;
    this.mem = mem;
    this.pool = pool;
    this.threads = pool.size;
    this.ledger = ledger;
    this.layout = ledger.layout;
    this.root = root;
  }

  static async create(spec: ParallelMode, options: ExecutorOptions): Promise<ParallelExecutor> {
    const ledger = new Ledger(options.genesis);
    const values = genesisValues(options.genesis, ledger.layout);
    const mem = SharedMemory.allocate(values, { keys: values.length, maxBlock: options.maxBlockSize ?? 10_000, workers: options.threads });
    if (options.fault === 'skip-validation') mem.control[C.FAULT] = 1;
    const pool = await WorkerPool.start(mem, options.genesis, options.threads, calibrateWork());
    return new ParallelExecutor(spec, mem, pool, ledger, StateRoot.of(values));
  }

  async execute(block: Block): Promise<BlockResult> {
    const n = block.txs.length;
    const t0 = performance.now();
    if (n <= SMALL_BLOCK || !this.mem.encode(block)) return this.sequentially(block, t0);
    this.reset(n);
    if (!this.spec.prepare(this.mem, block, this.layout, this.threads)) return this.sequentially(block, t0);
    const t1 = performance.now();
    try {
      await this.pool.run(this.spec.mode);
    } catch (e) {
      this.rollBack();
      throw e;
    }
    if (Atomics.load(this.mem.control, C.OVERFLOW) !== 0) {
      this.rollBack();
      return this.sequentially(block, t0);
    }
    const t2 = performance.now();
    // The workers committed the block and worked out the root's change over their keys: add them up.
    const m = this.mem;
    for (let w = 0; w < this.threads; w++) this.root.addLanes(m.stats[w * STAT.SIZE + STAT.ROOT_A]!, m.stats[w * STAT.SIZE + STAT.ROOT_B]!);
    const outcomes: TxOutcome[] = new Array(n);
    for (let i = 0; i < n; i++) outcomes[i] = outcomeOf(this.mem.rec[i * REC + R.OUTCOME]!);
    const t3 = performance.now();
    const s = this.sumStats();
    return {
      outcomes,
      stateRoot: this.root.hex(),
      stats: {
        executions: s[STAT.EXECUTIONS]!,
        reexecutions: Math.max(0, s[STAT.EXECUTIONS]! - n),
        validations: s[STAT.VALIDATIONS]!,
        aborts: s[STAT.ABORTS]!,
        waits: s[STAT.WAITS]!,
        crossShard: s[STAT.CROSS]!,
        execMs: t3 - t0,
        prepareMs: t1 - t0,
        commitMs: t3 - t2,
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private reset(n: number): void {
    const m = this.mem;
    const c = m.control;
    for (const w of [C.EXEC_IDX, C.VAL_IDX, C.SLEEPERS, C.DONE, C.POOL_TOP, C.DEP_TOP, C.RS_TOP, C.OVERFLOW, C.COMPLETED, C.BARRIER]) c[w] = 0;
    m.rec.fill(0, 0, n * REC);
    for (let i = 0; i < n; i++) m.rec[i * REC + R.DEP_HEAD] = -1;
    m.undoLen.fill(0);
    m.stats.fill(0);
    m.active.fill(0);
  }

  /** Undoes a block that did not finish: the state is as before it, and no lock is left held. */
  private rollBack(): void {
    const m = this.mem;
    for (let w = 0; w < this.threads; w++) {
      const base = w * m.undoCap;
      for (let u = m.undoLen[w * PAD]! - 1; u >= 0; u--) m.state[m.undoKey[base + u]!] = m.undoVal[base + u]!;
    }
    // Every key: no versions left (a worker that died never said which keys it gave versions to),
    // and no lock held (it may have died holding one).
    for (let k = 0; k < m.keyWords.length; k += 2) {
      m.keyWords[k]! &= ~1;
      m.keyWords[k + 1] = -1;
    }
  }

  /** The sequential path, on this thread, over the same shared state and root. */
  private sequentially(block: Block, t0: number): BlockResult {
    const m = this.mem;
    const root = this.root;
    const view: StateView = {
      read: (key) => m.state[key]!,
      write(key, value) {
        root.update(key, m.state[key]!, value);
        m.state[key] = value;
      },
      add(key, amount) {
        this.write(key, m.state[key]! + amount);
      },
    };
    const outcomes = block.txs.map((tx) => this.ledger.execute(tx, view));
    const n = block.txs.length;
    return {
      outcomes,
      stateRoot: root.hex(),
      stats: { executions: n, reexecutions: 0, validations: 0, fallbacks: n > SMALL_BLOCK ? 1 : 0, execMs: performance.now() - t0 },
    };
  }

  private sumStats(): number[] {
    const out = new Array<number>(STAT.SIZE).fill(0);
    for (let w = 0; w < this.threads; w++) for (let s = 0; s < STAT.SIZE; s++) out[s]! += this.mem.stats[w * STAT.SIZE + s]!;
    return out;
  }
}
