/**
 * The "parabench / Executor" dashboard: how well an executor turns threads into speed-up, against
 * the bound the blocks' conflicts allow (`parabench serve`, or the executor inside `parabench run`).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { EXECUTOR_PANELS as Q, VARIABLES } from './queries.js';
import { dashboardBuilder, datasourceVariable, finish, labelVariable, section, statPanel, timeSeries } from './overview.js';

const LEGEND = '{{executor}} ({{job}})';

export function executorDashboard(): Dashboard {
  const b = dashboardBuilder(
    'parabench-executor',
    'parabench / Executor',
    'Speed-up of parallel executors against the bound of the executed blocks, and the work behind it.',
  ).variables([
    datasourceVariable(),
    labelVariable('job', 'Job', VARIABLES.job),
    labelVariable('executor', 'Executor', VARIABLES.executor),
  ]);

  section(b, 'Settings', [
    statPanel('Threads', 'short', { expr: Q.threads, legend: LEGEND }, 'Threads the executor runs on.'),
    statPanel('Block size limit', 'short', { expr: Q.blockSizeLimit, legend: LEGEND }, 'Most transactions in one block.'),
    statPanel('Transactions/s', 'reqps', { expr: Q.txRate, legend: LEGEND }, 'Transactions executed per second, now.'),
    statPanel('Efficiency', 'percentunit', { expr: Q.efficiency, legend: LEGEND }, 'Speed-up / bound, now.'),
  ]);
  section(b, 'Speed-up', [
    timeSeries('Speed-up vs bound', 'short', [
      { expr: Q.speedup, legend: `${LEGEND} speed-up` },
      { expr: Q.speedupBound, legend: `${LEGEND} bound` },
    ], 'Speed-up: work W per second of block wall time. Bound: W / Σ max(CP, W/T), what no executor on T threads can beat.'),
    timeSeries('Efficiency', 'percentunit', [{ expr: Q.efficiency, legend: LEGEND }], 'Speed-up / bound: the share of the attainable parallelism the executor achieves.'),
    timeSeries('W / CP', 'short', [{ expr: Q.workOverCriticalPath, legend: LEGEND }], 'Work over critical path: the parallelism the blocks offer with unlimited threads.'),
    timeSeries('Transactions/s executed', 'reqps', [{ expr: Q.txRate, legend: LEGEND }], 'Transactions executed per second.'),
  ]);
  section(b, 'Blocks and overheads', [
    timeSeries('Block time', 's', [
      { expr: Q.blockP50, legend: `${LEGEND} p50` },
      { expr: Q.blockP99, legend: `${LEGEND} p99` },
      { expr: Q.blockMean, legend: `${LEGEND} mean` },
    ], 'Wall time of one block in the executor.'),
    timeSeries('Re-executions per transaction', 'short', [{ expr: Q.reexecutionsPerTx, legend: LEGEND }], 'Executions thrown away and redone, per executed transaction (optimistic executors).'),
    timeSeries('Validations per transaction', 'short', [{ expr: Q.validationsPerTx, legend: LEGEND }], 'Read-set validations per executed transaction (Block-STM).'),
    timeSeries('Queue depth', 'short', [{ expr: Q.queueDepth, legend: LEGEND }], 'Transactions received and waiting for a block. Growing: the executor is the bottleneck.'),
  ]);
  return finish(b);
}
