/**
 * What one block report (and, in process, the block's transactions) adds to the executor metrics:
 * the report's statistics, and W and CP of the block for the speed-up and its bound.
 */
import type { BlockReport } from '../core/target.js';
import type { Tx } from '../core/tx.js';
import type { BlockFigures } from '../metrics/prom.js';
import { workAndCriticalPath } from './bound/index.js';

export function blockFigures(report: BlockReport, txs?: readonly Tx[]): BlockFigures {
  const s = report.stats;
  const figures = { txs: report.txs, executions: s.executions, reexecutions: s.reexecutions, validations: s.validations, aborts: s.aborts, waits: s.waits, execMs: s.execMs };
  if (!txs || txs.length === 0) return figures;
  const { work, criticalPath } = workAndCriticalPath(txs);
  return { ...figures, workUs: work, criticalPathUs: criticalPath };
}
