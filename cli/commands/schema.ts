import { writeFile } from 'node:fs/promises';
import { ExitCode } from '../../core/exit-codes.js';
import { profileJsonSchema } from '../../core/profile/schema.js';
import { executorNames } from '../../executors/index.js';
import { summaryJsonSchema } from '../../reports/summary-schema.js';
import type { CliEnv } from '../env.js';
import { userPath } from './common.js';

/** The profile JSON Schema for editors; `npm run gen:schema` writes profiles/schema.json with it. */
export function profileSchemaText(): string {
  return `${JSON.stringify(profileJsonSchema(executorNames), null, 2)}\n`;
}

/** The summary.json JSON Schema; `npm run gen:schema` writes reports/summary.schema.json with it. */
export function summarySchemaText(): string {
  return `${JSON.stringify(summaryJsonSchema(), null, 2)}\n`;
}

export async function schemaCommand(args: { readonly out?: string; readonly summary: boolean }, env: CliEnv): Promise<number> {
  const text = args.summary ? summarySchemaText() : profileSchemaText();
  if (args.out === undefined) env.stdout.write(text);
  else await writeFile(userPath(env, args.out), text);
  return ExitCode.Passed;
}
