import type { Clock, Timer } from '../../core/clock.js';
import type { BoundSummary, ExecutorStats, Target, TargetDescription, TargetInit, Verification, WithBlockAnalysis, WithExecutorStats, WithVerification } from '../../core/target.js';
import type { Receipt, Tx } from '../../core/tx.js';
import { StateLayout } from '../../ledger/index.js';
import { BoundAccumulator } from '../bound/index.js';
import type { BlockStats, Executor } from '../executor.js';
import { createExecutor } from '../registry.js';
import { verifyAgainstSequential, type RecordedBlock } from './oracle.js';

export interface InprocOptions {
  readonly executor: string;
  readonly threads: number;
  /** Most transactions in a block. */
  readonly blockSize: number;
  /** Longest a pending transaction waits before its block is sealed. */
  readonly blockTimeMs: number;
  /** Most transactions kept for the post-run check against sequential execution (memory bound); 0 turns the check off. */
  readonly verifyMaxTxs?: number;
}

/**
 * The embedded target: a block builder in front of an executor, in this process. Transactions
 * wait in a pending queue until a block is full or its oldest transaction has waited the block
 * time; one block executes at a time, and its receipts are delivered when it completes.
 */
export class InprocTarget implements Target, WithExecutorStats, WithVerification, WithBlockAnalysis {
  readonly description: TargetDescription;
  private readonly options: InprocOptions;
  private init: TargetInit | undefined;
  private executor: Executor | undefined;
  private clock: Clock | undefined;

  // The pending queue: arrays with a moving head, compacted now and then, so taking a block is O(block).
  private pending: Tx[] = [];
  private arrivals: number[] = [];
  private head = 0;

  private sealTimer: Timer | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private nextBlock = 1;

  private stats = { blocks: 0, txs: 0, executions: 0, reexecutions: 0, validations: 0, aborts: 0, waits: 0, crossShard: 0, fallbacks: 0, execMs: 0, prepareMs: 0, commitMs: 0 };
  private lastRoot: string | undefined;
  private readonly recorded: RecordedBlock[] = [];
  private recordedTxs = 0;
  private blocksNotRecorded = 0;

  constructor(options: InprocOptions) {
    this.options = options;
    this.description = {
      kind: 'inproc',
      executor: options.executor,
      threads: options.threads,
      blockSize: options.blockSize,
      blockTimeMs: options.blockTimeMs,
    };
  }

  async open(init: TargetInit): Promise<void> {
    this.init = init;
    this.clock = init.clock;
    this.executor = await createExecutor(this.options.executor, {
      genesis: init.genesis,
      threads: this.options.threads,
      maxBlockSize: this.options.blockSize,
    });
  }

  submit(txs: readonly Tx[]): void {
    if (this.closed) {
      this.init?.onErrors(txs.map((t) => t.id), new Error('target is closed'));
      return;
    }
    const now = this.clock?.now() ?? 0;
    for (const tx of txs) {
      this.pending.push(tx);
      this.arrivals.push(now);
    }
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sealTimer?.cancel();
    await this.running;
    await this.executor?.close();
  }

  executorStats(): ExecutorStats {
    return this.lastRoot === undefined ? { ...this.stats } : { ...this.stats, stateRoot: this.lastRoot };
  }

  blockAnalysis(threads: number): BoundSummary {
    if (!this.init) throw new Error('blockAnalysis() before open()');
    const layout = new StateLayout(this.init.genesis);
    const acc = new BoundAccumulator(threads, (k) => layout.describe(k));
    for (const { block } of this.recorded) acc.add(block.txs);
    return acc.summary();
  }

  async verify(): Promise<Verification> {
    if (!this.init) throw new Error('verify() before open()');
    if (this.options.verifyMaxTxs === 0) {
      return { checked: false, blocks: 0, txs: 0, blocksSkipped: this.stats.blocks, stateRootMatches: false, rootsCompared: 0, receiptsMatch: false };
    }
    return verifyAgainstSequential(this.init.genesis, this.recorded, this.blocksNotRecorded);
  }

  private get pendingCount(): number {
    return this.pending.length - this.head;
  }

