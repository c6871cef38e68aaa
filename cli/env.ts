import { cpus, loadavg, tmpdir } from 'node:os';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';

/** A stream the CLI writes to. */
export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
}

/** What the host machine is, for the summary. */
export interface HostInfo {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  loadAvg(): number;
}

/**
 * Everything the CLI takes from the process, in one object: tests build their own and run the
 * whole CLI in-process (argv in; exit code, stdout and stderr out), with a clock of their choosing.
 */
export interface CliEnv {
  /** Arguments after the program name. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: Output;
  readonly stderr: Output;
  readonly clock: Clock;
  readonly host: HostInfo;
  /** Where the full trace of an internal error is written. */
  readonly crashDir: string;
  /** Calls `handler` on Ctrl-C until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}

export function processEnv(): CliEnv {
  const stream = (s: NodeJS.WriteStream): Output => ({ write: (t) => void s.write(t), isTTY: s.isTTY === true });
  const cpuList = cpus();
  return {
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: stream(process.stdout),
    stderr: stream(process.stderr),
    clock: systemClock,
    host: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
      loadAvg: () => loadavg()[0] ?? 0,
    },
    crashDir: tmpdir(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
