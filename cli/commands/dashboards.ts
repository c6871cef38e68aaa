/**
 * `parabench dashboards [--out DIR]`: writes the Grafana dashboards, the Prometheus scrape config
 * and rules, and the Grafana provisioning files, all generated from code (dashboards/). Without
 * --out it rewrites the committed copies under dashboards/ (a test fails when they drift).
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { writeArtifacts } from '../../dashboards/index.js';
import type { CliEnv } from '../env.js';
import { userPath } from './common.js';

/** The repository's dashboards/ folder (from dist/cli/commands/). */
const COMMITTED = fileURLToPath(new URL('../../../dashboards/', import.meta.url));

export async function dashboardsCommand(args: { readonly out?: string }, env: CliEnv): Promise<number> {
  const dir = args.out !== undefined ? userPath(env, args.out) : COMMITTED;
  let written: string[];
  try {
    written = await writeArtifacts(dir);
  } catch (e) {
    throw new ParabenchError('OUTPUT_UNWRITABLE', `cannot write the dashboards to ${args.out ?? dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  env.stdout.write(`${written.map((f) => `wrote ${relative(env.cwd, f) || f}`).join('\n')}\n`);
  return ExitCode.Passed;
}
