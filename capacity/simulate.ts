import type { Tx } from '../core/tx.js';
import { compact, listSchedule, lockDag, mvDag, type Dag, type DagKind } from '../executors/bound/index.js';

/**
 * An executor on T virtual cores, simulated from measured costs: each block's dependency DAG
 * (from declared sets) list-scheduled on T workers, plus the executor's own overheads. Unlike the
 * USL it needs no measurement above T=1, only the blocks and a calibrated cost model.
 */

export interface CostModel {
  /** The work of one transaction, in µs. */
  perTxUs(tx: Tx): number;
  /** Executor machinery per transaction (dispatch, validation, bookkeeping), added to each cost. */
  readonly overheadPerTxUs: number;
  /** Serial per-block cost (sealing, dispatch, commit), added to each block's makespan. */
  readonly overheadPerBlockUs: number;
}

export interface CalibratedCostModel extends CostModel {
  /** Whether a per-block part could be separated from the per-transaction one. */
  readonly split: 'per-tx' | 'per-tx+per-block';
  readonly assumptions: readonly string[];
  readonly notes: readonly string[];
}

export interface SimulatedThroughput {
  readonly tps: number;
  /** Σ over blocks of (list-schedule makespan + per-block overhead). */
  readonly makespanUs: number;
  readonly txs: number;
}

/** Declared synthetic cost, with 0 counting as 1 µs as the bound does, so a free tx still occupies a worker. */
export const declaredCostUs = (tx: Tx): number => (tx.costUs > 0 ? tx.costUs : 1);

export function simulationAssumptions(dag: DagKind): readonly string[] {
  return [
    'dependencies are exactly the declared read/write/delta sets (undeclared accesses are not modelled)',
    dag === 'mv'
      ? 'multi-version DAG (read-after-write only): the executor reaches the ideal index-priority list schedule, with no aborts or re-executions beyond what the calibrated overhead holds'
      : 'lock DAG (also write-after-read, write-after-write; adds vs reads/writes), with a transaction whose declared sets are not exact as a barrier, as the access-list executor does',
    'a worker takes the lowest-indexed ready transaction whenever it is free (index-priority list scheduling)',
    'no contention beyond the DAG: no memory bandwidth, cache, allocator, GC or lock-contention effects',
    'per-transaction and per-block overheads are constant in T; the per-block part is serial',
    'T virtual cores are T real cores (no SMT, no oversubscription)',
    'blocks run one after another (no pipelining across blocks)',
  ];
}

// Built once per block and kind: a capacity sweep schedules the same blocks at many thread counts.
const dags = new WeakMap<readonly Tx[], Partial<Record<DagKind, Dag>>>();

function dagOf(txs: readonly Tx[], kind: DagKind): Dag {
  let cached = dags.get(txs);
  if (!cached) dags.set(txs, (cached = {}));
  const hit = cached[kind];
  if (hit) return hit;
  const block = compact(txs);
  const built = kind === 'mv' ? mvDag(block) : lockDag(block, (i) => !txs[i]!.exact);
  cached[kind] = built;
  return built;
}

export function simulateThroughput(
  blocks: readonly (readonly Tx[])[],
  model: CostModel,
  threads: number,
  dag: DagKind,
): SimulatedThroughput {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`simulate: threads must be a positive integer, got ${threads}`);
  let makespanUs = 0;
  let txs = 0;
  for (const block of blocks) {
    const cost = new Float64Array(block.length);
    for (let i = 0; i < block.length; i++) {
      const c = model.perTxUs(block[i]!) + model.overheadPerTxUs;
      // A non-positive duration has no meaning on a worker; refusing beats scheduling nonsense.
      if (!(c > 0)) throw new Error(`simulate: transaction ${block[i]!.id} costs ${c} µs with overhead; the cost model must give positive costs`);
      cost[i] = c;
    }
    makespanUs += listSchedule(dagOf(block, dag), cost, threads) + model.overheadPerBlockUs;
    txs += block.length;
  }
  if (txs === 0) throw new Error('simulate: no transactions');
  if (!(makespanUs > 0)) throw new Error(`simulate: total makespan ${makespanUs} µs is not positive`);
  return { tps: txs / (makespanUs / 1e6), makespanUs, txs };
}

export interface OneThreadMeasurement {
  readonly threads: 1;
  /** Measured throughput over these blocks. */
  readonly tps: number;
  /**
   * Block times in ms: one per block (in the order of `blocks`), which lets the overhead be split
   * into per-block and per-transaction parts; or their mean, preferred to `tps` because it
   * excludes time the executor spent waiting between blocks.
   */
  readonly blockMs?: number | readonly number[];
}

