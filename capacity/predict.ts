/**
 * What more cores would bring, by two independent methods side by side: the Universal
 * Scalability Law fitted to the measured thread counts, and a simulation of the executor on T
 * virtual cores from the blocks' dependency DAGs and the costs measured at one thread. Each comes
 * with its assumptions; the simulation is checked where this machine can check it (T=2 predicted
 * from T=1 alone, against the measured T=2).
 */
import type { LoadedProfile } from '../core/profile/load.js';
import type { Tx } from '../core/tx.js';
import { createWorkload } from '../loadgen/index.js';
import { declaredCostUs, simulateThroughput, simulationAssumptions, type CostModel } from './simulate.js';
import { fitUsl, predictUsl, type UslFit } from './usl.js';

/** One measured closed-loop run at `threads`. */
export interface ScalingPoint {
  readonly threads: number;
  /** Committed per second, end to end. */
  readonly tps: number;
  /** The executor's own figures: wall time per transaction, per block, and block size. */
  readonly usPerTx: number | null;
  readonly blockMs: number | null;
  readonly txPerBlock: number | null;
}

export interface Prediction {
  readonly threads: number;
  readonly measured: number | null;
  readonly usl: { readonly tps: number | null; readonly low: number | null; readonly high: number | null };
  readonly simulation: number;
}

export interface Predictions {
  readonly usl: Omit<UslFit, 'assumptions' | 'notes'> & { readonly assumptions: readonly string[]; readonly notes: readonly string[] };
  readonly simulation: { readonly overheadPerTxUs: number; readonly overheadPerBlockUs: number; readonly blocks: number; readonly assumptions: readonly string[] };
  readonly table: readonly Prediction[];
  /** The simulation's T=2 from T=1 alone against the measured T=2: relative error. */
  readonly check: { readonly threads: number; readonly predicted: number; readonly measured: number; readonly error: number } | null;
  /** The report in lines, for the terminal. */
  readonly lines: readonly string[];
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (n: number | null): string => (n === null ? '–' : Math.round(n).toLocaleString('en-US'));

/** The profile's own traffic, cut into full blocks: what the simulation schedules. */
function blocksOf(loaded: LoadedProfile, count: number): Tx[][] {
  const { profile } = loaded;
  const size = profile.target.blockSize;
  const workload = createWorkload(profile.workload, profile.seed, { blockSize: size });
  const blocks: Tx[][] = [];
  for (let b = 0, id = 0; b < count; b++) {
    const block: Tx[] = [];
    for (let i = 0; i < size; i++) block.push(workload.next(id++));
    blocks.push(block);
  }
  return blocks;
}

export function predictCapacity(loaded: LoadedProfile, scaling: readonly ScalingPoint[], threads: readonly number[]): Predictions {
  const at = (t: number): ScalingPoint[] => scaling.filter((p) => p.threads === t);
  const one = at(1);
  // ── the simulation, calibrated on T=1 alone ──
  const blocks = blocksOf(loaded, Math.max(5, Math.min(30, Math.floor(100_000 / loaded.profile.target.blockSize))));
  const workPerTx = mean(blocks.flat().map(declaredCostUs));
  const usPerTx1 = mean(one.map((p) => p.usPerTx ?? 0));
  const txPerBlock1 = mean(one.map((p) => p.txPerBlock ?? loaded.profile.target.blockSize));
  const e2ePerTx1 = 1e6 / mean(one.map((p) => p.tps));
  // Inside the executor, beyond the declared work: machinery that runs on every thread.
  const overheadPerTxUs = Math.max(0, usPerTx1 - workPerTx);
  // Outside it (sealing, answering, the load side): one block at a time, on one thread.
  const overheadPerBlockUs = Math.max(0, (e2ePerTx1 - usPerTx1) * txPerBlock1);
  const model: CostModel = { perTxUs: declaredCostUs, overheadPerTxUs, overheadPerBlockUs };
  const simulate = (t: number): number => simulateThroughput(blocks, model, t, 'mv').tps;
  // ── the USL, fitted to every measured thread count ──
  const fit = fitUsl(scaling.map((p) => ({ threads: p.threads, tps: p.tps })));
  const table: Prediction[] = threads.map((t) => {
    const m = at(t);
    const u = predictUsl(fit, t);
    // σ's interval may reach below 0 (superlinear scaling): no executor beats linear scaling of its
    // one-thread throughput, so that is where the band stops.
    const linear = fit.lambda * t;
    const high = u.high === null ? (u.tps === null ? null : linear) : Math.min(u.high, linear);
    return { threads: t, measured: m.length > 0 ? mean(m.map((p) => p.tps)) : null, usl: { tps: u.tps === null ? null : Math.min(u.tps, linear), low: u.low, high }, simulation: simulate(t) };
  });
  const two = at(2);
  const check = two.length > 0 ? { threads: 2, predicted: simulate(2), measured: mean(two.map((p) => p.tps)), error: simulate(2) / mean(two.map((p) => p.tps)) - 1 } : null;
  const simulationNotes = [
    ...simulationAssumptions('mv'),
    `calibrated at T=1 alone: ${workPerTx.toFixed(1)} µs of declared work a transaction, ${overheadPerTxUs.toFixed(2)} µs of executor machinery on top (parallel), ${(overheadPerBlockUs / 1000).toFixed(2)} ms a block outside the executor (serial)`,
    'Block-STM aborts and re-executions do not occur at T=1, so their cost at more threads is not in the model: optimistic for conflicting traffic',
  ];
  const lines = [
    'predictions (closed loop, committed tx/s)',
    `  threads   measured   USL (95% band)               simulation`,
    ...table.map((p) => `  ${String(p.threads).padStart(7)}   ${fmt(p.measured).padStart(8)}   ${`${fmt(p.usl.tps)} [${fmt(p.usl.low)} … ${fmt(p.usl.high)}]`.padEnd(27)}  ${fmt(p.simulation).padStart(10)}`),
    `  USL: λ ${fmt(fit.lambda)} tx/s, σ ${fit.sigma.value.toFixed(4)}${fit.sigma.low !== null ? ` [${fit.sigma.low.toFixed(4)} … ${(fit.sigma.high ?? NaN).toFixed(4)}]` : ''}, κ ${fit.identified.kappa ? fit.kappa.value.toExponential(2) : 'not identified (fixed at 0)'}`,
    ...fit.assumptions.map((a) => `    assumes: ${a}`),
    ...fit.notes.map((n) => `    note: ${n}`),
    '    note: the band stops at linear scaling of the measured T=1 throughput (N·λ): no executor does better',
    `  simulation: list scheduling of ${blocks.length} blocks of the profile's traffic on T virtual cores`,
    ...simulationNotes.map((a) => `    assumes: ${a}`),
    check
      ? `  check: the simulation predicts T=2 from T=1 alone at ${fmt(check.predicted)} tx/s; measured ${fmt(check.measured)}: error ${(check.error * 100).toFixed(1)}% (the USL needs T=2 to fit, so it cannot be checked this way here)`
      : '  check: no T=2 measurement to check against',
  ];
  return {
    usl: { ...fit, notes: [...fit.notes, 'the band stops at linear scaling of the measured T=1 throughput (N·λ): no executor does better'] },
    simulation: { overheadPerTxUs, overheadPerBlockUs, blocks: blocks.length, assumptions: simulationNotes },
    table,
    check,
    lines,
  };
}
