import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { resolveProfile, type LoadedProfile, type ProfileOverrides } from '../../core/profile/load.js';
import { hasPrepare, type BlockReport, type TargetDescription } from '../../core/target.js';
import type { Tx } from '../../core/tx.js';
import { blockFigures, executorNames } from '../../executors/index.js';
import { BLOCK_BUCKETS } from '../../metrics/catalog.js';
import { ExecutorMetrics } from '../../metrics/prom.js';
import { calibrateWork } from '../../ledger/index.js';
import { createSchedule, createWorkload, openTraceSource, run, type LiveView, type Schedule, type TraceSource, type Workload } from '../../loadgen/index.js';
import { profileHash } from '../../core/profile/hash.js';
import type { ThresholdSpec } from '../../core/profile/schema.js';
import type { ThresholdMetric } from '../../core/thresholds.js';
import { abortReason, buildSummary, metricSource, renderComparison, renderTable, runFigures, type AbortingThreshold, type RunFigures, type Summary } from '../../reports/index.js';
import type { CliEnv } from '../env.js';
import { progressPrinter } from '../progress.js';
import { checkMetricsPort, checkPushgateway, exposeMetrics, pushRunMetrics, runMetrics, type RunMetrics } from '../metrics.js';
import { createTarget } from '../targets.js';
import { version } from '../version.js';
import { DEFAULT_PROFILE, loadUserProfile, readUserSummary, userPath } from './common.js';
import { comparisonFor, parseShare } from './compare.js';
import { reportFormats, writeReports } from './report.js';

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
  /** Run this many times; the summary keeps every run's figures, for a comparison that knows noise. */
  readonly repeat?: number;
  /** Compare with this summary.json; a regression beyond the margin fails the run (exit 99). */
  readonly baseline?: string;
  readonly maxRegression?: string;
  readonly allowProfileMismatch: boolean;
  /** Report formats to write beside summary.json: html, md, junit. */
  readonly report?: string;
}

export interface Plan {
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
  const repeat = args.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new ParabenchError('USAGE', `--repeat: expected a whole number from 1 to 100, found ${JSON.stringify(args.repeat)}`);
  if (repeat > 1 && args.trace !== undefined) throw new ParabenchError('USAGE', '--repeat: not with --trace (a trace replays once); record the profile and repeat the profile instead');
  if (args.maxRegression !== undefined) parseShare('--max-regression', args.maxRegression);
  const formats = reportFormats(args.report);
  const interrupt = new AbortController();
  let plan = args.trace === undefined ? await profilePlan(args, env) : await tracePlan(args, args.trace, env, interrupt);
  const { profile, file } = plan.loaded;
  checkThreads(profile.target.executor, profile.target.threads, env);
  // The baseline is read and checked before anything runs: a wrong one fails in a second.
  const baseline = args.baseline !== undefined ? await readUserSummary(env, args.baseline, '--baseline') : undefined;
  if (baseline && !args.allowProfileMismatch && baseline.profile.hash !== profileHash(profile)) {
    throw new ParabenchError(
      'USAGE',
      `--baseline: ${args.baseline}: a summary of another profile ("${baseline.profile.name}", hash ${baseline.profile.hash.slice(0, 12)}) than this run's ("${profile.name}", hash ${profileHash(profile).slice(0, 12)}): their figures are not comparable`,
      { hint: 'Pass --allow-profile-mismatch to compare them anyway.' },
    );
  }
  const outDir = args.out !== undefined ? userPath(env, args.out) : await freshRunDir(env, profile.name);
  await prepareOutDir(outDir, args.out ?? relative(env.cwd, outDir));

  // Calibrate before the clock starts: the first transaction must not pay for it.
  const workItersPerUs = calibrateWork();
  const runId = basename(outDir);
  const figures: RunFigures[] = [];
  let summary: Summary | undefined;
  let interrupted = false;
  let metrics: RunMetrics | undefined;
  const failedRuns: number[] = [];
  for (let i = 0; i < repeat && !interrupted; i++) {
    if (i > 0) {
      plan = await profilePlan(args, env);
      if (!args.quiet) env.stderr.write(`run ${i + 1} of ${repeat}\n`);
    }
    const once = await runOnce(args, env, plan, { runId, workItersPerUs, interrupt, metricsPort: i === 0 ? args.metricsPort : undefined });
    metrics = once.metrics ?? metrics;
    interrupted = once.interrupted;
    figures.push(runFigures(once.summary));
    if (summary && !summary.passed) failedRuns.push(i);
    summary = once.summary;
    if (once.summary.verification.mismatch) break;
  }
  if (!summary) throw new Error('no run');
  // The last run's summary, with every run's figures, and the verdict of all of them.
  summary = {
    ...summary,
    passed: summary.passed && failedRuns.length === 0,
    repeats: repeat > 1 ? figures : null,
    warnings: [...summary.warnings, ...failedRuns.map((n) => `run ${n} of ${repeat} failed its thresholds or its verification (this summary is of run ${figures.length})`)],
  };
  if (baseline) {
    const comparison = comparisonFor(baseline, args.baseline ?? '', summary, 'this run', args.maxRegression, true);
    summary = { ...summary, baseline: comparison, passed: summary.passed && comparison.passed };
  }

