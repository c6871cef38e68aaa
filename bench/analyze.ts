/** The contention analysis of one 10,000-transaction block of each shipped profile. */
import { analyzeBlock } from '../executors/bound/index.js';
import { createWorkload } from '../loadgen/index.js';
import { median, RUNS, shippedProfile, Table } from './common.js';

export async function benchAnalyze(): Promise<void> {
  const table = new Table(['', 'median ms', 'min', 'max', 'W/CP']);
  for (const name of ['default', 'defi', 'nft', 'dao', 'mainnet-like']) {
    const p = await shippedProfile(name);
    const w = createWorkload(p.workload, p.seed, { blockSize: 10_000 });
    const txs = Array.from({ length: 10_000 }, (_, i) => w.next(i));
    analyzeBlock(txs, 16); // warm the JIT
    const times: number[] = [];
    let parallelism = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const b = analyzeBlock(txs, 16);
      times.push(performance.now() - t0);
      parallelism = b.work / b.criticalPath;
    }
    table.add(name, median(times).toFixed(1), Math.min(...times).toFixed(1), Math.max(...times).toFixed(1), parallelism.toFixed(2));
  }
  console.log('analyze: one block of 10,000 transactions, T = 16 (both DAGs, critical paths, list schedule)');
  table.print();
}
