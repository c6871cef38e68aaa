/**
 * Load over the wire, each side in its own process as a user runs them: `parabench serve` and
 * `parabench run --target ws://…`, both started from the built CLI. Measures what the README
 * reports: 100k tx/s against the sequential executor, the most Block-STM on two threads sustains,
 * the harness's own ceiling against a target that executes nothing, and (suite `soak`) the load
 * process's memory over five minutes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median } from './common.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PROFILES = fileURLToPath(new URL('../../profiles/', import.meta.url));
const TICKS = 100; // clock ticks a second, for /proc/<pid>/stat

/** CPU seconds a process has used so far, and its resident memory in MB. */
function usage(pid: number): { cpuS: number; rssMb: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuS = (Number(fields[11]) + Number(fields[12])) / TICKS;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuS, rssMb: rss ? Number(rss[1]) / 1024 : 0 };
  } catch {
    return { cpuS: 0, rssMb: 0 };
  }
}

interface Server {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function serve(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`parabench serve exited with ${code}: ${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

interface RunFigures {
  readonly summary: Summary;
  /** Cores the load process and the server used over the run. */
  readonly clientCores: number;
  readonly serverCores: number;
  /** Load-process RSS samples, MB, every `sampleMs`. */
  readonly rss: number[];
}

interface Summary {
  readonly tps: number;
  readonly rate: { readonly requested: number; readonly achieved: number };
  readonly tx: { readonly sent: number; readonly committed: number; readonly failed: number; readonly errored: number; readonly timedOut: number; readonly dropped: number };
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly p999: number };
  readonly sendLagMs: { readonly p99: number };
  readonly generatorBound: boolean;
  readonly executor: { readonly usPerTx: number } | null;
  readonly verification: { readonly checked: boolean; readonly stateRootMatches: boolean; readonly txs: number };
}

async function run(profile: string, server: Server, args: string[], sampleMs = 1000): Promise<RunFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'parabench-wire-'));
  try {
    const child: ChildProcess = spawn(process.execPath, [CLI, 'run', profile, '--target', server.url, '--quiet', '--out', dir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const t0 = performance.now();
    const server0 = usage(server.pid).cpuS;
    const rss: number[] = [];
    let clientCpu = 0;
    const timer = setInterval(() => {
      const u = usage(child.pid!);
      rss.push(u.rssMb);
      clientCpu = u.cpuS;
    }, sampleMs);
    const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
    clearInterval(timer);
    const wallS = (performance.now() - t0) / 1000;
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8').catch(() => {
      throw new Error(`the run exited with ${code} and wrote no summary: ${err}`);
    })) as Summary;
    return { summary, clientCores: clientCpu / wallS, serverCores: (usage(server.pid).cpuS - server0) / wallS, rss };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const share = (n: number, of: number): string => `${((100 * n) / Math.max(1, of)).toFixed(2)}%`;

function line(label: string, f: RunFigures): string {
  const s = f.summary;
  return `  ${label.padEnd(34)} ${fmt(s.tps).padStart(9)} tx/s committed of ${fmt(s.rate.requested).padStart(9)} asked · ${share(s.tx.committed + s.tx.failed, s.tx.sent)} answered · p50 ${s.latencyMs.p50} p99 ${s.latencyMs.p99} ms · lag p99 ${s.sendLagMs.p99} ms · cores: load ${f.clientCores.toFixed(2)}, target ${f.serverCores.toFixed(2)}${s.executor && s.executor.usPerTx > 0 ? ` · executor ${s.executor.usPerTx} µs/tx` : ''}${s.generatorBound ? ' · generator-bound' : ''}`;
}

async function profileAt(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, text);
  return path;
}

export async function benchWire(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parabench-wire-profiles-'));
  try {
    console.log('wire: parabench serve and parabench run in separate processes, loopback WebSocket, binary frames');
    // 1. The shipped 100k profile against the sequential executor, three times.
    {
      const server = await serve(['--executor', 'sequential']);
      const runs: RunFigures[] = [];
      for (let i = 0; i < 3; i++) runs.push(await run(join(PROFILES, 'throughput-100k.yaml'), server, []));
      await server.stop();
      for (const [i, r] of runs.entries()) console.log(line(`throughput-100k, sequential, run ${i + 1}`, r));
      const s = runs.map((r) => r.summary);
      console.log(
        `  median: ${fmt(median(s.map((x) => x.tps)))} tx/s committed, achieved ${share(median(s.map((x) => x.rate.achieved)), 100_000)} of offered, p99 ${median(s.map((x) => x.latencyMs.p99))} ms, executor ${median(s.map((x) => x.executor?.usPerTx ?? 0))} µs/tx; verified ${s.every((x) => x.verification.stateRootMatches) ? 'each run' : 'NOT every run'}`,
      );
    }
    // 2. Block-STM on two threads: the closed-loop maximum, then open loop at 90% of it. The same
    //    closed loop against the sequential executor, and against Block-STM with blocks ten times
    //    larger, says what limits it: the executor's own time per transaction, and per block.
    {
      const workload = 'workload: { accounts: 100000, sampler: { kind: zipf, s: 0.8 }, costUs: 1, payments: { kinds: { transfer: 90, micropay: 10 }, merchants: 50, merchantCredit: delta } }';
      const closed = await profileAt(dir, 'bstm-closed', `name: bstm-closed\nwarmup: 2s\nduration: 8s\n${workload}\nschedule: { kind: closed-loop, inFlight: 20000 }\n`);
      const server = await serve(['--executor', 'block-stm', '--threads', '2']);
      const peaks: RunFigures[] = [];
      for (let i = 0; i < 3; i++) peaks.push(await run(closed, server, []));
      const peak = median(peaks.map((p) => p.summary.tps));
      for (const [i, p] of peaks.entries()) console.log(line(`block-stm T=2, closed loop 20k, run ${i + 1}`, p));
      const rate = Math.floor((peak * 0.9) / 1000) * 1000;
      const open = await profileAt(dir, 'bstm-open', `name: bstm-open\nwarmup: 2s\nduration: 10s\n${workload}\nschedule: { kind: constant-rate, rate: ${rate} }\n`);
      const held = await run(open, server, []);
      await server.stop();
      console.log(line(`block-stm T=2, open loop ${fmt(rate)} tx/s`, held));
      for (const [label, args] of [
        ['sequential, closed loop 20k', ['--executor', 'sequential']],
        ['block-stm T=2, blocks of 10,000', ['--executor', 'block-stm', '--threads', '2', '--block-size', '10000']],
      ] as const) {
        const other = await serve([...args]);
        const r = await run(closed, other, []);
        await other.stop();
        console.log(line(label, r));
      }
    }
    // 3. The harness's own ceiling: a million a second offered to a target that executes nothing.
    {
      const server = await serve(['--noop']);
      const ceiling = await profileAt(dir, 'ceiling', `name: ceiling\nwarmup: 2s\nduration: 5s\nmaxInFlight: 1000000\nworkload: { accounts: 100000, costUs: 0, payments: {} }\nschedule: { kind: constant-rate, rate: 1000000 }\n`);
      const runs: RunFigures[] = [];
      for (let i = 0; i < 3; i++) runs.push(await run(ceiling, server, ['--no-verify']));
      await server.stop();
      for (const [i, r] of runs.entries()) console.log(line(`noop target, 1M offered, run ${i + 1}`, r));
      console.log(`  median: ${fmt(median(runs.map((r) => r.summary.tps)))} tx/s committed, ${fmt(median(runs.map((r) => r.summary.tx.dropped)))} dropped`);
    }
    console.log('');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What the live Prometheus metrics cost the load side at its ceiling: a million transactions a
 * second to the no-op target, with and without --metrics-port, in alternating pairs.
 */
export async function benchMetricsCost(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parabench-metrics-'));
  try {
    console.log('metrics: the load process at 1,000,000 tx/s offered to serve --noop, without and with --metrics-port (alternating, 3 pairs)');
    const server = await serve(['--noop']);
    const ceiling = await profileAt(dir, 'ceiling', `name: ceiling\nwarmup: 2s\nduration: 5s\nmaxInFlight: 1000000\nworkload: { accounts: 100000, costUs: 0, payments: {} }\nschedule: { kind: constant-rate, rate: 1000000 }\n`);
    const off: RunFigures[] = [];
    const on: RunFigures[] = [];
    for (let i = 0; i < 3; i++) {
      off.push(await run(ceiling, server, ['--no-verify']));
      on.push(await run(ceiling, server, ['--no-verify', '--metrics-port', '0']));
    }
    await server.stop();
    for (const [i, r] of off.entries()) console.log(line(`no metrics, run ${i + 1}`, r));
    for (const [i, r] of on.entries()) console.log(line(`--metrics-port, run ${i + 1}`, r));
    const cores = (rs: RunFigures[]): number => median(rs.map((r) => r.clientCores));
    console.log(`  median load-process cores: ${cores(off).toFixed(2)} without, ${cores(on).toFixed(2)} with metrics (${(((cores(on) - cores(off)) / cores(off)) * 100).toFixed(1)}%); committed ${fmt(median(off.map((r) => r.summary.tps)))} vs ${fmt(median(on.map((r) => r.summary.tps)))} tx/s`);
    console.log('');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Five minutes at 50,000 tx/s: the load process's memory, sampled every 10 s, must stay flat after the first minute. */
export async function benchSoak(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parabench-soak-'));
  try {
    console.log('soak: 5 minutes at 50,000 tx/s over loopback WebSocket against parabench serve (sequential)');
    const server = await serve(['--executor', 'sequential']);
    const profile = await profileAt(dir, 'soak', `name: soak\nwarmup: 0s\nduration: 5m\nworkload: { accounts: 100000, sampler: { kind: zipf, s: 0.8 }, costUs: 1, payments: { kinds: { transfer: 90, micropay: 10 }, merchants: 50, merchantCredit: delta } }\nschedule: { kind: constant-rate, rate: 50000 }\n`);
    const r = await run(profile, server, [], 10_000);
    await server.stop();
    console.log(line('soak, 50k tx/s for 5 min', r));
    const atMinute = (m: number): number => r.rss[Math.min(r.rss.length - 1, m * 6 - 1)] ?? 0;
    // The end of the measured window; the check against sequential execution comes after it.
    const first = atMinute(1);
    const last = atMinute(5);
    console.log(`  load-process RSS every 10 s (MB): ${r.rss.map((m) => m.toFixed(0)).join(' ')}`);
    console.log(`  minute 1: ${first.toFixed(0)} MB · end: ${last.toFixed(0)} MB · growth ${(((last - first) / Math.max(1, first)) * 100).toFixed(1)}%`);
    console.log('');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
