/**
 * Faults the target server can inject, to prove that the harness tells the truth about a target
 * that stalls, fails transactions, or drops its connections.
 */
import { Rng } from '../../core/rng.js';

export interface FaultOptions {
  /** Every this many ms, the server stops committing for `stallForMs`: nothing executes, nothing is answered. */
  readonly stallEveryMs?: number;
  readonly stallForMs?: number;
  /** This share of transactions is answered with an error instead of being executed. */
  readonly errorRate?: number;
  /** A connection is cut (no close handshake) once it has carried this many transactions. */
  readonly dropConnectionAfter?: number;
  /** Seeds the error draws, so that a test run is repeatable. */
  readonly seed?: number;
}

export const INJECTED_ERROR = 'injected error (--error-rate)';

/** The stall schedule and the error draws of one session. */
export class Faults {
  readonly options: FaultOptions;
  private readonly rng: Rng;
  private timer: NodeJS.Timeout | undefined;
  private stalled = false;
  private readonly resumers: (() => void)[] = [];

  constructor(options: FaultOptions) {
    this.options = options;
    this.rng = new Rng(options.seed ?? 1);
  }

  /** Starts the stall cycle: the first stall begins `stallEveryMs` after the session starts. */
  start(): void {
    const every = this.options.stallEveryMs;
    const length = this.options.stallForMs;
    if (!every || !length) return;
    const cycle = (): void => {
      this.timer = setTimeout(() => {
        this.stalled = true;
        this.timer = setTimeout(() => {
          this.stalled = false;
          for (const resume of this.resumers.splice(0)) resume();
          cycle();
        }, length);
      }, every - length);
    };
    cycle();
  }

  get isStalled(): boolean {
    return this.stalled;
  }

  /** Runs `f` now, or when the current stall ends. */
  whenRunning(f: () => void): void {
    if (this.stalled) this.resumers.push(f);
    else f();
  }

  /** True for a transaction that must be answered with an injected error. */
  failNext(): boolean {
    const rate = this.options.errorRate ?? 0;
    return rate > 0 && this.rng.float() < rate;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.stalled = false;
    for (const resume of this.resumers.splice(0)) resume();
  }
}
