import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.js';
import { main } from '../../cli/app.js';
import type { CliEnv } from '../../cli/env.js';
import { FakeClock } from './fake-clock.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** The working directory: profiles and reports are relative to it. */
  readonly cwd: string;
  /** The clock the run uses; a FakeClock (the default) is driven until the command finishes. */
  readonly clock?: Clock;
  readonly isTTY?: boolean;
  readonly env?: Record<string, string>;
  /** Presses Ctrl-C this long (on the clock) after the command starts. */
  readonly interruptAfterMs?: number;
}

/** Runs the real CLI in-process, with argv in and exit code, stdout and stderr out. */
export async function runCli(argv: readonly string[], options: CliOptions): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const clock = options.clock ?? new FakeClock();
  const env: CliEnv = {
    argv,
    // The EVM target's signed cache stays off unless a test turns it on: tests must not write to ~/.cache.
    env: options.env ?? { PARABENCH_CACHE: 'off' },
    cwd: options.cwd,
    stdout: { write: (t) => void (stdout += t), isTTY: options.isTTY ?? false },
    stderr: { write: (t) => void (stderr += t), isTTY: options.isTTY ?? false },
    clock,
    host: { node: process.version, platform: 'test', arch: process.arch, cpus: 2, cpuModel: 'test cpu', loadAvg: () => 0.5 },
    crashDir: options.cwd,
    onInterrupt(handler) {
      const timer = options.interruptAfterMs === undefined ? undefined : clock.setTimeout(handler, options.interruptAfterMs);
      return () => timer?.cancel();
    },
  };
  const done = main(env);
  const code = clock instanceof FakeClock ? await clock.runUntil(done) : await done;
  return { code, stdout, stderr };
}

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the system's temporary directory, removed when the test process exits. */
export async function tempDir(prefix = 'parabench-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
