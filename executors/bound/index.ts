export { analyzeBlock, BoundAccumulator, type BlockBound } from './analyze.js';
export type { BoundSummary } from '../../core/target.js';
export { buildDag, criticalPaths, finishTimes, listSchedule, type Dag, type DagKind } from './dag.js';
