/**
 * `npm run bench [engine|traces|analyze|executors|wire|metrics|soak|evm]`: figures of parabench's own engine. These 2-core
 * machines are shared and noisy: every figure is the median of repeated runs; trust medians and
 * ratios measured side by side, not single runs.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { calibrateWork } from '../ledger/index.js';
import { benchAnalyze } from './analyze.js';
import { benchEngine } from './engine.js';
import { benchEvm } from './evm.js';
import { benchExecutors } from './executors.js';
import { benchTraces } from './traces.js';
import { benchMetricsCost, benchSoak, benchWire } from './wire.js';

const suites = { engine: benchEngine, traces: benchTraces, analyze: benchAnalyze, executors: benchExecutors, wire: benchWire, metrics: benchMetricsCost, soak: benchSoak, evm: benchEvm } as const;
/** Run when no suite is named: all but the five-minute soak and the EVM node's (eight minutes). */
const DEFAULT_SUITES = ['engine', 'traces', 'analyze', 'executors', 'wire', 'metrics'] as const;
const asked = process.argv.slice(2).filter((a): a is keyof typeof suites => a in suites);
const unknown = process.argv.slice(2).filter((a) => !(a in suites));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; the suites are ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

if (process.env.PARABENCH_BENCH_SUITE !== undefined) {
  await suites[process.env.PARABENCH_BENCH_SUITE as keyof typeof suites]();
} else {
  console.log(
    `parabench bench · node ${process.version} · ${cpus().length} cpus (${cpus()[0]?.model.trim()}) · load ${loadavg()[0]?.toFixed(2)} · work ${calibrateWork().toFixed(0)} rounds/µs\n`,
  );
  // Each suite in a fresh process: one suite's garbage must not show in the next one's memory or timings.
  for (const name of asked.length > 0 ? asked : DEFAULT_SUITES) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, PARABENCH_BENCH_SUITE: name } });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
