import { ExitCode } from '../../core/exit-codes.js';
import type { ProfileOverrides } from '../../core/profile/load.js';
import type { Tx } from '../../core/tx.js';
import { BoundAccumulator, type BlockBound } from '../../executors/bound/index.js';
import { StateLayout } from '../../ledger/index.js';
import { createSchedule, createWorkload, looksLikeTrace, TraceReader } from '../../loadgen/index.js';
import type { GenesisSpec } from '../../core/genesis.js';
import { ParabenchError } from '../../core/errors.js';
import type { CliEnv } from '../env.js';
import { loadUserProfile, userPath } from './common.js';

export interface AnalyzeArgs {
  readonly input: string;
  readonly overrides: ProfileOverrides;
  readonly threads: number;
  /** Most blocks to analyse (the whole traffic by default, up to a million transactions). */
  readonly blocks?: number;
  readonly json: boolean;
}

/** Default thread count: a large server's, since the point is what the traffic would allow. */
export const ANALYZE_THREADS = 16;
const MAX_TXS = 1_000_000;

/**
 * `parabench analyze`: what the traffic of a profile allows any executor, block by block, from
 * the declared read/write sets — without running anything.
 */
export async function analyzeCommand(args: AnalyzeArgs, env: CliEnv): Promise<number> {
  const input = await (await looksLikeTrace(userPath(env, args.input)) ? traceInput(args, env) : profileInput(args, env));
  const { name, file, description, blockSize, genesis } = input;
  const layout = new StateLayout(genesis);
  const acc = new BoundAccumulator(args.threads, (k) => layout.describe(k));
  const maxBlocks = args.blocks ?? Math.ceil(MAX_TXS / blockSize);
  const perBlock: (BlockBound & { index: number })[] = [];
  const t0 = performance.now();
  for await (const txs of input.blocks()) {
    perBlock.push({ index: perBlock.length, ...acc.add(txs) });
    if (perBlock.length >= maxBlocks) break;
  }
  const elapsedMs = performance.now() - t0;
  const summary = acc.summary();
  const T = args.threads;
  const blocks = perBlock.map((b) => ({
    index: b.index,
    txs: b.txs,
    work: b.work,
    criticalPath: b.criticalPath,
    parallelism: round(b.work / b.criticalPath, 2),
    smax: round(b.work / Math.max(b.criticalPath, b.work / T), 3),
    slist: round(b.work / b.listMakespan, 3),
    slock: round(b.work / Math.max(b.criticalPathLock, b.work / T), 3),
  }));

  if (args.json) {
    const out = {
      schema: 'parabench.analysis/v1',
      profile: name,
      file,
      workload: description,
      blockSize,
      ...summary,
      blocks,
    };
    env.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return ExitCode.Passed;
  }

  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const spread = (xs: number[]): string => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
    return `${at(0).toFixed(2).padStart(8)} ${at(0.5).toFixed(2).padStart(8)} ${(s[s.length - 1] ?? 0).toFixed(2).padStart(8)}`;
  };
  const lines = [
    `parabench analyze · ${name} · ${summary.blocks} blocks of ≤${blockSize} tx (${summary.txs} tx) · T = ${T}`,
    `  ${description}`,
    '',
    `  work W           ${Math.round(summary.work).toLocaleString('en-US')} µs of declared cost`,
    `  critical path    ${Math.round(summary.criticalPath).toLocaleString('en-US')} µs    W/CP ${summary.parallelism.toFixed(2)}`,
    `  S_max(${T})${' '.repeat(Math.max(1, 8 - String(T).length))}${summary.smax.toFixed(2).padStart(6)}   the bound: no executor on ${T} threads does better`,
    `  S_list(${T})${' '.repeat(Math.max(1, 7 - String(T).length))}${summary.slist.toFixed(2).padStart(6)}   a scheduler that knew the DAG, with no overhead`,
    `  S_lock(${T})${' '.repeat(Math.max(1, 7 - String(T).length))}${summary.slock.toFixed(2).padStart(6)}   the bound when scheduling by declared locks (access-list)`,
    '',
    `  per block             min   median      max`,
    `  W/CP             ${spread(blocks.map((b) => b.parallelism))}`,
    `  S_max(${T})${' '.repeat(Math.max(1, 10 - String(T).length))}${spread(blocks.map((b) => b.smax))}`,
    '',
    `  hottest keys                 share of tx   writing it`,
    ...summary.hotKeys.map((k) => `    ${k.key.padEnd(26)} ${pct(k.share).padStart(10)} ${pct(k.writeShare).padStart(12)}`),
    ...(summary.deltaKeys.length > 0
      ? ['', `  added to, without conflict   share of tx`, ...summary.deltaKeys.slice(0, 3).map((k) => `    ${k.key.padEnd(26)} ${pct(k.share).padStart(10)}`)]
      : []),
    '',
    `  (analysed in ${elapsedMs.toFixed(0)} ms)`,
  ];
  env.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Passed;
}

interface Input {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly blockSize: number;
  readonly genesis: GenesisSpec;
  blocks(): AsyncGenerator<Tx[]>;
}

async function profileInput(args: AnalyzeArgs, env: CliEnv): Promise<Input> {
  const { profile, file } = await loadUserProfile(env, args.input, args.overrides);
  const workload = createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize });
  const schedule = createSchedule(profile.schedule, profile.warmup + profile.duration, profile.seed);
  if (schedule.closedLoop) {
    throw new ParabenchError('USAGE', `${file}: schedule.kind closed-loop has no traffic of its own: the target sets its pace, so there is nothing to analyze before a run`, {
      hint: 'Use an open-loop schedule (constant-rate, ramping-rate, steps, poisson, spike).',
    });
  }
  const blockSize = profile.target.blockSize;
  return {
    name: profile.name,
    file,
    description: workload.description,
    blockSize,
    genesis: workload.genesis,
    async *blocks() {
      for (let id = 0; id < schedule.total; ) {
        const txs: Tx[] = [];
        for (; txs.length < blockSize && id < schedule.total; id++) txs.push(workload.next(id));
        yield txs;
      }
    },
  };
}

async function traceInput(args: AnalyzeArgs, env: CliEnv): Promise<Input> {
  const given = Object.keys(args.overrides);
  if (given.length > 0) throw new ParabenchError('USAGE', `${given.map((g) => `--${g}`).join(', ')}: the trace fixes the traffic`);
  const reader = await TraceReader.open(userPath(env, args.input), args.input);
  const { header } = reader;
  const blockSize = header.blockSize;
  return {
    name: header.profile.name,
    file: args.input,
    description: `${header.workload ?? header.profile.name} (from trace ${args.input}, ${header.count} tx)`,
    blockSize,
    genesis: header.genesis,
    async *blocks() {
      let txs: Tx[] = [];
      for await (const batch of reader.batches()) {
        for (const d of batch) {
          txs.push(d.tx);
          if (txs.length === blockSize) {
            yield txs;
            txs = [];
          }
        }
      }
      if (txs.length > 0) yield txs;
    },
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
