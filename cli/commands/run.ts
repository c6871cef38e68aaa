import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { resolveProfile, type LoadedProfile, type ProfileOverrides } from '../../core/profile/load.js';
import type { BlockReport, TargetDescription } from '../../core/target.js';
import type { Tx } from '../../core/tx.js';
import { blockFigures, executorNames } from '../../executors/index.js';
import { BLOCK_BUCKETS } from '../../metrics/catalog.js';
import { ExecutorMetrics } from '../../metrics/prom.js';
import { calibrateWork } from '../../ledger/index.js';
import { createSchedule, createWorkload, openTraceSource, run, type Schedule, type TraceSource, type Workload } from '../../loadgen/index.js';
import { buildSummary, renderTable } from '../../reports/index.js';
import type { CliEnv } from '../env.js';
import { progressPrinter } from '../progress.js';
import { checkMetricsPort, checkPushgateway, exposeMetrics, pushRunMetrics, runMetrics, type RunMetrics } from '../metrics.js';
import { createTarget } from '../targets.js';
import { version } from '../version.js';
import { DEFAULT_PROFILE, loadUserProfile, userPath } from './common.js';

export interface RunArgs extends ProfileOverrides {
  readonly profile?: string;
  /** Replay this trace instead of generating traffic. */
  readonly trace?: string;
  /** Replay speed: 2 sends the trace twice as fast. */
  readonly speed?: string;
  readonly out?: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Check the results against sequential execution after the run (on by default). */
  readonly verify: boolean;
  /** Serve live Prometheus metrics on this port (0: any free one). */
  readonly metricsPort?: number;
  readonly metricsHost: string;
  /** Push the final figures to this Pushgateway. */
  readonly pushgateway?: string;
}

interface Plan {
  readonly loaded: LoadedProfile;
  readonly workload: Workload;
  readonly schedule: Schedule;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly trace?: { readonly source: TraceSource; readonly file: string; readonly speed: number };
}

export async function runCommand(args: RunArgs, env: CliEnv): Promise<number> {
  checkMetricsPort(args.metricsPort);
  checkPushgateway(args.pushgateway);
  const interrupt = new AbortController();
  const plan = args.trace === undefined ? await profilePlan(args, env) : await tracePlan(args, args.trace, env, interrupt);
  const { profile, file } = plan.loaded;
  checkThreads(profile.target.executor, profile.target.threads, env);
  const outDir = args.out !== undefined ? userPath(env, args.out) : await freshRunDir(env, profile.name);
  await prepareOutDir(outDir, args.out ?? relative(env.cwd, outDir));

  // Calibrate before the clock starts: the first transaction must not pay for it.
  const workItersPerUs = calibrateWork();
  await plan.trace?.source.ready;
  const target = createTarget(profile.target, { verify: args.verify });
  const progress = args.quiet ? undefined : progressPrinter(env.stderr);
  const runId = basename(outDir);
  const metrics = args.metricsPort !== undefined || args.pushgateway !== undefined ? runMetrics(runId, profile.name, profile, () => target.description) : undefined;
  const exposition = metrics && args.metricsPort !== undefined ? await exposeMetrics(metrics.registry, args.metricsPort, args.metricsHost) : undefined;
  if (exposition) env.stderr.write(`metrics: ${exposition.url}\n`);
  const stopListening = env.onInterrupt(() => interrupt.abort());
  const loadAvgStart = env.host.loadAvg();

  let result;
  try {
    result = await run({
      workload: plan.workload,
      schedule: plan.schedule,
      target,
      clock: env.clock,
      warmupMs: plan.warmupMs,
      durationMs: plan.durationMs,
      timeoutMs: profile.timeout,
      maxInFlight: profile.maxInFlight,
      signal: interrupt.signal,
      ...(progress ? { onWindow: progress.onWindow } : {}),
      ...(metrics ? { metrics: metrics.load, onBlock: executorFeed(metrics, target) } : {}),
    });
  } finally {
    stopListening();
    progress?.finish();
    await exposition?.close();
  }
  // A trace that turned out corrupt halfway is bad input: its partial run is not a result.
  const traceFailure = plan.trace?.source.failure();
  if (traceFailure) {
    result.dispose();
    throw traceFailure;
  }

  const { loadAvg, ...host } = env.host;
  const summary = buildSummary({
    result,
    profile,
    file,
    target: target.description,
    workload: plan.workload.description,
    schedule: plan.schedule.description,
    machine: { ...host, loadAvgStart, loadAvgEnd: loadAvg(), workItersPerUs: Math.round(workItersPerUs * 10) / 10 },
    version,
    ...(plan.trace
      ? {
          trace: {
            file: plan.trace.file,
            speed: plan.trace.speed,
            recordedProfileHash: plan.trace.source.header.profile.hash,
            underruns: plan.trace.source.underruns(),
          },
        }
      : {}),
  });
  result.dispose();

  const summaryPath = join(outDir, 'summary.json');
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  await writeFile(summaryPath, json);
  // After the summary is safe on disk: a gateway that is down costs the push, not the run.
  if (metrics && args.pushgateway !== undefined) await pushRunMetrics(metrics, args.pushgateway, runId);
  if (args.json) env.stdout.write(json);
  else {
    const color = env.stdout.isTTY && env.env.NO_COLOR === undefined;
    env.stdout.write(renderTable(summary, { color, summaryPath: relative(env.cwd, summaryPath) }));
  }
  if (summary.verification.mismatch) {
    throw new ParabenchError('VERIFICATION_FAILED', `verification failed: ${summary.verification.mismatch}`, {
      hint: `The ${profile.target.executor} executor computed something sequential execution does not; summary.json has the details.`,
    });
  }
  if (result.aborted === 'interrupted') return ExitCode.Interrupted;
  return summary.passed ? ExitCode.Passed : ExitCode.ThresholdsFailed;
}

