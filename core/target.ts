import type { Clock } from './clock.js';
import type { GenesisSpec } from './genesis.js';
import type { Block, Receipt, Tx, TxOutcome } from './tx.js';

/** What a target is told when the run opens it. */
export interface TargetInit {
  readonly genesis: GenesisSpec;
  readonly clock: Clock;
  /** A transaction unanswered this long after it was due is timed out by the run (an adapter need remember no longer). */
  readonly timeoutMs?: number;
  /** Receipts, in any grouping and order; each transaction must be answered at most once. */
  onReceipts(receipts: readonly Receipt[]): void;
  /** Transactions the target could not process (transport or target fault): they end as errored. */
  onErrors(ids: readonly number[], error: Error): void;
  /**
   * After each block, where the target tells (the server passes these on over the wire). An
   * in-process target also hands over the block's transactions (for its bound, in the metrics).
   */
  onBlock?(report: BlockReport, txs?: readonly Tx[]): void;
}

/** What a target says after each block: its size, its state root, and what the executor did. */
export interface BlockReport {
  readonly number: number;
  readonly txs: number;
  /** 16 hex digits (parabench's multiset root), or "" for a target that does not compute one. */
  readonly stateRoot: string;
  readonly stats: BlockReportStats;
}

/** What an executor did for a block (and, summed, for a run). */
export interface BlockReportStats {
  /** Transaction executions, re-executions included. */
  readonly executions: number;
  readonly reexecutions: number;
  readonly validations: number;
  /** Incarnations aborted by validation (Block-STM). */
  readonly aborts: number;
  /** Waits on another transaction: dependencies (Block-STM), cross-shard waits (sharded). */
  readonly waits: number;
  /** Transactions run through the cross-shard protocol (sharded). */
  readonly crossShard: number;
  /** Blocks run on the sequential path instead (a shared region would have overflowed). */
  readonly fallbacks: number;
  /** Time spent executing blocks, in milliseconds; of which preparing them and committing them on the main thread. */
  readonly execMs: number;
  readonly prepareMs: number;
  readonly commitMs: number;
}

/** A block as a target executed it, kept to be checked against sequential execution. */
export interface RecordedBlock {
  readonly block: Block;
  readonly outcomes: readonly TxOutcome[];
  readonly stateRoot: string;
}

/** How a target describes itself in reports. */
export interface TargetDescription {
  readonly kind: string;
  /** Where a network target was reached. */
  readonly url?: string;
  readonly executor?: string;
  readonly threads?: number;
  readonly blockSize?: number;
  readonly blockTimeMs?: number;
}

/**
 * The system under test, as the load side sees it. Deliberately small: submit must not block or
 * pace the caller (the schedule, not the target, decides when transactions are sent), and answers
 * come back through the callbacks given to open(). Extra abilities are optional interfaces below.
 */
export interface Target {
  readonly description: TargetDescription;
  open(init: TargetInit): Promise<void>;
  submit(txs: readonly Tx[]): void;
  close(): Promise<void>;
}

/** Per-run totals of what the executor did, where the target can tell. */
export interface ExecutorStats extends BlockReportStats {
  readonly blocks: number;
  readonly txs: number;
  /** The state root after the last block, when there was one. */
  readonly stateRoot?: string;
}

export interface WithExecutorStats {
  executorStats(): ExecutorStats;
}

/** The result of re-executing what the target committed on the sequential reference. */
export interface Verification {
  readonly checked: boolean;
  readonly blocks: number;
  readonly txs: number;
  /** Blocks the target executed but the check did not cover (beyond its memory budget). */
  readonly blocksSkipped: number;
  /** Every state root the target reported matched sequential execution's. */
  readonly stateRootMatches: boolean;
  /** Blocks whose state root was compared: a target that reports no roots has only its receipts checked. */
  readonly rootsCompared: number;
  readonly receiptsMatch: boolean;
  /** The first disagreement, in words, when there is one. */
  readonly mismatch?: string;
}

/**
 * What the executed blocks allowed, from their declared sets: the physical limit the executor's
 * speed-up is measured against (shared/research/parallel-execution.md §4).
 */
