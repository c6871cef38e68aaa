/**
 * When each transaction is due, in milliseconds from the start of the run. Intended times are
 * derived from the id, never stored, and never decrease with it: latency is measured from them.
 */
export interface Schedule {
  /** Transactions over the whole run, warm-up included. */
  readonly total: number;
  /** The rate asked for, tx/s, where the schedule has one. */
  readonly requestedRate: number;
  readonly description: string;
  /** How many transactions are due by `elapsedMs` (ids 0 … n-1). */
  dueBy(elapsedMs: number): number;
  intendedMs(id: number): number;
}