  const summaryPath = join(outDir, 'summary.json');
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  await writeFile(summaryPath, json);
  const written = await writeReports(summary, outDir, formats);
  // After the summary is safe on disk: a gateway that is down costs the push, not the run.
  if (metrics && args.pushgateway !== undefined) await pushRunMetrics(metrics, args.pushgateway, runId);
  if (args.json) env.stdout.write(json);
  else {
    const color = env.stdout.isTTY && env.env.NO_COLOR === undefined;
    env.stdout.write(renderTable(summary, { color, summaryPath: relative(env.cwd, summaryPath) }));
    if (summary.baseline) env.stdout.write(`\n${renderComparison(summary.baseline)}`);
    for (const w of written) env.stdout.write(`  report: ${relative(env.cwd, w)}\n`);
  }
  if (summary.verification.mismatch) {
    throw new ParabenchError('VERIFICATION_FAILED', `verification failed: ${summary.verification.mismatch}`, {
      hint: `The ${profile.target.executor} executor computed something sequential execution does not; summary.json has the details.`,
    });
  }
  if (interrupted) return ExitCode.Interrupted;
  return summary.passed ? ExitCode.Passed : ExitCode.ThresholdsFailed;
}

/** Thresholds marked abortOnFail, judged after every second of the measured window. */
function abortOnFail(profile: Plan['loaded']['profile']): { abortCheck?: (view: LiveView) => string | undefined } {
  const aborting: AbortingThreshold[] = [];
  for (const [metric, specs] of Object.entries(profile.thresholds) as [ThresholdMetric, ThresholdSpec[]][]) {
    for (const s of specs) if (s.abortOnFail) aborting.push({ metric, threshold: s.threshold, delayAbortEvalMs: s.delayAbortEvalMs });
  }
  if (aborting.length === 0) return {};
  return { abortCheck: (view) => abortReason(aborting, metricSource(view), view.measuredMs) };
}

export interface OnceOptions {
  readonly runId: string;
  readonly workItersPerUs: number;
  readonly interrupt: AbortController;
  /** Metrics are served by the first run of a repeat only (one port, one registry). */
  readonly metricsPort: number | undefined;
}

/** One run of the plan: its summary (not yet written), and its metrics. */
export async function runOnce(args: RunArgs, env: CliEnv, plan: Plan, o: OnceOptions): Promise<{ summary: Summary; interrupted: boolean; metrics: RunMetrics | undefined }> {
  const { profile, file } = plan.loaded;
  await plan.trace?.source.ready;
  const target = createTarget(profile.target, { verify: args.verify, seed: profile.seed, env: env.env, ...(args.quiet ? {} : { log: (line: string) => env.stderr.write(`  ${line}\n`) }) });
  if (hasPrepare(target)) {
    // Before the clock: the target gets the very transactions the run will generate, in id order.
    const count = plan.schedule.total;
    if (!Number.isFinite(count) || plan.trace) {
      throw new ParabenchError('USAGE', `target: an ${profile.target.kind} target signs every transaction before the run: it needs an open-loop schedule of the profile's own traffic (not a closed loop, not a trace)`);
    }
    const again = createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize });
    const txs = function* (): Generator<Tx> {
      for (let i = 0; i < count; i++) yield again.next(i);
    };
    if (!args.quiet) env.stderr.write(`preparing ${profile.target.url ?? profile.target.kind}: ${count} transactions to sign\n`);
    await target.prepare(txs(), count, again.genesis);
  }
  const progress = args.quiet ? undefined : progressPrinter(env.stderr);
  const metrics = o.metricsPort !== undefined || args.pushgateway !== undefined ? runMetrics(o.runId, profile.name, profile, () => target.description) : undefined;
  const exposition = metrics && o.metricsPort !== undefined ? await exposeMetrics(metrics.registry, o.metricsPort, args.metricsHost) : undefined;
  if (exposition) env.stderr.write(`metrics: ${exposition.url}\n`);
  const stopListening = env.onInterrupt(() => o.interrupt.abort());
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
      signal: o.interrupt.signal,
      ...(progress ? { onWindow: progress.onWindow } : {}),
      ...(metrics ? { metrics: metrics.load, onBlock: executorFeed(metrics, target) } : {}),
      ...abortOnFail(profile),
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
    machine: { ...host, loadAvgStart, loadAvgEnd: loadAvg(), workItersPerUs: Math.round(o.workItersPerUs * 10) / 10 },
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
  return { summary, interrupted: result.aborted === 'interrupted', metrics };
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
  if (args.speed !== undefined) {
    throw new ParabenchError('USAGE', '--speed: applies only when replaying a trace (--trace FILE)');
  }
  return planOf(loaded);
}

/** The traffic and timing of a loaded profile. */
export function planOf(loaded: LoadedProfile): Plan {
  const { profile } = loaded;
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
