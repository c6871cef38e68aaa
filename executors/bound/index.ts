export { analyzeBlock, BoundAccumulator, workAndCriticalPath, type BlockBound } from './analyze.js';
export type { BoundSummary } from '../../core/target.js';
export { buildDag, compact, DenseKeys, criticalPaths, finishTimes, listSchedule, lockDag, mvDag, type CompactBlock, type Dag, type DagKind } from './dag.js';
