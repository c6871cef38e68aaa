import { isAbsolute, resolve } from 'node:path';
import { loadProfile, type LoadedProfile, type ProfileOverrides } from '../../core/profile/load.js';
import { executorNames } from '../../executors/index.js';
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
