import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ParabenchError } from '../../core/errors.js';
import { loadProfile, type LoadedProfile, type ProfileOverrides } from '../../core/profile/load.js';
import { executorNames } from '../../executors/index.js';
import type { WorkloadConfig } from '../../core/profile/schema.js';
import type { Summary } from '../../reports/index.js';
import { parseSummary } from '../../reports/summary-schema.js';
import type { CliEnv } from '../env.js';

export const DEFAULT_PROFILE = 'profiles/default.yaml';

/** A path as the user wrote it, resolved against the CLI's working directory. */
export function userPath(env: CliEnv, path: string): string {
  return isAbsolute(path) ? path : resolve(env.cwd, path);
}

/** Loads a profile the user named; messages keep the path as they wrote it. */
export async function loadUserProfile(env: CliEnv, file: string, overrides: ProfileOverrides = {}): Promise<LoadedProfile> {
  return loadProfile(file, { cwd: env.cwd, overrides, knownExecutors: executorNames });
}

/** Workloads by name: plain transfers, a mint storm, or any shipped profile's workload. */
export const BENCH_WORKLOADS = ['transfers', 'mint-storm', 'payments', 'defi', 'nft', 'dao', 'mainnet-like', 'default'] as const;

export async function namedWorkload(name: string): Promise<WorkloadConfig> {
  const shipped = new URL('../../../profiles', import.meta.url).pathname;
  const base = { accounts: 10_000, initialBalance: 1_000_000_000, sampler: { kind: 'uniform' as const }, fee: { mode: 'none' as const, amount: 1 } };
  if (name === 'transfers') {
    return { ...base, payments: { weight: 1, kinds: { transfer: 1 }, amount: { min: 1, max: 100 }, merchants: 10, merchantCredit: 'rmw', currencies: 4, corridorPopularity: 1 } };
  }
  if (name === 'mint-storm') {
    // Everyone mints from one collection's counter: a serial chain, with write sets known only by running.
    const { profile } = await loadProfile(`${shipped}/nft.yaml`);
    const nft = profile.workload.nft;
    if (!nft) throw new Error('profiles/nft.yaml has no nft section');
    return { ...base, nft: { ...nft, kinds: { 'nft-mint': 1 }, collections: 1, maxSupply: 1_000_000 } };
  }
  const { profile } = await loadProfile(`${shipped}/${name}.yaml`);
  return profile.workload;
}

/** A summary.json a user named: a missing file, broken JSON, another version or shape are exit 2. */
export async function readUserSummary(env: CliEnv, file: string, flag?: string): Promise<Summary> {
  const what = flag ? `${flag}: ${file}` : file;
  let text: string;
  try {
    text = await readFile(userPath(env, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ParabenchError('USAGE', `${what}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a summary.json' : `cannot read it (${code ?? (e as Error).message})`}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ParabenchError('USAGE', `${what}: not JSON (${(e as Error).message}); expected a summary.json written by parabench run`);
  }
  const summary = parseSummary(value);
  if ('error' in summary) throw new ParabenchError('USAGE', `${what}: ${summary.error}`);
  return summary;
}
