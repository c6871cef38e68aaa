/**
 * `parabench bench executors`: every executor on the same blocks, side by side in one run, against
 * the bound of those blocks. It measures the cores it actually got (process CPU time / wall time)
 * and says so when a parallel result was taken on fewer cores than threads, instead of passing
 * time-slicing off as the executor's speed-up.
 */
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { Block, Tx } from '../../core/tx.js';
import { BoundAccumulator } from '../../executors/bound/index.js';
import { createExecutor, executorNames, type Executor } from '../../executors/index.js';
import { calibrateWork, StateLayout } from '../../ledger/index.js';
import { createWorkload } from '../../loadgen/index.js';
import type { CliEnv } from '../env.js';
import { BENCH_WORKLOADS, namedWorkload } from './common.js';
import { checkThreads } from './run.js';

export { BENCH_WORKLOADS };

export interface BenchExecutorsArgs {
  readonly workload: string;
  readonly accounts?: number;
  readonly blockSize: number;
  readonly costUs?: number;
  readonly threads: number;
  readonly blocks: number;
  readonly executors?: readonly string[];
  readonly json: boolean;
}

const WARMUP_BLOCKS = 2;

export async function benchExecutorsCommand(args: BenchExecutorsArgs, env: CliEnv): Promise<number> {
  if (!(BENCH_WORKLOADS as readonly string[]).includes(args.workload)) {
    throw new ParabenchError('USAGE', `--workload: expected one of ${BENCH_WORKLOADS.join(', ')}, found ${JSON.stringify(args.workload)}`);
  }
  const integer = (flag: string, value: number | undefined, min: number, max: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new ParabenchError('USAGE', `${flag}: expected a whole number from ${min} to ${max}, found ${JSON.stringify(value)}`);
    }
  };
  integer('--threads', args.threads, 1, 256);
  integer('--block-size', args.blockSize, 1, 1_000_000);
  integer('--blocks', args.blocks, 1, 10_000);
  integer('--accounts', args.accounts, 2, 10_000_000);
  if (args.costUs !== undefined && !(args.costUs >= 0 && args.costUs <= 1e6)) {
    throw new ParabenchError('USAGE', `--cost-us: expected a cost in µs from 0 to 1000000, found ${JSON.stringify(args.costUs)}`);
  }
  checkThreads('parallel', args.threads, env);
  const names = args.executors ?? executorNames;
  for (const n of names) {
    if (!executorNames.includes(n)) throw new ParabenchError('USAGE', `--executors: expected names among ${executorNames.join(', ')}, found ${JSON.stringify(n)}`);
  }
  if (!names.includes('sequential')) throw new ParabenchError('USAGE', '--executors: must include sequential, the reference speed-ups are measured against');

  let config = await namedWorkload(args.workload);
  if (args.accounts !== undefined) config = { ...config, accounts: args.accounts };
  if (args.costUs !== undefined) config = { ...config, costUs: args.costUs };

  calibrateWork();
  const workload = createWorkload(config, 1, { blockSize: args.blockSize });
  const B = args.blockSize;
  const total = WARMUP_BLOCKS + args.blocks;
  let id = 0;
  const blocks: Block[] = Array.from({ length: total }, (_, b) => ({ number: b + 1, txs: Array.from({ length: B }, (): Tx => workload.next(id++)) }));
  const layout = new StateLayout(workload.genesis);
  const bound = new BoundAccumulator(args.threads, (k) => layout.describe(k));
  for (const block of blocks.slice(WARMUP_BLOCKS)) bound.add(block.txs);
  const limits = bound.summary(3);

  const executors = new Map<string, Executor>();
  try {
    for (const n of names) {
      executors.set(n, await createExecutor(n, { genesis: workload.genesis, threads: n === 'sequential' ? 1 : args.threads, maxBlockSize: B }));
    }
    // Interleaved, block by block, so that the machine's mood falls on every executor alike.
    const runs = new Map(names.map((n) => [n, { ms: [] as number[], cores: [] as number[], roots: [] as string[], executions: 0, reexecutions: 0, validations: 0 }]));
    for (let b = 0; b < total; b++) {
      for (const n of names) {
        const e = executors.get(n)!;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const result = await e.execute(blocks[b]!);
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const r = runs.get(n)!;
        r.roots.push(result.stateRoot);
        if (b < WARMUP_BLOCKS) continue;
        r.ms.push(ms);
        r.cores.push((cpu.user + cpu.system) / 1000 / ms);
        r.executions += result.stats.executions;
        r.reexecutions += result.stats.reexecutions;
        r.validations += result.stats.validations;
      }
    }
    const seq = runs.get('sequential')!;
    const txs = B * args.blocks;
    const results = names.map((n) => {
      const r = runs.get(n)!;
      const threads = n === 'sequential' ? 1 : args.threads;
      const speedup = median(r.ms.map((ms, b) => (seq.ms[b] ?? ms) / ms));
      const coresUsed = median(r.cores);
      return {
        executor: n,
        threads,
        tps: Math.round(B / (median(r.ms) / 1000)),
        blockMs: round(median(r.ms), 2),
        speedup: round(speedup, 3),
        efficiency: round(speedup / limits.slist, 3),
        reexecutionsPerTx: round(r.reexecutions / txs, 4),
        validationsPerTx: round(r.validations / txs, 4),
        coresUsed: round(coresUsed, 2),
        // Fewer cores than the blocks could use: the machine was busy (or the executor waited), and
        // the figure is not a clean speed-up. Where the bound itself allows less, fewer is expected.
        representative: threads === 1 || coresUsed >= Math.min(threads, limits.slist) * 0.9,
        // No executor can beat S_max, so one that does means the bound's model does not hold for this
        // traffic: a defect in parabench, said loudly. (10% for the noise of a shared machine.)
        aboveBound: speedup > limits.smax * 1.1,
        stateRootMatches: r.roots.every((root, b) => root === seq.roots[b]),
      };
    });
    const report = {
      schema: 'parabench.bench-executors/v1',
      config: { workload: args.workload, accounts: config.accounts, blockSize: B, costUs: config.costUs ?? null, threads: args.threads, blocks: args.blocks, warmupBlocks: WARMUP_BLOCKS },
      workloadDescription: workload.description,
      machine: { cpus: env.host.cpus, cpuModel: env.host.cpuModel, node: env.host.node, loadAvg: env.host.loadAvg() },
      bound: { smax: round(limits.smax, 3), slist: round(limits.slist, 3), slock: round(limits.slock, 3), parallelism: round(limits.parallelism, 2), hotKeys: limits.hotKeys },
      results,
    };
    if (args.json) env.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else env.stdout.write(table(report));
    const wrong = results.filter((r) => !r.stateRootMatches).map((r) => r.executor);
    if (wrong.length === 0) return ExitCode.Passed;
    env.stderr.write(`parabench: state roots differ from sequential's for ${wrong.join(', ')}: ${wrong.length === 1 ? 'that executor computes' : 'those executors compute'} a different result (run it with \`parabench run --executor\` to see the first differing transaction)\n`);
    return ExitCode.Internal;
  } finally {
    await Promise.all([...executors.values()].map((e) => e.close()));
  }
}