/**
 * The overheads that make the simulation at T=1 reproduce a measured T=1 run of the same blocks:
 * measured time minus declared work. With per-block times over blocks of at least two sizes,
 * excess_b = perBlock + perTx·n_b by least squares; otherwise all of it is per transaction.
 */
export function calibrateCostModel(
  blocks: readonly (readonly Tx[])[],
  measured: OneThreadMeasurement,
  perTxUs: (tx: Tx) => number = declaredCostUs,
): CalibratedCostModel {
  const sizes = blocks.map((b) => b.length);
  const work = blocks.map((b) => b.reduce((s, tx) => s + perTxUs(tx), 0));
  const txs = sizes.reduce((a, b) => a + b, 0);
  if (txs === 0) throw new Error('calibrate: no transactions');
  const totalWork = work.reduce((a, b) => a + b, 0);
  const assumptions = [
    'the measured T=1 run executed exactly these blocks',
    `each transaction's work is ${perTxUs === declaredCostUs ? 'its declared costUs (0 counting as 1 µs)' : 'the given per-transaction cost'}; everything else the run measured is executor overhead`,
    'at T=1 nothing conflicts, so costs that appear only under concurrency (aborts, re-execution, lock waits) are not in the overhead',
  ];
  const notes: string[] = [];
  let perTx: number;
  let perBlock = 0;
  let split: CalibratedCostModel['split'] = 'per-tx';

  const { blockMs } = measured;
  if (Array.isArray(blockMs) && blockMs.length !== blocks.length)
    throw new Error(`calibrate: ${blockMs.length} block times for ${blocks.length} blocks`);
  const perBlockTimes = Array.isArray(blockMs) ? (blockMs as readonly number[]) : null;
  const distinctSizes = new Set(sizes).size;

  if (perBlockTimes && distinctSizes >= 2) {
    // Ordinary least squares with intercept: excess µs of a block against its size.
    const ex = perBlockTimes.map((ms, b) => ms * 1000 - work[b]!);
    const n = blocks.length;
    const mx = sizes.reduce((a, b) => a + b, 0) / n;
    const my = ex.reduce((a, b) => a + b, 0) / n;
    let sxx = 0;
    let sxy = 0;
    for (let b = 0; b < n; b++) {
      sxx += (sizes[b]! - mx) ** 2;
      sxy += (sizes[b]! - mx) * (ex[b]! - my);
    }
    perTx = sxy / sxx;
    perBlock = my - perTx * mx;
    split = 'per-tx+per-block';
    assumptions.push(
      `overhead split by least squares over ${n} block times of ${distinctSizes} distinct sizes: block time − work = perBlock + perTx·txs`,
    );
  } else {
    let totalUs: number;
    if (perBlockTimes) {
      totalUs = perBlockTimes.reduce((a, b) => a + b, 0) * 1000;
      assumptions.push('all blocks have the same size, so per-block and per-transaction overhead cannot be told apart: all of it is counted per transaction');
    } else if (typeof blockMs === 'number') {
      totalUs = blockMs * 1000 * blocks.length;
      assumptions.push('from the mean block time: per-block and per-transaction overhead cannot be told apart, so all of it is counted per transaction');
    } else {
      if (!(measured.tps > 0)) throw new Error(`calibrate: measured throughput must be positive, got ${measured.tps}`);
      totalUs = (txs / measured.tps) * 1e6;
      assumptions.push(
        'from throughput alone: per-block and per-transaction overhead cannot be told apart, so all of it is counted per transaction (this overstates scaling if a serial per-block part exists)',
        'the measured throughput counts only executor time (no idle waiting for transactions)',
      );
    }
    perTx = (totalUs - totalWork) / txs;
  }
  if (perTx < 0) notes.push(`per-transaction overhead fitted negative (${perTx.toPrecision(3)} µs): the executor ran faster than the declared costs; reported as fitted, not clamped`);
  if (perBlock < 0) notes.push(`per-block overhead fitted negative (${perBlock.toPrecision(3)} µs); reported as fitted, not clamped`);
  return { perTxUs, overheadPerTxUs: perTx, overheadPerBlockUs: perBlock, split, assumptions, notes };
}

/**
 * The simulation's prediction at `threads` from a T=1 measurement alone: calibrate, then
 * schedule. Predicting T=2 and comparing it with a measured T=2 checks the method.
 */
export function predictFromOneThread(
  blocks: readonly (readonly Tx[])[],
  measured: OneThreadMeasurement,
  threads: number,
  dag: DagKind,
): SimulatedThroughput & { readonly model: CalibratedCostModel; readonly assumptions: readonly string[] } {
  const model = calibrateCostModel(blocks, measured);
  return { ...simulateThroughput(blocks, model, threads, dag), model, assumptions: [...simulationAssumptions(dag), ...model.assumptions] };
}
