import type { Block } from '../../core/tx.js';
import { StateLayout } from '../../ledger/index.js';
import { DenseKeys, lockDag, type CompactBlock } from '../bound/index.js';
import type { ExecutorFactory } from '../executor.js';
import { ParallelExecutor } from '../pool/parallel.js';
import { C, MODE, R, REC, type SharedMemory } from '../pool/shared.js';

/**
 * The dependency graph of a block from its declared sets, in shared memory: successors, the
 * count of unfinished predecessors per transaction, and the ready queue seeded with those that
 * have none. Transactions whose declared sets are not exact (a counter mint) are barriers: an
 * executor that schedules by declared sets cannot trust them.
 */
function prepare(mem: SharedMemory, block: Block, keys: DenseKeys): boolean {
  const txs = block.txs;
  const n = txs.length;
  const dag = lockDag(encodedBlock(mem, n, keys), (i) => mem.txExact[i] === 0);
  if (dag.preds.length > mem.succ.length) return false;
  const { predStart, preds } = dag;
  mem.succStart.fill(0, 0, n + 1);
  for (let e = 0; e < preds.length; e++) mem.succStart[preds[e]! + 1]! += 1;
  for (let i = 0; i < n; i++) mem.succStart[i + 1]! += mem.succStart[i]!;
  const fill = mem.succStart.slice(0, n);
  let ready = 0;
  for (let i = 0; i < n; i++) {
    const count = predStart[i + 1]! - predStart[i]!;
    mem.rec[i * REC + R.REMAINING] = count;
    for (let e = predStart[i]!; e < predStart[i + 1]!; e++) mem.succ[fill[preds[e]!]!++] = i;
    if (count === 0) mem.queue[ready++] = i;
  }
  mem.queue.fill(-1, ready, n);
  mem.control[C.QUEUE_HEAD] = 0;
  mem.control[C.QUEUE_TAIL] = ready;
  return true;
}

/**
 * The block's declared sets in the form the DAG builder takes, read from the shared arrays the
 * block was just encoded into (three times faster than from the transaction objects; the workers
 * wait while this runs).
 */
function encodedBlock(mem: SharedMemory, n: number, keys: DenseKeys): CompactBlock {
  const total = mem.declStart[3 * n]!;
  const slots = new Int32Array(total);
  keys.startBlock();
  for (let e = 0; e < total; e++) slots[e] = keys.of(mem.declKeys[e]!);
  const readStart = new Int32Array(n + 1);
  const writeStart = new Int32Array(n);
  const deltaStart = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    readStart[i] = mem.declStart[3 * i]!;
    writeStart[i] = mem.declStart[3 * i + 1]!;
    deltaStart[i] = mem.declStart[3 * i + 2]!;
  }
  readStart[n] = total;
  return { n, keys: keys.size, slots, readStart, writeStart, deltaStart };
}

/** Access-list (Sealevel-style): scheduling by declared read/write sets. See worker.ts. */
export const createAccessList: ExecutorFactory = (options) => {
  // The graph is built on the main thread while the workers wait: rename keys without hashing.
  const keys = new DenseKeys(new StateLayout(options.genesis).size);
  return ParallelExecutor.create(
    { name: 'access-list', mode: MODE.ACCESS_LIST, prepare: (mem, block) => prepare(mem, block, keys) },
    options,
  );
};
