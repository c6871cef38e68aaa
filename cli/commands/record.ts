import { ParabenchError } from '../../core/errors.js';
import { stat } from 'node:fs/promises';
import { ExitCode } from '../../core/exit-codes.js';
import type { ProfileOverrides } from '../../core/profile/load.js';
import { createSchedule, createWorkload, recordTrace, traceHeader } from '../../loadgen/index.js';
import type { CliEnv } from '../env.js';
import { version } from '../version.js';
import { loadUserProfile, userPath } from './common.js';

export interface RecordArgs {
  readonly profile: string;
  readonly trace: string;
  readonly overrides: ProfileOverrides;
}

/** `parabench record`: writes a profile's exact traffic, with intended send times, to a trace file. */
export async function recordCommand(args: RecordArgs, env: CliEnv): Promise<number> {
  const { profile, input } = await loadUserProfile(env, args.profile, args.overrides);
  const workload = createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize });
  const schedule = createSchedule(profile.schedule, profile.warmup + profile.duration, profile.seed);
  if (schedule.closedLoop) {
    throw new ParabenchError('USAGE', `${args.profile}: schedule.kind closed-loop has no traffic of its own: the target sets its pace, so there is nothing to record before a run`, {
      hint: 'Use an open-loop schedule (constant-rate, ramping-rate, steps, poisson, spike).',
    });
  }
  const path = userPath(env, args.trace);
  const t0 = performance.now();
  const count = await recordTrace(
    path,
    args.trace,
    traceHeader({ profile, config: input, workload, count: schedule.total, parabench: version, createdAt: env.clock.wallNow() }),
    workload,
    schedule,
  );
  const seconds = (performance.now() - t0) / 1000;
  const bytes = (await stat(path)).size;
  env.stdout.write(
    `recorded ${count} transactions to ${args.trace}: ${(bytes / 1e6).toFixed(1)} MB (${(bytes / Math.max(1, count)).toFixed(1)} B/tx), ` +
      `${Math.round(count / Math.max(seconds, 1e-9)).toLocaleString('en-US')} tx/s\n` +
      `  ${workload.description}\n  ${schedule.description} over ${(profile.warmup + profile.duration) / 1000} s · seed ${profile.seed}\n` +
      `replay it with: parabench run --trace ${args.trace}\n`,
  );
  return ExitCode.Passed;
}
