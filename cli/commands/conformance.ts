/**
 * `parabench conformance URL`: does a target speak the wire protocol? One row per rule, pass or
 * fail with the evidence; exit 0 when every rule holds, 99 when one does not (a gate, like a
 * threshold), 1 when the target cannot be reached.
 */
import { parseDuration } from '../../core/duration.js';
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { Tx } from '../../core/tx.js';
import { checkConformance, createWorkload, Unreachable } from '../../loadgen/index.js';
import type { CliEnv } from '../env.js';
import { recordedBlockChecks } from '../targets.js';
import { BENCH_WORKLOADS, namedWorkload } from './common.js';

export interface ConformanceArgs {
  readonly url: string;
  readonly workload: string;
  readonly txs: number;
  /** How long to wait for each answer. */
  readonly timeout: string;
  readonly json: boolean;
}

export async function conformanceCommand(args: ConformanceArgs, env: CliEnv): Promise<number> {
  if (!/^wss?:\/\/[^\s/]+/.test(args.url)) {
    throw new ParabenchError('USAGE', `URL: expected a WebSocket URL such as ws://127.0.0.1:7070/, found ${JSON.stringify(args.url)}`);
  }
  if (!(BENCH_WORKLOADS as readonly string[]).includes(args.workload)) {
    throw new ParabenchError('USAGE', `--workload: expected one of ${BENCH_WORKLOADS.join(', ')}, found ${JSON.stringify(args.workload)}`);
  }
  if (!Number.isInteger(args.txs) || args.txs < 1 || args.txs > 100_000) {
    throw new ParabenchError('USAGE', `--txs: expected a whole number from 1 to 100000, found ${JSON.stringify(args.txs)}`);
  }
  const timeoutMs = parseDuration(args.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) throw new ParabenchError('USAGE', `--timeout: expected a duration above zero such as "10s", found ${JSON.stringify(args.timeout)}`);
  // Transfers over a thousand accounts with small balances: some fail, so failure reasons are exercised too.
  const base = await namedWorkload(args.workload);
  const config = args.workload === 'transfers' ? { ...base, accounts: 1000, initialBalance: 300 } : base;
  const workload = createWorkload({ ...config, costUs: 1 }, 1, { blockSize: 1000 });
  const txs: Tx[] = Array.from({ length: args.txs }, (_, i) => workload.next(i));
  let checks;
  try {
    checks = await checkConformance({ url: args.url, genesis: workload.genesis, txs, checks: recordedBlockChecks, timeoutMs });
  } catch (e) {
    if (e instanceof Unreachable) throw new ParabenchError('TARGET_UNREACHABLE', e.message);
    throw e;
  }
  const passed = checks.every((c) => c.ok);
  if (args.json) env.stdout.write(`${JSON.stringify({ schema: 'parabench.conformance/v1', url: args.url, passed, checks }, null, 2)}\n`);
  else {
    const lines = [`parabench conformance · ${args.url} · ${workload.description} · ${args.txs} transactions`, ''];
    for (const c of checks) lines.push(`  ${c.ok ? '✓' : '✗'} ${c.name}`, `      ${c.detail}`);
    lines.push('', passed ? `  PASSED: ${checks.length} of ${checks.length} rules hold` : `  FAILED: ${checks.filter((c) => !c.ok).length} of ${checks.length} rules broken (docs/PROTOCOL.md)`);
    env.stdout.write(`${lines.join('\n')}\n`);
  }
  return passed ? ExitCode.Passed : ExitCode.ThresholdsFailed;
}
