/** A cancellable timer handle. */
export interface Timer {
  cancel(): void;
}

/**
 * Time as the harness sees it. Everything that schedules or timestamps takes a Clock, so tests can
 * drive a run with a fake one and every latency is measured on the same monotonic scale.
 */
export interface Clock {
  /** Monotonic milliseconds, fractional; only differences mean anything. */
  now(): number;
  /** Calendar time, for timestamps people read (report folders, summary). */
  wallNow(): Date;
  setTimeout(fn: () => void, ms: number): Timer;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => new Date(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};
