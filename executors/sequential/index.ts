import type { TxOutcome } from '../../core/tx.js';
import { Ledger, State } from '../../ledger/index.js';
import type { ExecutorFactory } from '../executor.js';

/** The reference: one transaction after another, in block order, on one thread. */
export const createSequential: ExecutorFactory = async ({ genesis }) => {
  const ledger = new Ledger(genesis);
  const state = State.fromGenesis(genesis, ledger.layout);
  return {
    name: 'sequential',
    threads: 1,
    async execute(block) {
      const t0 = performance.now();
      const outcomes: TxOutcome[] = new Array(block.txs.length);
      for (let i = 0; i < block.txs.length; i++) outcomes[i] = ledger.execute(block.txs[i]!, state);
      const execMs = performance.now() - t0;
      return {
        outcomes,
        stateRoot: state.root(),
        stats: { executions: block.txs.length, reexecutions: 0, validations: 0, execMs },
      };
    },
    async close() {},
  };
};
