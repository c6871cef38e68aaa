import type { GenesisSpec } from '../core/genesis.js';
import type { Block, TxOutcome } from '../core/tx.js';

/** What executing one block did, beyond its outcomes. */
export interface BlockStats {
  /** Transaction executions, re-executions included. */
  readonly executions: number;
  readonly reexecutions: number;
  readonly validations: number;
  /** Wall time spent executing the block, in milliseconds. */
  readonly execMs: number;
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
}

export type ExecutorFactory = (options: ExecutorOptions) => Promise<Executor>;
