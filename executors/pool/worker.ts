/**
 * A worker thread of the parallel executors. It attaches the shared memory once, then loops:
 * wait for the next block's generation, run the executor the block's mode names, report finished.
 * Nothing about transactions travels by message.
 */
import { parentPort } from 'node:worker_threads';
import { Ledger, setWorkCalibration, StateRoot } from '../../ledger/index.js';
import { runAccessList } from '../access-list/worker.js';
import { runBlockStm } from '../block-stm/worker.js';
import { runSharded } from '../sharded/worker.js';
import { commitVersions } from '../block-stm/worker.js';
import { barrier, DirectView, OVERFLOW, statIndex, type WorkerContext, type WorkerSide } from './context.js';
import type { WorkerInit } from './pool.js';
import { C, MODE, STAT, SharedMemory, scratchTx } from './shared.js';

const sides: Record<number, WorkerSide> = {
  [MODE.BLOCK_STM]: runBlockStm,
  [MODE.ACCESS_LIST]: runAccessList,
  [MODE.SHARDED]: runSharded,
};

/**
 * The commit phase, after every worker finished the block: each worker brings its share of the
 * results into the shared state (Block-STM: its slice of the keys written, from multi-version
 * memory) and works out the state root's change over the keys it wrote first. The main thread only
 * adds the workers' changes up: nothing per key is left on its critical path.
 */
function commitShare(ctx: WorkerContext, mode: number, local: Float64Array): void {
  barrier(ctx);
  if (Atomics.load(ctx.mem.control, C.ABORT) !== 0) return;
  if (mode === MODE.BLOCK_STM) commitVersions(ctx);
  const root = new StateRoot();
  ctx.direct.rootChange(root);
  const [a, b] = root.lanes();
  local[STAT.ROOT_A] = a;
  local[STAT.ROOT_B] = b;
}

const port = parentPort;
if (!port) throw new Error('executors/pool/worker.js runs as a worker thread');

port.once('message', (init: WorkerInit) => {
  const mem = new SharedMemory(init.buffers);
  setWorkCalibration(init.itersPerUs);
  const ledger = new Ledger(init.genesis);
  const control = mem.control;
  const scratch = scratchTx();
  // Statistics are counted locally and published once a block: a shared write per event would cost more than the event.
  const local = new Float64Array(STAT.SIZE);
  const direct = new DirectView(mem, init.index);
  const ctx: WorkerContext = {
    direct,
    mem,
    ledger,
    index: init.index,
    workers: control[C.WORKERS]!,
    tx(i) {
      return mem.decodeInto(i, scratch);
    },
    count(stat, by = 1) {
      local[stat]! += by;
    },
  };
  let generation = Atomics.load(control, C.GENERATION);
  port.postMessage({ type: 'ready' });
  for (;;) {
    Atomics.wait(control, C.GENERATION, generation);
    generation = Atomics.load(control, C.GENERATION);
    const mode = Atomics.load(control, C.MODE);
    if (mode === MODE.EXIT) return;
    local.fill(0);
    direct.begin();
    try {
      sides[mode]?.(ctx);
      commitShare(ctx, mode, local);
    } catch (e) {
      Atomics.store(control, C.ABORT, 1);
      Atomics.notify(control, C.WAKE);
      // A full region is not an error: the main thread redoes the block on the sequential path.
      if (e !== OVERFLOW) port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
    for (let s = 0; s < STAT.SIZE; s++) mem.stats[statIndex(init.index, s)] = local[s]!;
    Atomics.add(control, C.FINISHED, 1);
    Atomics.notify(control, C.FINISHED);
  }
});
