/**
 * `parabench serve`: an executor behind the wire protocol, until SIGINT or SIGTERM, which finish
 * the block in progress, answer what it committed, and close.
 */
import { parseDuration } from '../../core/duration.js';
import { ParabenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { executorNames, TargetServer, type FaultOptions } from '../../executors/index.js';
import { calibrateWork } from '../../ledger/index.js';
import { MetricsRegistry } from '../../metrics/prom.js';
import type { CliEnv } from '../env.js';
import { checkMetricsPort, exposeMetrics } from '../metrics.js';
import { checkThreads } from './run.js';

export interface ServeArgs {
  readonly executor: string;
  readonly threads: number;
  readonly host: string;
  readonly port: number;
  readonly blockSize: number;
  readonly blockTimeMs: number;
  readonly stallEvery?: string;
  readonly stallFor?: string;
  readonly errorRate?: number;
  readonly dropConnectionAfter?: number;
  readonly noop: boolean;
  /** Serve the executor's Prometheus metrics on this port. */
  readonly metricsPort?: number;
  readonly metricsHost: string;
}

export async function serveCommand(args: ServeArgs, env: CliEnv): Promise<number> {
  if (!executorNames.includes(args.executor)) {
    throw new ParabenchError('USAGE', `--executor: expected one of ${executorNames.join(', ')}, found ${JSON.stringify(args.executor)}`);
  }
  const whole = (flag: string, value: number | undefined, min: number, max: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new ParabenchError('USAGE', `${flag}: expected a whole number from ${min} to ${max}, found ${JSON.stringify(value)}`);
    }
  };
  whole('--threads', args.threads, 1, 256);
  whole('--port', args.port, 0, 65_535);
  whole('--block-size', args.blockSize, 1, 1_000_000);
  whole('--drop-connection-after', args.dropConnectionAfter, 1, Number.MAX_SAFE_INTEGER);
  if (!(args.blockTimeMs > 0)) throw new ParabenchError('USAGE', `--block-time-ms: expected a time above 0 in ms, found ${JSON.stringify(args.blockTimeMs)}`);
  if (args.errorRate !== undefined && !(args.errorRate >= 0 && args.errorRate <= 1)) {
    throw new ParabenchError('USAGE', `--error-rate: expected a share from 0 to 1 (0.01 fails 1% of transactions), found ${JSON.stringify(args.errorRate)}`);
  }
  checkMetricsPort(args.metricsPort);
  const stall = stallOptions(args);
  checkThreads(args.executor, args.threads, env);
  calibrateWork();

  const faults: FaultOptions = {
    ...stall,
    ...(args.errorRate ? { errorRate: args.errorRate } : {}),
    ...(args.dropConnectionAfter !== undefined ? { dropConnectionAfter: args.dropConnectionAfter } : {}),
  };
  const registry = args.metricsPort !== undefined ? new MetricsRegistry() : undefined;
  const exposition = registry && args.metricsPort !== undefined ? await exposeMetrics(registry, args.metricsPort, args.metricsHost) : undefined;
  let server: TargetServer;
  try {
    server = await TargetServer.start({
      executor: args.executor,
      threads: args.threads,
      blockSize: args.blockSize,
      blockTimeMs: args.blockTimeMs,
      host: args.host,
      port: args.port,
      faults,
      noop: args.noop,
      name: 'parabench serve',
      ...(registry ? { metrics: registry } : {}),
    });
  } catch (e) {
    await exposition?.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new ParabenchError('USAGE', `cannot listen on ${args.host}:${args.port}: ${code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`, {
      hint: 'Pick another --port, or --port 0 for any free one.',
    });
  }
  const injected = [
    stall.stallEveryMs ? `a ${stall.stallForMs} ms stall every ${stall.stallEveryMs} ms` : '',
    args.errorRate ? `${args.errorRate * 100}% of transactions failed` : '',
    args.dropConnectionAfter ? `connections cut after ${args.dropConnectionAfter} transactions` : '',
  ].filter((s) => s !== '');
  env.stdout.write(
    `parabench serve · ${args.noop ? 'noop: nothing executed, every transaction committed at once (run with --no-verify)' : `${args.executor} · ${args.threads} thread${args.threads === 1 ? '' : 's'} · blocks ≤${args.blockSize} tx / ${args.blockTimeMs} ms`}${injected.length > 0 ? ` · faults: ${injected.join(', ')}` : ''}\n` +
      `listening on ${server.url} (WebSocket; HTTP on the same port) — Ctrl-C stops\n`,
  );
  if (exposition) env.stdout.write(`metrics on ${exposition.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = env.onInterrupt(() => {
      stop();
      resolve();
    });
  });
  env.stderr.write('parabench serve: stopping: finishing the block in progress\n');
  await server.close();
  await exposition?.close();
  env.stderr.write('parabench serve: stopped\n');
  return ExitCode.Passed;
}

function stallOptions(args: ServeArgs): { stallEveryMs?: number; stallForMs?: number } {
  if (args.stallEvery === undefined && args.stallFor === undefined) return {};
  if (args.stallEvery === undefined || args.stallFor === undefined) {
    throw new ParabenchError('USAGE', `${args.stallEvery === undefined ? '--stall-for' : '--stall-every'}: goes with ${args.stallEvery === undefined ? '--stall-every' : '--stall-for'} (a stall of --stall-for every --stall-every)`);
  }
  const every = parseDuration(args.stallEvery);
  const length = parseDuration(args.stallFor);
  if (every === undefined || every <= 0) throw new ParabenchError('USAGE', `--stall-every: expected a duration above zero such as "5s", found ${JSON.stringify(args.stallEvery)}`);
  if (length === undefined || length <= 0 || length >= every) {
    throw new ParabenchError('USAGE', `--stall-for: expected a duration above zero and below --stall-every (${args.stallEvery}), found ${JSON.stringify(args.stallFor)}`);
  }
  return { stallEveryMs: every, stallForMs: length };
}
