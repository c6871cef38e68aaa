/** Process exit codes: a promise to scripts and CI (DESIGN.md), so they live in one place. */
export const ExitCode = {
  /** The run finished and every threshold passed. */
  Passed: 0,
  /** Anything unexpected: an internal error, a broken invariant, an unreachable target. */
  Internal: 1,
  /** The user's input is wrong: a missing file, a bad profile, a bad flag. */
  BadInput: 2,
  /** A threshold or the baseline comparison failed (the same code as k6). */
  ThresholdsFailed: 99,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM; the partial summary was written (128 + SIGINT, as shells do). */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
