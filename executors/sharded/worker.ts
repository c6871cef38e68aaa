/**
 * Sharded execution, worker side: worker s owns shard s and walks the block in order. A
 * transaction whose declared keys all live in shard s it executes alone. A cross-shard one goes
 * through a two-phase protocol: every shard involved PREPAREs (arrives at it, having executed all
 * its earlier transactions, and stops); the lowest shard involved, the coordinator, executes it
 * once all have arrived, then COMMITs, releasing the others. Each key is touched in block order,
 * so the result is sequential execution's. The involved shards of every transaction are worked
 * out by the main thread (see index.ts).
 */
import { outcomeCode } from '../../ledger/index.js';
import type { WorkerContext } from '../pool/context.js';
import { C, R, REC, STAT, waitWhile } from '../pool/shared.js';

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

export function runSharded(ctx: WorkerContext): void {
  const mem = ctx.mem;
  const c = mem.control;
  const n = c[C.N]!;
  const shard = ctx.index;
  const bit = 1 << shard;
  const view = ctx.direct;

  const execute = (i: number): void => {
    mem.rec[i * REC + R.OUTCOME] = outcomeCode(ctx.ledger.execute(ctx.tx(i), view));
    ctx.count(STAT.EXECUTIONS);
  };

  for (let i = 0; i < n; i++) {
    if (Atomics.load(c, C.ABORT) !== 0) return;
    const r = i * REC;
    const mask = mem.rec[r + R.MASK]!;
    if ((mask & bit) === 0) continue;
    if (mask === bit) {
      execute(i);
      continue;
    }
    // Prepare: this shard has done everything before i and waits on it.
    const involved = popcount(mask);
    const arrived = Atomics.add(mem.rec, r + R.ARRIVED, 1) + 1;
    const coordinator = 31 - Math.clz32(mask & -mask);
    if (shard === coordinator) {
      let now = arrived;
      while (now < involved && Atomics.load(c, C.ABORT) === 0) {
        waitWhile(c, mem.rec, r + R.ARRIVED, now);
        now = Atomics.load(mem.rec, r + R.ARRIVED);
      }
      if (Atomics.load(c, C.ABORT) !== 0) return;
      execute(i);
      ctx.count(STAT.CROSS);
      // Commit: release the other shards.
      Atomics.store(mem.rec, r + R.COMMITTED, 1);
      Atomics.notify(mem.rec, r + R.COMMITTED);
    } else {
      Atomics.notify(mem.rec, r + R.ARRIVED);
      ctx.count(STAT.WAITS);
      waitWhile(c, mem.rec, r + R.COMMITTED, 0);
    }
  }
}
