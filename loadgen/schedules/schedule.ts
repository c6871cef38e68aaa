/**
 * When each transaction is due, in milliseconds from the start of the run. Intended times never
 * decrease with the id, and latency is measured from them. Schedules may keep state, so ids are
 * asked for in increasing order (the same id again is fine).
 */
export interface Schedule {
  /** Transactions over the whole run, warm-up included (Infinity for a closed loop: the target decides). */
  readonly total: number;
  readonly description: string;
  intendedMs(id: number): number;
  /** The rate the schedule offers at a moment, tx/s (a Poisson schedule gives its mean). */
  rateAt(ms: number): number;
  /** Set for a closed loop: no intended times, a number of transactions kept in flight instead. */
  readonly closedLoop?: { readonly inFlight: number; readonly batch: number };
}