/** More threads than cores would measure time-slicing, not parallelism. */
export function checkThreads(executor: string, threads: number, env: CliEnv): void {
  if (executor !== 'sequential' && threads > env.host.cpus) {
    throw new ParabenchError('USAGE', `target.threads: expected at most ${env.host.cpus} (the cores of this machine), found ${threads}`, {
      hint: 'Use --threads with at most as many threads as cores; predictions for more cores come from the bound (parabench analyze).',
    });
  }
}

async function profilePlan(args: RunArgs, env: CliEnv): Promise<Plan> {
  const loaded = await loadUserProfile(env, args.profile ?? DEFAULT_PROFILE, args);
  const { profile } = loaded;
  if (args.speed !== undefined) {
    throw new ParabenchError('USAGE', '--speed: applies only when replaying a trace (--trace FILE)');
  }
  return {
    loaded,
    workload: createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize }),
    schedule: createSchedule(profile.schedule, profile.warmup + profile.duration, profile.seed),
    warmupMs: profile.warmup,
    durationMs: profile.duration,
  };
}

/** A replay: the traffic and its timing come from the trace, the rest from the profile recorded in it. */
async function tracePlan(args: RunArgs, trace: string, env: CliEnv, interrupt: AbortController): Promise<Plan> {
  const fixed = (['rate', 'duration', 'seed'] as const).filter((f) => args[f] !== undefined);
  if (args.profile !== undefined) {
    throw new ParabenchError('USAGE', `give a profile or --trace, not both: the trace carries the profile it was recorded from`);
  }
  if (fixed.length > 0) {
    throw new ParabenchError('USAGE', `${fixed.map((f) => `--${f}`).join(', ')}: the trace fixes the traffic; replay it faster or slower with --speed`);
  }
  const speed = args.speed === undefined ? 1 : Number(args.speed);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1000) {
    throw new ParabenchError('USAGE', `--speed: expected a factor above 0 (2 replays twice as fast), found ${JSON.stringify(args.speed)}`);
  }
  const source = await openTraceSource(userPath(env, trace), trace, speed, () => interrupt.abort());
  const overrides: ProfileOverrides = {
    ...(args.executor !== undefined ? { executor: args.executor } : {}),
    ...(args.threads !== undefined ? { threads: args.threads } : {}),
    ...(args.target !== undefined ? { target: args.target } : {}),
  };
  const loaded = resolveProfile(structuredClone(source.header.config), `${trace} (its recorded profile)`, { overrides, knownExecutors: executorNames });
  return {
    loaded: { ...loaded, file: trace },
    workload: source.workload,
    schedule: source.schedule,
    warmupMs: source.header.warmupMs / speed,
    durationMs: source.header.durationMs / speed,
    trace: { source, file: trace, speed },
  };
}

/**
 * The executor's side of the run's metrics, from the blocks the target reports (in process, with
 * their transactions, for the bound). Made at the first block: a network target names its
 * executor only once it has answered the hello.
 */
function executorFeed(metrics: RunMetrics, target: { readonly description: TargetDescription }): (report: BlockReport, txs?: readonly Tx[]) => void {
  let feed: ExecutorMetrics | undefined;
  return (report, txs) => {
    const d = target.description;
    feed ??= new ExecutorMetrics(metrics.registry, { executor: d.executor ?? 'unknown', threads: d.threads ?? 1, blockSizeLimit: d.blockSize ?? 0, blockBuckets: BLOCK_BUCKETS });
    feed.block(blockFigures(report, txs));
  };
}

/** reports/runs/<yyyymmdd-hhmmss>-<profile>, made unique if a run already took that second. */
async function freshRunDir(env: CliEnv, name: string): Promise<string> {
  const d = env.clock.wallNow();
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  const base = join(env.cwd, 'reports', 'runs', `${stamp}-${name}`);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    const exists = await stat(dir).then(
      () => true,
      () => false,
    );
    if (!exists) return dir;
  }
}

/** Made before the run, so a bad --out fails in a second, not after the whole run. */
async function prepareOutDir(dir: string, shown: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new ParabenchError('OUTPUT_UNWRITABLE', `cannot write the run's results to ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'Pass --out with a directory you can write to.',
    });
  }
}