type Report = {
  config: { workload: string; accounts: number; blockSize: number; costUs: unknown; threads: number; blocks: number };
  workloadDescription: string;
  machine: { cpus: number; loadAvg: number };
  bound: { smax: number; slist: number; slock: number; parallelism: number };
  results: { executor: string; threads: number; tps: number; blockMs: number; speedup: number; efficiency: number; reexecutionsPerTx: number; validationsPerTx: number; coresUsed: number; representative: boolean; aboveBound: boolean; stateRootMatches: boolean }[];
};

function table(r: Report): string {
  const c = r.config;
  const lines = [
    `parabench bench executors · ${c.workload} · ${c.accounts} accounts · blocks of ${c.blockSize} · ${c.costUs === null ? 'default costs' : `${String(c.costUs)} µs/tx`} · T = ${c.threads} · median of ${c.blocks} blocks`,
    `  ${r.workloadDescription} · load ${r.machine.loadAvg.toFixed(2)} on ${r.machine.cpus} cpus`,
    `  bound of these blocks: W/CP ${r.bound.parallelism.toFixed(2)} · S_max(${c.threads}) ${r.bound.smax.toFixed(2)} · S_list ${r.bound.slist.toFixed(2)} · S_lock ${r.bound.slock.toFixed(2)}`,
    '',
    `  executor       threads        tx/s   speed-up   efficiency   re-exec/tx   valid./tx   cores   roots`,
  ];
  for (const x of r.results) {
    lines.push(
      `  ${x.executor.padEnd(13)} ${String(x.threads).padStart(7)} ${x.tps.toLocaleString('en-US').padStart(11)} ${`${x.speedup.toFixed(2)}×`.padStart(10)} ${x.efficiency.toFixed(2).padStart(12)} ${x.reexecutionsPerTx.toFixed(3).padStart(12)} ${x.validationsPerTx.toFixed(2).padStart(11)} ${x.coresUsed.toFixed(2).padStart(7)}   ${x.stateRootMatches ? 'match' : 'DIFFER'}${x.representative ? '' : `  (${x.coresUsed.toFixed(2)} of ${x.threads} cores: busy machine or waiting executor; not a clean speed-up)`}${x.aboveBound ? `  (ABOVE the bound S_max ${r.bound.smax.toFixed(2)}: the bound's model does not hold here; please report it)` : ''}`,
    );
  }
  lines.push('', '  speed-up: over sequential, the same blocks in the same run; efficiency: speed-up / S_list; cores: CPU time / wall time');
  return `${lines.join('\n')}\n`;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
