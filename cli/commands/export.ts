/**
 * `parabench export k6 PROFILE --out DIR [--target URL] [--parallelism N] [--prometheus URL]`:
 * the profile as a k6 script with its transactions, k6-operator manifests and a README
 * (export/k6/). The parser's part lives here too, so that cli/app.ts only registers it.
 */
import type { Argv } from 'yargs';
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { ProfileOverrides } from '../../core/profile/load.js';
import { DEFAULT_PROMETHEUS_RW_URL, MAX_PARALLELISM, writeK6Export } from '../../export/k6/index.js';
import type { CliEnv } from '../env.js';
import { version } from '../version.js';
import { loadUserProfile, userPath } from './common.js';

export interface ExportArgs {
  readonly format: string;
  readonly profile: string;
  readonly out: string;
  /** As typed: checked here, so the message can name the flag. */
  readonly parallelism: string;
  readonly prometheus: string;
  readonly overrides: ProfileOverrides;
}

export const EXPORT_FORMATS = ['k6'] as const;

export function exportOptions(y: Argv): Argv {
  return y
    .positional('format', { type: 'string', choices: EXPORT_FORMATS, describe: 'what to export to' })
    .positional('profile', { type: 'string', demandOption: true, describe: 'profile file (YAML)' })
    .option('out', { type: 'string', demandOption: true, describe: 'directory for the script, its data, the manifests and a README' })
    .option('target', { type: 'string', describe: 'the target k6 sends to, http://… or ws://… (a parabench serve), replacing the profile\'s' })
    .option('parallelism', { type: 'string', default: '1', describe: `k6-operator runners (the TestRun's parallelism), 1 to ${MAX_PARALLELISM}` })
    .option('prometheus', { type: 'string', default: DEFAULT_PROMETHEUS_RW_URL, describe: 'the Prometheus remote-write URL the runners send their metrics to' })
    .option('rate', { type: 'string', describe: 'arrival rate, replacing the profile\'s' })
    .option('duration', { type: 'string', describe: 'measured window, replacing the profile\'s' })
    .option('seed', { type: 'string', describe: 'traffic seed, replacing the profile\'s' })
    .example('$0 export k6 profiles/default.yaml --out k6/ --target http://10.0.0.5:7070 --parallelism 4', 'then: k6 run k6/script.js, or kubectl create -f k6/k8s/ (k6/README.md)');
}

export function exportArgs(a: Record<string, unknown>): ExportArgs {
  const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
  const overrides = Object.fromEntries(
    Object.entries({ target: str(a.target), rate: str(a.rate), duration: str(a.duration), seed: str(a.seed) }).filter(([, v]) => v !== undefined),
  ) as ProfileOverrides;
  return { format: String(a.format), profile: String(a.profile), out: String(a.out), parallelism: String(a.parallelism), prometheus: String(a.prometheus), overrides };
}

export async function exportCommand(args: ExportArgs, env: CliEnv): Promise<number> {
  const parallelism = Number(args.parallelism);
  if (args.parallelism.trim() === '' || !Number.isInteger(parallelism) || parallelism < 1 || parallelism > MAX_PARALLELISM) {
    throw new ParabenchError('USAGE', `--parallelism: expected a whole number from 1 to ${MAX_PARALLELISM}, found ${JSON.stringify(args.parallelism)}`);
  }
  if (!/^https?:\/\/[^\s/]+/.test(args.prometheus)) {
    throw new ParabenchError('USAGE', `--prometheus: expected the remote-write URL of a Prometheus, such as ${DEFAULT_PROMETHEUS_RW_URL}, found ${JSON.stringify(args.prometheus)}`);
  }
  if (args.overrides.target === 'inproc') {
    throw new ParabenchError('USAGE', '--target: expected an http:// or ws:// URL k6 can reach (a parabench serve), found "inproc": an in-process executor runs inside parabench, out of k6\'s reach', {
      hint: 'Start a target with `parabench serve --executor sequential --host 0.0.0.0` and pass the URL k6 can reach it at.',
    });
  }
  const loaded = await loadUserProfile(env, args.profile, args.overrides);
  const dir = userPath(env, args.out);
  const t0 = performance.now();
  let result;
  try {
    result = await writeK6Export(dir, loaded, {
      parallelism,
      prometheusUrl: args.prometheus,
      client: `parabench ${version} (k6 export)`,
      ...(args.overrides.target === undefined ? {} : { targetFlag: args.overrides.target }),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      throw new ParabenchError('OUTPUT_UNWRITABLE', `--out ${args.out}: cannot write the export there (${code})`, { hint: 'Name a directory you can write to (it is created if need be).' });
    }
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  const { plan } = result;
  const shown = args.out.replace(/\/+$/, '') || '.';
  const lines = [
    `exported ${plan.profile} to ${shown}/: ${plan.transactions.toLocaleString('en-US')} transaction${plan.transactions === 1 ? '' : 's'} (${size(result.dataBytes)} of data) in ${seconds.toFixed(1)} s`,
    `  k6 ${plan.scenario.executor}, ${plan.scenario.preAllocatedVUs}–${plan.scenario.maxVUs} VUs, target ${plan.target}${plan.targetFromWs ? ` (HTTP on the port of ${plan.targetFromWs})` : ''}`,
    `  ${plan.thresholds.length} threshold${plan.thresholds.length === 1 ? '' : 's'} exported${plan.unmapped.length > 0 ? `; not exported: ${plan.unmapped.map((u) => `${u.metric} ${u.expr}`).join(', ')}` : ''}`,
    `  TestRun ${plan.testid}: ${plan.parallelism} runner${plan.parallelism === 1 ? '' : 's'}, files by ${result.via.kind === 'configmap' ? 'ConfigMap' : 'PersistentVolumeClaim (too large for a ConfigMap)'}`,
    `files: ${result.files.join(', ')}`,
    `run it: k6 run ${shown}/script.js · on Kubernetes: ${shown}/README.md`,
  ];
  env.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Passed;
}

const size = (bytes: number): string => (bytes >= 1e5 ? `${(bytes / 1e6).toFixed(1)} MB` : bytes >= 1000 ? `${(bytes / 1e3).toFixed(1)} kB` : `${bytes} bytes`);
