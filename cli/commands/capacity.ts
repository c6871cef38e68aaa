/**
 * `parabench capacity PROFILE`: the highest open-loop rate the target sustains within the
 * profile's SLO (its thresholds), the knee of latency against rate, throughput at each thread
 * count this machine has, and what more cores would bring, by two independent models side by
 * side, each checked where it can be.
 */
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { planOf, runOnce, type Plan, type RunArgs } from './run.js';
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { LoadedProfile } from '../../core/profile/load.js';
import { calibrateWork } from '../../ledger/index.js';
import { predictCapacity, type ScalingPoint } from '../../capacity/predict.js';
import { renderCapacityHtml } from '../../capacity/report.js';
import { CAPACITY_SCHEMA, renderCapacity, type CapacityResult } from '../../capacity/result.js';
import { findKnee, judgeStep, searchCapacity } from '../../capacity/search.js';
import type { Summary } from '../../reports/index.js';
import type { CliEnv } from '../env.js';
import { version } from '../version.js';
import { loadUserProfile, userPath } from './common.js';

export interface CapacityArgs {
  readonly profile: string;
  readonly target?: string;
  readonly executor?: string;
  readonly maxThreads?: number;
  readonly maxRate?: number;
  readonly out?: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** "html": also write capacity.html beside capacity.json. */
  readonly report?: string;
}

/** The SLO a search is judged by: the profile's latency thresholds and its rate-like ones. */
function sloOf(loaded: LoadedProfile): string[] {
  const slo: string[] = [];
  for (const [metric, specs] of Object.entries(loaded.profile.thresholds)) {
    for (const s of specs ?? []) if (metric === 'latency' || metric === 'tps' || /^rate|^avg/.test(s.threshold) || metric === 'dropped') slo.push(`${metric} ${s.threshold}`);
  }
  return slo;
}

