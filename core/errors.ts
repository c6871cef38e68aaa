import { ExitCode } from './exit-codes.js';

/**
 * Stable error codes. Scripts and tests match on these, never on wording, and each maps to
 * exactly one exit code here so that the CLI does not have to guess.
 */
const codes = {
  USAGE: ExitCode.BadInput,
  PROFILE_NOT_FOUND: ExitCode.BadInput,
  PROFILE_SYNTAX: ExitCode.BadInput,
  PROFILE_INVALID: ExitCode.BadInput,
  OUTPUT_UNWRITABLE: ExitCode.BadInput,
  TRACE_NOT_FOUND: ExitCode.BadInput,
  TRACE_INVALID: ExitCode.BadInput,
  TARGET_FAILED: ExitCode.Internal,
  /** A network target that cannot be reached or refuses the run. */
  TARGET_UNREACHABLE: ExitCode.Internal,
  /** The final metrics could not be pushed to the Pushgateway (the run itself is written). */
  PUSH_FAILED: ExitCode.Internal,
  /** The executor's results differ from sequential execution: not the user's mistake, and not a threshold. */
  VERIFICATION_FAILED: ExitCode.Internal,
  ACCOUNTING: ExitCode.Internal,
  INTERNAL: ExitCode.Internal,
} as const satisfies Record<string, ExitCode>;

export type ErrorCode = keyof typeof codes;

export interface ErrorOptions {
  /** What the user can do about it, printed under the message. */
  readonly hint?: string;
  /** Every individual problem, when there is more than one (all are reported at once). */
  readonly problems?: readonly string[];
  readonly cause?: unknown;
}

/** An error parabench expects and can explain: printed without a stack trace. */
export class ParabenchError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly problems: readonly string[];

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParabenchError';
    this.code = code;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
  }

  get exitCode(): ExitCode {
    return codes[this.code];
  }

  /** True for mistakes in what the user gave us (exit 2): these never print a stack trace. */
  get isUserError(): boolean {
    return this.exitCode === ExitCode.BadInput;
  }

  /** True when the message says all there is (a user's mistake, an unreachable target): no trace file. */
  get isExpected(): boolean {
    return this.isUserError || this.code === 'TARGET_UNREACHABLE' || this.code === 'PUSH_FAILED';
  }
}

export function isParabenchError(e: unknown): e is ParabenchError {
  return e instanceof ParabenchError;
}
