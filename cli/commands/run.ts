import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { ProfileOverrides } from '../../core/profile/load.js';
import { calibrateWork } from '../../ledger/index.js';
import { createSchedule, createWorkload, run } from '../../loadgen/index.js';
import { buildSummary, renderTable } from '../../reports/index.js';
import type { CliEnv } from '../env.js';
import { progressPrinter } from '../progress.js';
import { createTarget } from '../targets.js';
import { version } from '../version.js';
import { loadUserProfile, userPath } from './common.js';

export interface RunArgs extends ProfileOverrides {
  readonly profile: string;
  readonly out?: string;
  readonly json: boolean;
  readonly quiet: boolean;
}

export async function runCommand(args: RunArgs, env: CliEnv): Promise<number> {
  const { profile, file } = await loadUserProfile(env, args.profile, args);
  const outDir = args.out !== undefined ? userPath(env, args.out) : await freshRunDir(env, profile.name);
  await prepareOutDir(outDir, args.out ?? relative(env.cwd, outDir));

  // Calibrate before the clock starts: the first transaction must not pay for it.
  const workItersPerUs = calibrateWork();
  const workload = createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize });
  const schedule = createSchedule(profile.schedule, profile.warmup + profile.duration, profile.seed);
  const target = createTarget(profile.target);
  const progress = args.quiet ? undefined : progressPrinter(env.stderr);
  const interrupt = new AbortController();
  const stopListening = env.onInterrupt(() => interrupt.abort());
  const loadAvgStart = env.host.loadAvg();

  let result;
  try {
    result = await run({
      workload,
      schedule,
      target,
      clock: env.clock,
      warmupMs: profile.warmup,
      durationMs: profile.duration,
      timeoutMs: profile.timeout,
      maxInFlight: profile.maxInFlight,
      signal: interrupt.signal,
      ...(progress ? { onWindow: progress.onWindow } : {}),
    });
  } finally {
    stopListening();
    progress?.finish();
  }

  const { loadAvg, ...host } = env.host;
  const summary = buildSummary({
    result,
    profile,
    file,
    target: target.description,
    workload: workload.description,
    schedule: schedule.description,
    machine: { ...host, loadAvgStart, loadAvgEnd: loadAvg(), workItersPerUs: Math.round(workItersPerUs * 10) / 10 },
    version,
  });
  result.dispose();

  const summaryPath = join(outDir, 'summary.json');
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  await writeFile(summaryPath, json);
  if (args.json) env.stdout.write(json);
  else {
    const color = env.stdout.isTTY && env.env.NO_COLOR === undefined;
    env.stdout.write(renderTable(summary, { color, summaryPath: relative(env.cwd, summaryPath) }));
  }
  return summary.passed ? ExitCode.Passed : ExitCode.ThresholdsFailed;
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