export async function capacityCommand(args: CapacityArgs, env: CliEnv): Promise<number> {
  if (args.report !== undefined && args.report !== 'html') throw new ParabenchError('USAGE', `--report: expected html, found ${JSON.stringify(args.report)}`);
  const cores = env.host.cpus;
  const maxThreads = args.maxThreads ?? cores;
  if (!Number.isInteger(maxThreads) || maxThreads < 1 || maxThreads > cores) {
    throw new ParabenchError('USAGE', `--max-threads: expected a whole number from 1 to ${cores} (the cores of this machine), found ${JSON.stringify(args.maxThreads)}`, {
      hint: 'Thread counts beyond the machine are what the predictions are for: they are printed up to 64.',
    });
  }
  const loaded = await loadUserProfile(env, args.profile, { ...(args.target !== undefined ? { target: args.target } : {}), ...(args.executor !== undefined ? { executor: args.executor } : {}) });
  const slo = sloOf(loaded);
  if (slo.length === 0) {
    throw new ParabenchError('USAGE', `${args.profile}: thresholds: capacity needs an SLO, at least one latency or rate threshold (for example latency: ["p(99)<250"]); this profile has none`);
  }
  const { profile } = loaded;
  const inproc = profile.target.kind === 'inproc';
  const executor = inproc ? profile.target.executor : (profile.target.url ?? profile.target.kind);
  calibrateWork();
  const interrupt = new AbortController();
  const log = (line: string): void => {
    if (!args.quiet) env.stderr.write(`${line}\n`);
  };
  const runArgs: RunArgs = { json: false, quiet: true, verify: false, metricsHost: '127.0.0.1', allowProfileMismatch: false };
  const runPlan = async (plan: Plan, verify = false): Promise<Summary> =>
    (await runOnce({ ...runArgs, verify }, env, plan, { runId: 'capacity', workItersPerUs: 0, interrupt, metricsPort: undefined })).summary;
  const withSchedule = (schedule: LoadedProfile['profile']['schedule'], threads?: number): LoadedProfile => ({
    ...loaded,
    profile: { ...profile, schedule, target: threads === undefined ? profile.target : { ...profile.target, threads } },
  });
  const notes: string[] = [];

  // 1. The sustainable rate, and the knee.
  const start = profile.schedule.kind === 'constant-rate' || profile.schedule.kind === 'poisson' ? profile.schedule.rate : 1000;
  log(`parabench capacity · ${profile.name} · ${executor}${inproc ? ` · ${profile.target.threads} thread${profile.target.threads === 1 ? '' : 's'}` : ''} · SLO: ${slo.join(', ')}`);
  const search = await searchCapacity(async (rate) => judgeStep(rate, await runPlan(planOf(withSchedule({ kind: 'constant-rate', rate })))), {
    start,
    resolution: 0.05,
    maxRate: args.maxRate ?? 1_000_000,
    minRate: 10,
    confirmFailures: true,
    onStep: (s, i) => log(`  step ${i + 1}: ${s.rate} tx/s → ${s.passed ? 'pass' : 'FAIL'} · committed ${Math.round(s.tps)} tx/s · p99 ${s.p99 ?? '–'} ms${s.passed ? (s.retried ? ` · passed when run again (the first run: ${s.retried.join('; ')})` : '') : ` · ${s.reasons.join('; ')}`}`),
  });
  const knee = findKnee(search.steps);

  // 2. Thread scaling: the most each thread count commits, in a closed loop (in process only).
  const scaling: ScalingPoint[] = [];
  if (inproc) {
    const inFlight = Math.max(2 * profile.target.blockSize, 1000);
    for (let t = 1; t <= maxThreads; t++) {
      for (let r = 0; r < 2; r++) {
        // The most threads' first run is re-executed sequentially: the figures are of a correct executor.
        const verified = t === maxThreads && r === 0;
        const s = await runPlan(planOf(withSchedule({ kind: 'closed-loop', inFlight, batch: 100 }, t)), verified);
        if (verified) {
          const v = s.verification;
          if (v.mismatch) throw new ParabenchError('VERIFICATION_FAILED', `verification failed at ${t} threads: ${v.mismatch}`);
          notes.push(`the ${t}-thread run was re-executed sequentially: ${v.blocks} blocks, ${v.txs} tx, receipts and state roots match; the search steps are not re-executed, to keep a capacity run within minutes`);
        }
        scaling.push({ threads: t, tps: s.tps, usPerTx: s.executor?.usPerTx ?? null, blockMs: s.executor?.meanBlockMs ?? null, txPerBlock: s.executor?.meanTxPerBlock ?? null });
        log(`  threads ${t}, run ${r + 1}: ${Math.round(s.tps)} tx/s committed (closed loop, ${inFlight} in flight)`);
      }
    }
  } else notes.push('thread scaling and predictions need the executor in process: a network target decides its own threads (parabench serve --threads)');

  // 3. Predictions beyond this machine, by two models; each checked where it can be.
  const predictions = inproc && scaling.length > 0 ? predictCapacity(loaded, scaling, [1, 2, 4, 8, 16, 32, 64]) : null;

  const result: CapacityResult = {
    schema: CAPACITY_SCHEMA,
    parabench: { version },
    profile: { name: profile.name, file: loaded.file, slo },
    target: inproc ? 'inproc' : (profile.target.url ?? profile.target.kind),
    executor,
    search: { ...search, knee },
    scaling,
    predictions,
    notes,
    machine: { cpus: cores, cpuModel: env.host.cpuModel, node: env.host.node },
  };
  const outDir = userPath(env, args.out ?? '.');
  const file = join(outDir, 'capacity.json');
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  const html = args.report === 'html' ? join(outDir, 'capacity.html') : undefined;
  if (html) await writeFile(html, await renderCapacityHtml(result));
  env.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : renderCapacity(result, relative(env.cwd, file) || file));
  if (html && !args.json) env.stdout.write(`  report: ${relative(env.cwd, html) || html}\n`);
  return ExitCode.Passed;
}