export interface BoundSummary {
  readonly threads: number;
  readonly blocks: number;
  readonly txs: number;
  /** W: total work, µs of declared cost (a cost of 0 counts as 1). */
  readonly work: number;
  /** Σ CP: the blocks' longest read-after-write chains. */
  readonly criticalPath: number;
  /** W/CP: the parallelism of the traffic, with unlimited threads. */
  readonly parallelism: number;
  /** S_max(T) = W / Σ max(CP, W/T): no executor on T threads can beat it. */
  readonly smax: number;
  /** S_list(T): an executor that knew every block's DAG and had no overhead (index-priority list scheduling). */
  readonly slist: number;
  /** S_lock(T): the bound for executors that schedule by declared access locks (write-after-read counts too). */
  readonly slock: number;
  /** The keys most transactions read or write, with their share of transactions, and of transactions writing them. */
  readonly hotKeys: readonly { readonly key: string; readonly share: number; readonly writeShare: number }[];
  /** The keys most often updated by commutative adds, which order nothing (a fee coinbase in delta mode, aggregators). */
  readonly deltaKeys: readonly { readonly key: string; readonly share: number }[];
}

export interface WithBlockAnalysis {
  /** The bound of the blocks executed (those kept for verification), for `threads` threads. */
  blockAnalysis(threads: number): BoundSummary;
}

export function hasBlockAnalysis(t: Target): t is Target & WithBlockAnalysis {
  return typeof (t as Partial<WithBlockAnalysis>).blockAnalysis === 'function';
}

export interface WithVerification {
  verify(): Promise<Verification>;
}

/**
 * The checks a network target's adapter runs on the blocks its receipts describe: re-execution on
 * the sequential reference, and the bound of those blocks. The CLI hands them in, so that the
 * load side need not depend on the executors.
 */
export interface RecordedBlockChecks {
  verify(genesis: GenesisSpec, blocks: readonly RecordedBlock[], blocksSkipped: number): Verification;
  bound(genesis: GenesisSpec, blocks: readonly RecordedBlock[], threads: number): BoundSummary;
}

export function hasExecutorStats(t: Target): t is Target & WithExecutorStats {
  return typeof (t as Partial<WithExecutorStats>).executorStats === 'function';
}

export function hasVerification(t: Target): t is Target & WithVerification {
  return typeof (t as Partial<WithVerification>).verify === 'function';
}

/** What a target that drives a closed loop itself asks the run for. */
export interface ClosedLoopSource {
  /** Up to `max` transactions, due now (the run counts them sent); none once the run is over. */
  next(max: number): Tx[];
  /** True once the run is over (its end reached, or interrupted): the driver stops. */
  done(): boolean;
}

/**
 * A target that drives a closed loop itself (the HTTP adapter, with autocannon): it keeps
 * `inFlight` transactions going in requests of `batch`, until the run's clock reads `untilMs`, and
 * answers through the callbacks given to open() as usual.
 */
export interface WithClosedLoopDriver {
  driveClosedLoop(source: ClosedLoopSource, options: { readonly inFlight: number; readonly batch: number; readonly untilMs: number }): Promise<void>;
}

export function hasClosedLoopDriver(t: Target): t is Target & WithClosedLoopDriver {
  return typeof (t as Partial<WithClosedLoopDriver>).driveClosedLoop === 'function';
}

/**
 * A target that prepares before the clock starts (an EVM node: accounts funded, every transaction
 * signed in advance). Handed the run's transactions in id order, and how many there are.
 */
export interface WithPrepare {
  /** Gets the run's transactions, in id order, and the genesis the workload starts from (what to deploy). */
  prepare(txs: Iterable<Tx>, count: number, genesis: GenesisSpec): Promise<void>;
}

export function hasPrepare(t: Target): t is Target & WithPrepare {
  return typeof (t as Partial<WithPrepare>).prepare === 'function';
}

/** What a real chain's blocks held during a run (an EVM target): read from the chain itself. */
export interface ChainStats {
  /** Blocks mined from the run's start to its end. */
  readonly blocks: number;
  /** Transactions in them, the run's and anyone else's (gap fillers included). */
  readonly txs: number;
  /** Of which the run's own. */
  readonly ours: number;
  readonly gasUsed: { readonly total: number; readonly meanPerBlock: number; readonly maxPerBlock: number };
  /** Each block read, in order (the first 100,000): its number, transactions (all, and the run's) and gas used. */
  readonly perBlock: readonly { readonly number: number; readonly txs: number; readonly ours: number; readonly gasUsed: number }[];
  /**
   * The run's transactions whose receipts were read (all of a small block's, a sample of a large
   * one's: `sampledBlocks`), and how many of those reverted.
   */
  readonly receipts: { readonly checked: number; readonly reverted: number; readonly sampledBlocks: number };
  /** How the prepare phase went: funding method, contracts deployed, signatures made or reused. */
  readonly prepare: { readonly funding: string; readonly setupTxs: number; readonly signed: number; readonly cached: number; readonly seconds: number };
}

export interface WithChainStats {
  chainStats(): ChainStats;
}

export function hasChainStats(t: Target): t is Target & WithChainStats {
  return typeof (t as Partial<WithChainStats>).chainStats === 'function';
}
