/**
 * `npm run bench`: figures of parabench's own engine, medians of repeated runs (these 2-core
 * machines are shared and noisy; trust medians and ratios, not single runs).
 *
 * - in-process sequential executor throughput on the default workload, at cost 0 (pure harness
 *   and state-machine overhead) and at the profile's cost (real work per transaction);
 * - the workload generator's own rate, since it bounds every open-loop run.
 */
import { cpus, loadavg } from 'node:os';
import { loadProfile } from '../core/profile/load.js';
import type { Tx } from '../core/tx.js';
import { createExecutor, executorNames } from '../executors/index.js';
import { calibrateWork, iterationsFor, kinds } from '../ledger/index.js';
import { burn } from '../ledger/work.js';
import { createWorkload } from '../loadgen/index.js';

const RUNS = 5;
const PROFILE = new URL('../../profiles/default.yaml', import.meta.url).pathname;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const { profile } = await loadProfile(PROFILE, { knownExecutors: executorNames });
  const itersPerUs = calibrateWork();
  const cost = profile.workload.costUs;
  const defaultCost = typeof cost === 'number' ? cost : (cost?.transfer ?? kinds.transfer?.defaultCostUs ?? 0);
  const blockSize = profile.target.blockSize;
  console.log(
    `parabench bench · node ${process.version} · ${cpus().length} cpus (${cpus()[0]?.model.trim()}) · load ${loadavg()[0]?.toFixed(2)} · work ${itersPerUs.toFixed(0)} rounds/µs`,
  );
  console.log(`default workload: ${createWorkload(profile.workload, profile.seed).description}; blocks of ${blockSize}; median of ${RUNS} runs\n`);

  const rows: string[][] = [['', 'median tx/s', 'min', 'max', 'µs/tx']];
  const row = (label: string, rates: readonly number[]): void => {
    rows.push([label, fmt(median(rates)), fmt(Math.min(...rates)), fmt(Math.max(...rates)), (1e6 / median(rates)).toFixed(2)]);
  };

  // The generators, alone: every shipped profile's workload.
  for (const name of ['default', 'payments', 'defi', 'nft', 'dao', 'mainnet-like']) {
    const { profile: p } = await loadProfile(new URL(`../../profiles/${name}.yaml`, import.meta.url).pathname, { knownExecutors: executorNames });
    const rates: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const w = createWorkload(p.workload, p.seed + r, { blockSize: p.target.blockSize });
      const n = 300_000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) w.next(i);
      rates.push(n / ((performance.now() - t0) / 1000));
    }
    row(`generator: ${name}`, rates);
  }

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
    row(`sequential, cost ${costUs} µs${costUs === defaultCost ? ' (default)' : ''}`, rates);
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
  rows.push([`work alone, ${defaultCost} µs asked`, '', '', '', median(workUs).toFixed(2)]);

  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  for (const r of rows) console.log(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('   ')}`);
}

await main();