  /** Transactions received and waiting for a block. */
  get queued(): number {
    return this.pendingCount;
  }

  /** Seals a block when one is due, or arms the timer for when the oldest pending transaction will be. */
  private pump(): void {
    if (this.running || this.closed || this.pendingCount === 0 || !this.clock) return;
    const waited = this.clock.now() - (this.arrivals[this.head] ?? 0);
    if (this.pendingCount >= this.options.blockSize || waited >= this.options.blockTimeMs) {
      this.sealTimer?.cancel();
      this.sealTimer = undefined;
      this.running = this.runBlock();
      return;
    }
    if (!this.sealTimer) {
      this.sealTimer = this.clock.setTimeout(() => {
        this.sealTimer = undefined;
        this.pump();
      }, this.options.blockTimeMs - waited);
    }
  }

  private takeBlock(): Tx[] {
    const end = Math.min(this.pending.length, this.head + this.options.blockSize);
    const txs = this.pending.slice(this.head, end);
    this.head = end;
    if (this.head > 65_536 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.arrivals = this.arrivals.slice(this.head);
      this.head = 0;
    }
    return txs;
  }

  private async runBlock(): Promise<void> {
    const init = this.init;
    const executor = this.executor;
    if (!init || !executor || !this.clock) return;
    // Let the caller of submit() return first: sealing happens on its own turn of the event loop.
    await new Promise<void>((resolve) => this.clock?.setTimeout(resolve, 0));
    const block = { number: this.nextBlock++, txs: this.takeBlock() };
    try {
      const result = await executor.execute(block);
      const receipts: Receipt[] = new Array(block.txs.length);
      const commitMs = this.clock.now();
      for (let i = 0; i < block.txs.length; i++) {
        const outcome = result.outcomes[i] ?? { status: 'failed', reason: 'no-outcome' };
        receipts[i] = { id: block.txs[i]!.id, block: block.number, position: i, commitMs, ...outcome };
      }
      this.account(result.stats, block.txs.length);
      this.lastRoot = result.stateRoot;
      this.record({ block, outcomes: result.outcomes, stateRoot: result.stateRoot });
      // The block's report before its receipts: whoever answers a receipt can say what its block was.
      if (init.onBlock) {
        const s = result.stats;
        init.onBlock({
          number: block.number,
          txs: block.txs.length,
          stateRoot: result.stateRoot,
          stats: {
            executions: s.executions,
            reexecutions: s.reexecutions,
            validations: s.validations,
            aborts: s.aborts ?? 0,
            waits: s.waits ?? 0,
            crossShard: s.crossShard ?? 0,
            fallbacks: s.fallbacks ?? 0,
            execMs: s.execMs,
            prepareMs: s.prepareMs ?? 0,
            commitMs: s.commitMs ?? 0,
          },
        }, block.txs);
      }
      init.onReceipts(receipts);
    } catch (e) {
      init.onErrors(
        block.txs.map((t) => t.id),
        e instanceof Error ? e : new Error(String(e)),
      );
    } finally {
      this.running = undefined;
    }
    this.pump();
  }

  private account(s: BlockStats, txs: number): void {
    const t = this.stats;
    t.blocks++;
    t.txs += txs;
    t.executions += s.executions;
    t.reexecutions += s.reexecutions;
    t.validations += s.validations;
    t.aborts += s.aborts ?? 0;
    t.waits += s.waits ?? 0;
    t.crossShard += s.crossShard ?? 0;
    t.fallbacks += s.fallbacks ?? 0;
    t.execMs += s.execMs;
    t.prepareMs += s.prepareMs ?? 0;
    t.commitMs += s.commitMs ?? 0;
  }

  private record(r: RecordedBlock): void {
    const budget = this.options.verifyMaxTxs ?? 1_000_000;
    // Only a prefix is checkable: once one block is not kept, none after it can be verified.
    if (this.blocksNotRecorded === 0 && this.recordedTxs + r.block.txs.length <= budget) {
      this.recorded.push(r);
      this.recordedTxs += r.block.txs.length;
    } else {
      this.blocksNotRecorded++;
    }
  }
}
