import { formatDuration } from '../../core/duration.js';
import { ExitCode } from '../../core/exit-codes.js';
import { createSchedule, createWorkload } from '../../loadgen/index.js';
import type { CliEnv } from '../env.js';
import { loadUserProfile } from './common.js';

export interface ValidateArgs {
  readonly profile: string;
  readonly json: boolean;
}

/** Checks a profile without running it, and says what it would do. */
export async function validateCommand(args: ValidateArgs, env: CliEnv): Promise<number> {
  const { profile, file } = await loadUserProfile(env, args.profile);
  if (args.json) {
    env.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
    return ExitCode.Passed;
  }
  const workload = createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize });
  const schedule = createSchedule(profile.schedule, profile.warmup + profile.duration, profile.seed);
  const t = profile.target;
  const thresholds = Object.entries(profile.thresholds).flatMap(([metric, specs]) => (specs ?? []).map((s) => `${metric} ${s.threshold}${s.abortOnFail ? ` (abortOnFail${s.delayAbortEvalMs > 0 ? ` after ${s.delayAbortEvalMs} ms` : ""})` : ""}`));
  const lines = [
    `${file}: valid profile "${profile.name}"`,
    `  workload    ${workload.description}`,
    `  schedule    ${schedule.description} · ${formatDuration(profile.duration)} measured after ${formatDuration(profile.warmup)} warm-up · ${schedule.closedLoop ? 'as many transactions as the target answers' : `${schedule.total} transactions`}`,
    t.kind === 'inproc' ? `  target      ${t.kind} · ${t.executor} · ${t.threads} thread${t.threads === 1 ? '' : 's'} · blocks ≤${t.blockSize} tx / ${formatDuration(t.blockTime)}` : `  target      ${t.kind} ${t.url ?? ''} (the server chooses the executor and its blocks)`,
    `  limits      timeout ${formatDuration(profile.timeout)} · ${profile.maxInFlight} in flight · seed ${profile.seed}`,
    `  thresholds  ${thresholds.length > 0 ? thresholds.join(', ') : 'none'}`,
  ];
  env.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Passed;
}
