/**
 * A real EVM node as the target: anvil (from npm), mining a block a second with a 300 M gas limit,
 * driven by `parabench run --target evm+http://` as a user runs it, a fresh chain per run. One
 * row per family: sent and mined tx/s, inclusion latency, what the blocks held. Each run's
 * transactions are signed once and read back from the signed cache by the later runs (a fresh
 * chain with the same profile takes the same bytes). Rates: PARABENCH_BENCH_EVM_RATES
 * ("native=3000,erc20=2000,...") overrides the defaults, to look for a node's ceiling.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, Table } from './common.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const ANVIL = fileURLToPath(new URL('../../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil', import.meta.url));
const RUNS = 3;

interface Family {
  readonly name: string;
  readonly label: string;
  readonly rate: number;
  readonly workload: string;
  readonly target?: string;
}

const FAMILIES: readonly Family[] = [
  { name: 'native', label: 'native transfers', rate: 3000, workload: '{ accounts: 5000, costUs: 1, payments: { kinds: { transfer: 1 } } }' },
  { name: 'erc20', label: 'ERC-20 transfers', rate: 2000, workload: '{ accounts: 5000, costUs: 1, payments: { kinds: { transfer: 1 } } }', target: 'asset: erc20' },
  { name: 'swaps', label: 'swaps (1–3 pools)', rate: 600, workload: '{ accounts: 5000, costUs: 1, defi: { kinds: { swap: 1 }, lendingUsers: 100, oracle: { updatesPerBlock: 0 } } }' },
  { name: 'mints', label: 'NFT mints (shared counters)', rate: 1000, workload: '{ accounts: 5000, costUs: 1, nft: { kinds: { nft-mint: 1 }, collections: 10 } }' },
];

interface Figures {
  readonly tps: number;
  readonly rate: { readonly achieved: number };
  readonly tx: { readonly sent: number; readonly committed: number; readonly failed: number; readonly errored: number; readonly timedOut: number; readonly dropped: number };
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly chain: { readonly ours: number; readonly gasUsed: { readonly total: number; readonly meanPerBlock: number }; readonly receipts: { readonly reverted: number }; readonly prepare: { readonly seconds: number; readonly cached: number } };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function withAnvil<T>(use: (url: string) => Promise<T>): Promise<T> {
  const port = await freePort();
  const child = spawn(ANVIL, ['--host', '127.0.0.1', '--port', String(port), '--block-time', '1', '--gas-limit', '300000000', '--accounts', '1', '--silent'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await use(url);
  } finally {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

async function runOnce(dir: string, family: Family, rate: number, url: string): Promise<Figures> {
  const profile = join(dir, `${family.name}.yaml`);
  await writeFile(
    profile,
    `name: evm-${family.name}\nseed: 9\nwarmup: 2s\nduration: 20s\ntimeout: 20s\nworkload: ${family.workload}\nschedule: { kind: constant-rate, rate: ${rate} }\ntarget: { kind: evm, url: "evm+${url}"${family.target ? `, ${family.target}` : ''} }\n`,
  );
  const out = join(dir, `out-${family.name}`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [CLI, 'run', profile, '--out', out, '--quiet'], { stdio: 'ignore', env: { ...process.env, PARABENCH_CACHE: join(dir, 'cache') } });
    child.once('exit', resolve);
  });
  // 99: thresholds; the run itself is what is measured here.
  if (code !== 0 && code !== 99) throw new Error(`parabench run (${family.name}) exited with ${code}`);
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Figures;
}

export async function benchEvm(): Promise<void> {
  if (!existsSync(ANVIL)) {
    console.log('evm: anvil is not installed (npm ci installs it on linux-x64): skipped\n');
    return;
  }
  const asked = new Map((process.env.PARABENCH_BENCH_EVM_RATES ?? '').split(',').filter(Boolean).map((kv) => [kv.split('=')[0] ?? '', Number(kv.split('=')[1])]));
  const families = asked.size > 0 ? FAMILIES.filter((f) => asked.has(f.name)) : FAMILIES;
  console.log(`evm: anvil, a block a second, 300 M gas per block; 20 s measured after 2 s of warm-up; median of ${RUNS} runs, each on a fresh chain`);
  const table = new Table(['family', 'offered tx/s', 'sent tx/s', 'mined tx/s', 'p50 ms', 'p99 ms', 'errored+timed out', 'reverted', 'gas/tx', 'prepare s']);
  const dir = await mkdtemp(join(tmpdir(), 'parabench-bench-evm-'));
  try {
    for (const family of families) {
      const rate = asked.get(family.name) ?? family.rate;
      const runs: Figures[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await withAnvil((url) => runOnce(dir, family, rate, url)));
      const m = (f: (r: Figures) => number): number => median(runs.map(f));
      table.add(
        family.label,
        fmt(rate),
        fmt(m((r) => r.rate.achieved)),
        fmt(m((r) => r.tps)),
        fmt(m((r) => r.latencyMs.p50)),
        fmt(m((r) => r.latencyMs.p99)),
        fmt(m((r) => r.tx.errored + r.tx.timedOut)),
        fmt(m((r) => r.chain.receipts.reverted)),
        fmt(m((r) => r.chain.gasUsed.total / Math.max(1, r.chain.ours))),
        runs.map((r) => `${r.chain.prepare.seconds.toFixed(0)}${r.chain.prepare.cached > 0 ? 'c' : ''}`).join('/'),
      );
    }
    table.print();
    console.log('  prepare s: before the clock (funding, deploying, signing), per run; c: signatures read from the cache\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
