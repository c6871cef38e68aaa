import type { GenesisSpec } from '../core/genesis.js';
import type { Block, TxOutcome } from '../core/tx.js';

/** What executing one block did, beyond its outcomes. */
export interface BlockStats {
  /** Transaction executions, re-executions included. */
  readonly executions: number;
  readonly reexecutions: number;
  readonly validations: number;
  /** Incarnations a validation aborted (Block-STM). */
  readonly aborts?: number;
  /** Times a transaction waited on another: dependencies (Block-STM), cross-shard waits (sharded). */
  readonly waits?: number;
  /** Cross-shard transactions executed through the prepare/commit protocol (sharded). */
  readonly crossShard?: number;
  /** 1 when the block ran on the sequential path instead (a shared region would have overflowed). */
  readonly fallbacks?: number;
  /** Wall time spent executing the block, in milliseconds. */
  readonly execMs: number;
  /** Of which: encoding and scheduling before the workers start, and committing after they finish. */
  readonly prepareMs?: number;
  readonly commitMs?: number;
}

export interface BlockResult {
  /** One per transaction, in block order. */
  readonly outcomes: readonly TxOutcome[];
  /** The state root after the block. */
  readonly stateRoot: string;
  readonly stats: BlockStats;
}

/**
 * A block executor. Every executor runs the same state machine (`ledger/`) from the same genesis;
 * they differ only in how they schedule transactions, so their outcomes and roots must agree.
 */
export interface Executor {
  readonly name: string;
  readonly threads: number;
  execute(block: Block): Promise<BlockResult>;
  close(): Promise<void>;
}

export interface ExecutorOptions {
  readonly genesis: GenesisSpec;
  readonly threads: number;
  /** Most transactions in a block: parallel executors size their shared memory for it. */
  readonly maxBlockSize?: number;
  /**
   * Fault injection, for tests that prove the verification catches a broken executor:
   * 'skip-validation' makes Block-STM accept every speculative execution unchecked.
   */
  readonly fault?: 'skip-validation';
}

export type ExecutorFactory = (options: ExecutorOptions) => Promise<Executor>;
