/**
 * Access-list execution (Sealevel-style), worker side: transactions become ready when every
 * transaction their declared sets conflict with (read-after-write, write-after-write,
 * write-after-read, adds against reads and writes) has finished; workers take ready ones from a
 * shared queue and execute them directly against the shared state. The dependency graph is built
 * by the main thread from the declared sets (see index.ts).
 */
import { outcomeCode } from '../../ledger/index.js';
import type { WorkerContext } from '../pool/context.js';
import { C, R, REC, STAT } from '../pool/shared.js';

export function runAccessList(ctx: WorkerContext): void {
  const mem = ctx.mem;
  const c = mem.control;
  const n = c[C.N]!;
  const view = ctx.direct;
  let idle = 0;

  // A successor this worker made ready, run next without going through the queue: on a chain of
  // dependent transactions one worker walks the chain with its state in cache, instead of the two
  // passing every transaction (and its keys' cache lines) across.
  let next = -1;
  while (Atomics.load(c, C.ABORT) === 0) {
    let i = next;
    next = -1;
    if (i < 0) {
      if (Atomics.load(c, C.COMPLETED) >= n) break;
      // Take the next ready transaction, if there is one.
      const head = Atomics.load(c, C.QUEUE_HEAD);
      if (head >= Atomics.load(c, C.QUEUE_TAIL)) {
        if (++idle > 64) {
          const tail = Atomics.load(c, C.QUEUE_TAIL);
          if (Atomics.load(c, C.QUEUE_HEAD) >= tail && Atomics.load(c, C.COMPLETED) < n) Atomics.wait(c, C.QUEUE_TAIL, tail, 1);
          idle = 0;
        }
        continue;
      }
      if (Atomics.compareExchange(c, C.QUEUE_HEAD, head, head + 1) !== head) continue;
      idle = 0;
      // The slot is published after the tail moved: wait for its pusher to write it.
      i = Atomics.load(mem.queue, head);
      while (i < 0) i = Atomics.load(mem.queue, head);
    }

    mem.rec[i * REC + R.OUTCOME] = outcomeCode(ctx.ledger.execute(ctx.tx(i), view));
    ctx.count(STAT.EXECUTIONS);

    for (let e = mem.succStart[i]!; e < mem.succStart[i + 1]!; e++) {
      const s = mem.succ[e]!;
      if (Atomics.sub(mem.rec, s * REC + R.REMAINING, 1) === 1) {
        if (next < 0) {
          next = s;
          continue;
        }
        const slot = Atomics.add(c, C.QUEUE_TAIL, 1);
        Atomics.store(mem.queue, slot, s);
        Atomics.notify(c, C.QUEUE_TAIL, 1);
      }
    }
    if (Atomics.add(c, C.COMPLETED, 1) + 1 === n) Atomics.notify(c, C.QUEUE_TAIL);
  }
}
