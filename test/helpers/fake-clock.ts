import type { Clock, Timer } from '../../core/clock.js';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Lets promises, microtasks and I/O callbacks that are ready run before time moves on. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Virtual time for tests: nothing happens until `advance` moves time forward, and timers fire in
 * order at exactly their due time. A 15 s run takes a fraction of a second and is deterministic.
 */
export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: Pending[] = [];

  now(): number {
    return this.t;
  }

  wallNow(): Date {
    return new Date(Date.UTC(2026, 0, 2, 3, 4, 5) + this.t);
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const timer: Pending = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: Pending | undefined;
      for (const t of this.timers) {
        if (t.at <= end && (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (next === undefined) break;
      this.t = next.at;
      this.timers.splice(this.timers.indexOf(next), 1);
      next.fn();
    }
    this.t = end;
    await settle();
  }

  /** Advances time in steps until `work` settles, and returns its result. */
  async runUntil<T>(work: Promise<T>, stepMs = 1, limitMs = 3_600_000): Promise<T> {
    let done = false;
    work.then(
      () => (done = true),
      () => (done = true),
    );
    const start = this.t;
    while (!done) {
      if (this.t - start > limitMs) throw new Error(`still not settled after ${limitMs} ms of virtual time`);
      await this.advance(stepMs);
    }
    return work;
  }
}
