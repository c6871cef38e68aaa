import type { GenesisSpec } from '../../core/genesis.js';
import type { RecordedBlock, Verification } from '../../core/target.js';
import type { TxOutcome } from '../../core/tx.js';
import { Ledger, State } from '../../ledger/index.js';

export type { RecordedBlock };

/**
 * Re-executes what an executor committed, block by block from genesis, on the sequential
 * reference, and compares every outcome and every state root. Blocks are checked in order from
 * the first, so a prefix of the run is a valid check when not every block could be kept.
 */
export function verifyAgainstSequential(
  genesis: GenesisSpec,
  recorded: readonly RecordedBlock[],
  blocksSkipped: number,
): Verification {
  const ledger = new Ledger(genesis);
  const state = State.fromGenesis(genesis, ledger.layout);
  let txs = 0;
  let blocks = 0;
  let roots = 0;
  for (const { block, outcomes, stateRoot } of recorded) {
    for (let i = 0; i < block.txs.length; i++) {
      const tx = block.txs[i]!;
      const expected = ledger.execute(tx, state);
      const got = outcomes[i];
      if (got?.status !== expected.status || got.reason !== expected.reason) {
        return mismatch(blocks, txs, roots, blocksSkipped, true, `block ${block.number}, tx ${tx.id}: executor said ${describe(got)}, sequential says ${describe(expected)}`);
      }
      txs++;
    }
    // A target in another language may not compute parabench's state root: it then sends none.
    if (stateRoot !== '') {
      const root = state.root();
      if (root !== stateRoot) {
        return mismatch(blocks, txs, roots, blocksSkipped, false, `block ${block.number}: state root ${stateRoot}, sequential gives ${root}`);
      }
      roots++;
    }
    blocks++;
  }
  return { checked: true, blocks, txs, blocksSkipped, stateRootMatches: true, rootsCompared: roots, receiptsMatch: true };
}

function mismatch(blocks: number, txs: number, rootsCompared: number, blocksSkipped: number, receipts: boolean, text: string): Verification {
  return {
    checked: true,
    blocks,
    txs,
    blocksSkipped,
    // The check stops at the first disagreement, so nothing after it is known to match.
    stateRootMatches: false,
    rootsCompared,
    receiptsMatch: !receipts,
    mismatch: text,
  };
}

function describe(o: TxOutcome | undefined): string {
  if (o === undefined) return 'nothing';
  return o.reason ? `${o.status} (${o.reason})` : o.status;
}
