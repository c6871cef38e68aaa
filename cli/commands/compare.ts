/**
 * `parabench compare BASE.json NEW.json`: per metric, the change with its confidence interval
 * from the spread of repeated runs; exit 99 when one regressed beyond the allowed margin.
 */
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { compareSummaries, renderComparison, type Comparison, type Summary } from '../../reports/index.js';
import type { CliEnv } from '../env.js';
import { readUserSummary } from './common.js';

export interface CompareArgs {
  readonly base: string;
  readonly current: string;
  /** "5%": replaces the profile's maxRegression. */
  readonly maxRegression?: string;
  readonly allowProfileMismatch: boolean;
  readonly json: boolean;
}

/** "5%" or "0.05" → 0.05. */
export function parseShare(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const v = m ? Number(m[1]) / (m[2] === '%' ? 100 : 1) : NaN;
  if (!(v >= 0 && v <= 1)) throw new ParabenchError('USAGE', `${flag}: expected a share such as "5%" (or 0.05), found ${JSON.stringify(text)}`);
  return v;
}

/** The same scenario on both sides, unless the user says otherwise. */
export function checkSameProfile(base: Summary, current: Summary, baseFile: string, allow: boolean): void {
  if (allow || base.profile.hash === current.profile.hash) return;
  throw new ParabenchError(
    'USAGE',
    `${baseFile}: a baseline of another profile ("${base.profile.name}", hash ${base.profile.hash.slice(0, 12)}) than this run's ("${current.profile.name}", hash ${current.profile.hash.slice(0, 12)}): their figures are not comparable`,
    { hint: 'Pass --allow-profile-mismatch to compare them anyway.' },
  );
}

export function comparisonFor(base: Summary, baseFile: string, current: Summary, currentFile: string, maxRegression: string | undefined, allow: boolean): Comparison {
  checkSameProfile(base, current, baseFile, allow);
  const margin = maxRegression !== undefined ? parseShare('--max-regression', maxRegression) : maxRegressionOf(current);
  return compareSummaries(base, baseFile, current, currentFile, margin);
}

function maxRegressionOf(s: Summary): number {
  const v = (s.config as { maxRegression?: unknown }).maxRegression;
  return typeof v === 'number' ? v : 0.05;
}

export async function compareCommand(args: CompareArgs, env: CliEnv): Promise<number> {
  if (args.maxRegression !== undefined) parseShare('--max-regression', args.maxRegression);
  const base = await readUserSummary(env, args.base);
  const current = await readUserSummary(env, args.current);
  const c = comparisonFor(base, args.base, current, args.current, args.maxRegression, args.allowProfileMismatch);
  env.stdout.write(args.json ? `${JSON.stringify(c, null, 2)}\n` : renderComparison(c));
  return c.passed ? ExitCode.Passed : ExitCode.ThresholdsFailed;
}
