/** Trace write and read rates, and memory while recording and replaying 10 million transactions. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tx } from '../core/tx.js';
import { createSchedule, createWorkload, openTraceSource, traceHeader, TraceReader, TraceWriter, type TraceHeader } from '../loadgen/index.js';
import { fmt, median, RUNS, shippedProfile, Table } from './common.js';

const rssMb = (): number => process.memoryUsage().rss / 1e6;

export async function benchTraces(big = 10_000_000): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parabench-bench-'));
  try {
    const profile = await shippedProfile('mainnet-like');
    const header = (count: number): TraceHeader =>
      traceHeader({ profile, config: {}, workload: createWorkload(profile.workload, profile.seed), count, parabench: 'bench', createdAt: new Date() });

    // Memory while recording and replaying a long trace: sampled as it goes, it must stay flat.
    console.log(`traces: memory while recording and replaying ${fmt(big)} default-profile transactions`);
    const path = join(dir, 'big.pbt');
    const p = await shippedProfile('default');
    const workload = createWorkload(p.workload, p.seed, { blockSize: 1000 });
    const schedule = createSchedule({ kind: 'constant-rate', rate: 100_000 }, (big / 100_000) * 1000);
    const samples = (label: string): { take(i: number): void; report(extra: string): void } => {
      const seen: number[] = [];
      return {
        take(i) {
          if (i % 1_000_000 === 0) seen.push(rssMb());
        },
        report(extra) {
          console.log(`  ${label.padEnd(22)} RSS at each million: ${seen.map((m) => m.toFixed(0)).join(' ')} MB${extra}`);
        },
      };
    };
    let t0 = performance.now();
    const rec = samples(`record ${fmt(big)} tx`);
    const writer = await TraceWriter.create(path, path, header(schedule.total));
    for (let i = 0; i < schedule.total; i++) {
      rec.take(i);
      if (writer.append(schedule.intendedMs(i), workload.next(i))) await writer.flush();
    }
    await writer.close();
    const writeS = (performance.now() - t0) / 1000;
    rec.report(` · ${fmt(schedule.total / writeS)} tx/s generated and written · ${((await stat(path)).size / 1e6).toFixed(0)} MB`);
    t0 = performance.now();
    // The replay path itself: the source reading ahead into its bounded queue, taken id by id as the runner does.
    const replay = samples(`replay ${fmt(big)} tx`);
    const source = await openTraceSource(path, path, 1);
    for (let i = 0; i < source.schedule.total; i++) {
      replay.take(i);
      while (source.schedule.intendedMs(i) === Infinity) await new Promise((resolve) => setImmediate(resolve));
      source.workload.next(i);
    }
    await source.done;
    replay.report(` · ${fmt(source.schedule.total / ((performance.now() - t0) / 1000))} tx/s read and taken`);
    console.log('');
    // Write and read rates of the format itself: 1M mainnet-like transactions made beforehand.
    const n = 1_000_000;
    const w = createWorkload(profile.workload, profile.seed, { blockSize: 1000 });
    const txs: Tx[] = Array.from({ length: n }, (_, i) => w.next(i));
    const table = new Table(['', 'median tx/s', 'min', 'max', 'µs/tx']);
    for (const ext of ['pbt', 'pbt.gz']) {
      const path = join(dir, `rate.${ext}`);
      const writes: number[] = [];
      const reads: number[] = [];
      let bytes = 0;
      for (let r = 0; r < RUNS; r++) {
        let t0 = performance.now();
        const writer = await TraceWriter.create(path, path, header(n));
        for (let i = 0; i < n; i++) if (writer.append(i / 10, txs[i]!)) await writer.flush();
        await writer.close();
        writes.push(n / ((performance.now() - t0) / 1000));
        bytes = (await stat(path)).size;
        t0 = performance.now();
        const reader = await TraceReader.open(path);
        let count = 0;
        for await (const batch of reader.batches()) count += batch.length;
        if (count !== n) throw new Error(`read ${count} of ${n}`);
        reads.push(n / ((performance.now() - t0) / 1000));
      }
      table.rates(`write .${ext} (${(bytes / n).toFixed(1)} B/tx)`, writes);
      table.rates(`read .${ext}`, reads);
    }
    console.log('traces: the format alone, 1,000,000 mainnet-like transactions made beforehand');
    table.print();

  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
