export type { Executor, ExecutorFactory, ExecutorOptions, BlockResult, BlockStats } from './executor.js';
export { createExecutor, executorNames, registerExecutor } from './registry.js';
export { InprocTarget, type InprocOptions } from './inproc/inproc-target.js';
export { verifyAgainstSequential, type RecordedBlock } from './inproc/oracle.js';
export { BoundAccumulator } from './bound/index.js';
export { TargetServer, type ServerOptions } from './server/server.js';
export type { FaultOptions } from './server/faults.js';
export { blockFigures } from './metrics.js';
