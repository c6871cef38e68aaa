import type { TxOutcome } from '../../core/tx.js';
import { executorNames, registerExecutor, type ExecutorFactory } from '../../executors/index.js';
import { Ledger, State } from '../../ledger/index.js';

/**
 * A deliberately broken executor: it runs each block's transactions in reverse order, as a
 * scheduler that ignored dependencies might. Under contention its results differ from sequential
 * execution, which the verification must catch.
 */
export const reversedExecutor: ExecutorFactory = async ({ genesis }) => {
  const ledger = new Ledger(genesis);
  const state = State.fromGenesis(genesis, ledger.layout);
  return {
    name: 'reversed',
    threads: 1,
    async execute(block) {
      const outcomes: TxOutcome[] = new Array(block.txs.length);
      for (let i = block.txs.length - 1; i >= 0; i--) outcomes[i] = ledger.execute(block.txs[i]!, state);
      return { outcomes, stateRoot: state.root(), stats: { executions: block.txs.length, reexecutions: 0, validations: 0, execMs: 0 } };
    },
    async close() {},
  };
};

/** Registers `reversed` (once per process: tests in one file share the registry). */
export function registerReversed(): void {
  if (!executorNames.includes('reversed')) registerExecutor('reversed', reversedExecutor);
}

/**
 * An executor that reports no state roots, as one written in another language may not compute
 * parabench's: its results are right, and can be checked by their receipts only.
 */
export const rootlessExecutor: ExecutorFactory = async ({ genesis }) => {
  const ledger = new Ledger(genesis);
  const state = State.fromGenesis(genesis, ledger.layout);
  return {
    name: 'rootless',
    threads: 1,
    async execute(block) {
      const outcomes = block.txs.map((tx) => ledger.execute(tx, state));
      return { outcomes, stateRoot: '', stats: { executions: block.txs.length, reexecutions: 0, validations: 0, execMs: 0 } };
    },
    async close() {},
  };
};

export function registerRootless(): void {
  if (!executorNames.includes('rootless')) registerExecutor('rootless', rootlessExecutor);
}
