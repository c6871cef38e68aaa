import { ParabenchError } from '../../core/errors.js';
import type { Tx } from '../../core/tx.js';
import type { Schedule } from '../schedules/index.js';
import type { Workload } from '../workloads/index.js';
import type { DecodedTx, TraceHeader } from './format.js';
import { TraceReader } from './reader.js';

/** Decoded transactions kept ahead of the sender: enough for seconds of load, a bounded amount of memory. */
const HIGH_WATER = 100_000;
const LOW_WATER = 50_000;

/** A trace replayed: its transactions as the workload, their recorded times (scaled by speed) as the schedule. */
export interface TraceSource {
  readonly header: TraceHeader;
  readonly schedule: Schedule;
  readonly workload: Workload;
  /** Times the sender found its next transaction not read yet (the disk fell behind). */
  underruns(): number;
  /** What stopped the reading, if something did. */
  failure(): ParabenchError | undefined;
  /** Resolves when the whole trace has been read (or reading failed). */
  readonly done: Promise<void>;
  /** Resolves once enough is read ahead to start sending (or reading ended). */
  readonly ready: Promise<void>;
}

export async function openTraceSource(
  path: string,
  shown: string,
  speed: number,
  onFailure: (e: ParabenchError) => void = () => {},
): Promise<TraceSource> {
  const reader = await TraceReader.open(path, shown);
  const header = reader.header;
  let items: DecodedTx[] = [];
  let base = 0; // id of items[0]
  let underruns = 0;
  let failure: ParabenchError | undefined;
  let wake: (() => void) | undefined;
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (signalReady = resolve));

  const done = (async () => {
    try {
      for await (const batch of reader.batches()) {
        for (const d of batch) items.push(d);
        if (items.length >= Math.min(header.count, LOW_WATER)) signalReady();
        while (items.length > HIGH_WATER) await new Promise<void>((resolve) => (wake = resolve));
      }
    } catch (e) {
      failure = e instanceof ParabenchError ? e : new ParabenchError('TRACE_INVALID', `${shown}: ${(e as Error).message}`);
      onFailure(failure);
    } finally {
      signalReady();
    }
  })();

  const at = (id: number): DecodedTx | undefined => items[id - base];
  /** Forgets what the sender has taken, and lets the reader refill. */
  const release = (id: number): void => {
    const used = id - base;
    if (used >= 8192) {
      items = items.slice(used);
      base = id;
    }
    if (wake && items.length < LOW_WATER) {
      wake();
      wake = undefined;
    }
  };

  const schedule: Schedule = {
    total: header.count,
    description: `trace ${shown}${speed === 1 ? '' : ` at ${speed}× speed`}`,
    intendedMs(id) {
      const d = at(id);
      if (d === undefined) {
        if (id < header.count) underruns++;
        return Infinity;
      }
      return d.intendedUs / 1000 / speed;
    },
    rateAt: () => 0,
  };
  const workload: Workload = {
    genesis: header.genesis,
    description: `${header.workload ?? header.profile.name} (replayed, ${header.count} tx)`,
    next(id): Tx {
      const d = at(id);
      if (d === undefined) throw new Error(`trace transaction ${id} asked for before it was read`);
      release(id);
      return d.tx;
    },
  };
  return { header, schedule, workload, underruns: () => underruns, failure: () => failure, done, ready };
}
