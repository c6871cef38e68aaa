import type { ExecutorFactory } from '../executor.js';
import { ParallelExecutor } from '../pool/parallel.js';
import { MODE } from '../pool/shared.js';

/** Block-STM: optimistic execution over multi-version memory, validation, re-execution. See worker.ts. */
export const createBlockStm: ExecutorFactory = (options) =>
  ParallelExecutor.create({ name: 'block-stm', mode: MODE.BLOCK_STM, prepare: () => true }, options);
