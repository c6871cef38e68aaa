/**
 * Reports of a run, from its summary.json: HTML (self-contained, charts, works offline), Markdown
 * (for $GITHUB_STEP_SUMMARY and pull requests), JUnit XML (one test case per threshold and per
 * baseline check). `parabench report SUMMARY.json --format …` and `parabench run --report …`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { renderHtml, renderJunit, renderMarkdown, type Summary } from '../../reports/index.js';
import type { CliEnv } from '../env.js';
import { readUserSummary, userPath } from './common.js';

export const REPORT_FORMATS = ['html', 'md', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The file each format is written to beside summary.json. */
const FILES: Record<ReportFormat, string> = { html: 'report.html', md: 'report.md', junit: 'junit.xml' };

/** "html,md" → ['html', 'md']; anything else is the user's to fix. */
export function reportFormats(text: string | undefined, flag = '--report'): ReportFormat[] {
  if (text === undefined) return [];
  const asked = text.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const wrong = asked.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (asked.length === 0 || wrong.length > 0) {
    throw new ParabenchError('USAGE', `${flag}: expected formats from ${REPORT_FORMATS.join(', ')} (comma-separated), found ${JSON.stringify(wrong[0] ?? text)}`);
  }
  return [...new Set(asked)] as ReportFormat[];
}

export async function render(summary: Summary, format: ReportFormat): Promise<string> {
  switch (format) {
    case 'html':
      return await renderHtml(summary);
    case 'md':
      return renderMarkdown(summary);
    case 'junit':
      return renderJunit(summary);
  }
}

/** Writes each format beside summary.json; returns the paths. */
export async function writeReports(summary: Summary, dir: string, formats: readonly ReportFormat[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of formats) {
    const path = join(dir, FILES[f]);
    await writeFile(path, await render(summary, f));
    written.push(path);
  }
  return written;
}

export interface ReportArgs {
  readonly summary: string;
  readonly format: string;
  readonly out?: string;
}

export async function reportCommand(args: ReportArgs, env: CliEnv): Promise<number> {
  const [format, ...more] = reportFormats(args.format, '--format');
  if (!format || more.length > 0) throw new ParabenchError('USAGE', `--format: expected one of ${REPORT_FORMATS.join(', ')}, found ${JSON.stringify(args.format)}`);
  const summary = await readUserSummary(env, args.summary);
  const text = await render(summary, format);
  if (args.out === undefined) env.stdout.write(text);
  else {
    try {
      await writeFile(userPath(env, args.out), text);
    } catch (e) {
      throw new ParabenchError('OUTPUT_UNWRITABLE', `--out: cannot write ${args.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return ExitCode.Passed;
}
