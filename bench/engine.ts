/** Generators and the sequential executor: how fast parabench makes and runs transactions. */
import type { Tx } from '../core/tx.js';
import { createExecutor } from '../executors/index.js';
import { iterationsFor, kinds } from '../ledger/index.js';
import { burn } from '../ledger/work.js';
import { createWorkload } from '../loadgen/index.js';
import { median, RUNS, shippedProfile, Table } from './common.js';

export async function benchEngine(): Promise<void> {
  const table = new Table(['', 'median tx/s', 'min', 'max', 'µs/tx']);

  // The generators, alone: every shipped profile's workload, 300,000 transactions a run.
  for (const name of ['default', 'payments', 'defi', 'nft', 'dao', 'mainnet-like']) {
    const p = await shippedProfile(name);
    const rates: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const w = createWorkload(p.workload, p.seed + r, { blockSize: p.target.blockSize });
      const n = 300_000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) w.next(i);
      rates.push(n / ((performance.now() - t0) / 1000));
    }
    table.rates(`generator: ${name}`, rates);
  }

  // The sequential executor on the default workload, transactions made beforehand.
  const profile = await shippedProfile('default');
  const cost = profile.workload.costUs;
  const defaultCost = typeof cost === 'number' ? cost : (cost?.transfer ?? kinds.transfer?.defaultCostUs ?? 0);
  const blockSize = profile.target.blockSize;
  for (const costUs of [0, defaultCost]) {
    const n = costUs === 0 ? 300_000 : Math.round(1_000_000 / Math.max(costUs, 1));
    const rates: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const w = createWorkload({ ...profile.workload, costUs }, profile.seed + r);
      const txs: Tx[] = Array.from({ length: n }, (_, i) => w.next(i));
      const executor = await createExecutor('sequential', { genesis: w.genesis, threads: 1 });
      const t0 = performance.now();
      for (let b = 0, number = 1; b < n; b += blockSize, number++) await executor.execute({ number, txs: txs.slice(b, b + blockSize) });
      rates.push(n / ((performance.now() - t0) / 1000));
      await executor.close();
    }
    table.rates(`sequential, cost ${costUs} µs${costUs === defaultCost ? ' (default)' : ''}`, rates);
  }

  // How close the synthetic cost is to what it claims: the work alone, per transaction.
  const workUs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const iterations = iterationsFor(defaultCost);
    const n = 50_000;
    let sink = 1;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink ^= burn(iterations, i + 1);
    workUs.push(((performance.now() - t0) * 1000) / n + (sink === 0 ? 1 : 0));
  }
  table.add(`work alone, ${defaultCost} µs asked`, '', '', '', median(workUs).toFixed(2));
  console.log(`engine: generators (300k tx a run) and the sequential executor (default workload, blocks of ${blockSize})`);
  table.print();
}
