/**
 * The executors against the bound, on the configurations the README reports: each one a
 * `parabench bench executors` run in a fresh process (every executor on the same blocks,
 * interleaved block by block), summarised in one table.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CONFIGS: { label: string; args: string[] }[] = [
  { label: 'transfers, 10,000 accounts, 20 µs', args: ['--workload', 'transfers', '--accounts', '10000', '--cost-us', '20', '--blocks', '15'] },
  { label: 'transfers, 10,000 accounts, 10 µs', args: ['--workload', 'transfers', '--accounts', '10000', '--cost-us', '10', '--blocks', '15'] },
  { label: 'transfers, 10,000 accounts, 2 µs', args: ['--workload', 'transfers', '--accounts', '10000', '--cost-us', '2', '--blocks', '15'] },
  { label: 'transfers, 2 accounts, 20 µs', args: ['--workload', 'transfers', '--accounts', '2', '--cost-us', '20', '--blocks', '9'] },
  { label: 'defi', args: ['--workload', 'defi', '--blocks', '9'] },
  { label: 'nft mint storm', args: ['--workload', 'mint-storm', '--blocks', '9'] },
  { label: 'mainnet-like', args: ['--workload', 'mainnet-like', '--blocks', '9'] },
];

interface Result {
  executor: string;
  speedup: number;
  reexecutionsPerTx: number;
  coresUsed: number;
  representative: boolean;
  stateRootMatches: boolean;
}

export async function benchExecutors(): Promise<void> {
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  console.log('executors: speed-up over sequential on the same blocks of 10,000 (median over the blocks), T = 2; re-executions per tx in brackets; * fewer cores than the blocks could use');
  const rows: string[][] = [['traffic', 'S_max(2)', 'block-stm', 'access-list', 'sharded', 'roots']];
  for (const config of CONFIGS) {
    const run = spawnSync(process.execPath, [cli, 'bench', 'executors', ...config.args, '--threads', '2', '--json'], { encoding: 'utf8' });
    if (run.status !== 0 && run.stdout.trim() === '') throw new Error(`${config.label}: ${run.stderr.trim()}`);
    const report = JSON.parse(run.stdout) as { bound: { smax: number }; results: Result[] };
    const cell = (name: string): string => {
      const r = report.results.find((x) => x.executor === name);
      if (!r) return '-';
      return `${r.speedup.toFixed(2)}×${r.reexecutionsPerTx > 0.005 ? ` (${r.reexecutionsPerTx.toFixed(2)})` : ''}${r.representative ? '' : '*'}`;
    };
    const roots = report.results.every((r) => r.stateRootMatches) ? 'match' : 'DIFFER';
    rows.push([config.label, report.bound.smax.toFixed(2), cell('block-stm'), cell('access-list'), cell('sharded'), roots]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows) console.log(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('   ')}`);
  console.log('');
}
