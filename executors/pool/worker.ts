/**
 * A worker thread of the parallel executors. It attaches the shared memory once, then loops:
 * wait for the next block's generation, run the executor the block's mode names, report finished.
 * Nothing about transactions travels by message.
 */
import { parentPort } from 'node:worker_threads';
import { Ledger, setWorkCalibration } from '../../ledger/index.js';
import { runAccessList } from '../access-list/worker.js';
import { runBlockStm } from '../block-stm/worker.js';
import { runSharded } from '../sharded/worker.js';
import { OVERFLOW, statIndex, type WorkerContext, type WorkerSide } from './context.js';
import type { WorkerInit } from './pool.js';
import { C, MODE, STAT, SharedMemory, scratchTx } from './shared.js';

const sides: Record<number, WorkerSide> = {
  [MODE.BLOCK_STM]: runBlockStm,
  [MODE.ACCESS_LIST]: runAccessList,
  [MODE.SHARDED]: runSharded,
};

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
  const ctx: WorkerContext = {
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
    try {
      sides[mode]?.(ctx);
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
