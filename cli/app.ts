/**
 * The parabench command line: yargs parses, this file dispatches and turns every error into an
 * exit code. It is the only place errors become exit codes, and it never lets a user's mistake
 * print a stack trace.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { isParabenchError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';
import { THRESHOLD_METRIC_NAMES } from '../core/thresholds.js';
import { executorNames } from '../executors/index.js';
import { DEFAULT_PROFILE } from './commands/common.js';
import { analyzeCommand, ANALYZE_THREADS, type AnalyzeArgs } from './commands/analyze.js';
import { conformanceCommand, type ConformanceArgs } from './commands/conformance.js';
import { capacityCommand, type CapacityArgs } from './commands/capacity.js';
import { compareCommand, type CompareArgs } from './commands/compare.js';
import { dashboardsCommand } from './commands/dashboards.js';
import { exportArgs, exportCommand, exportOptions, type ExportArgs } from './commands/export.js';
import { reportCommand, type ReportArgs } from './commands/report.js';
import { benchExecutorsCommand, BENCH_WORKLOADS, type BenchExecutorsArgs } from './commands/bench-executors.js';
import { recordCommand, type RecordArgs } from './commands/record.js';
import { runCommand, type RunArgs } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { serveCommand, type ServeArgs } from './commands/serve.js';
import { validateCommand, type ValidateArgs } from './commands/validate.js';
import type { CliEnv } from './env.js';
import { version } from './version.js';

type Chosen =
  | { readonly command: 'run'; readonly args: RunArgs }
  | { readonly command: 'validate'; readonly args: ValidateArgs }
  | { readonly command: 'analyze'; readonly args: AnalyzeArgs }
  | { readonly command: 'record'; readonly args: RecordArgs }
  | { readonly command: 'bench-executors'; readonly args: BenchExecutorsArgs }
  | { readonly command: 'schema'; readonly args: { readonly out?: string; readonly summary: boolean } }
  | { readonly command: 'serve'; readonly args: ServeArgs }
  | { readonly command: 'conformance'; readonly args: ConformanceArgs }
  | { readonly command: 'dashboards'; readonly args: { readonly out?: string } }
  | { readonly command: 'report'; readonly args: ReportArgs }
  | { readonly command: 'compare'; readonly args: CompareArgs }
  | { readonly command: 'capacity'; readonly args: CapacityArgs }
  | { readonly command: 'export'; readonly args: ExportArgs };

const EPILOGUE = `Exit codes: 0 passed · 99 a threshold failed · 2 bad input · 1 anything else.
Profiles: docs/PROFILES.md. Thresholds can name: ${THRESHOLD_METRIC_NAMES.join(', ')}.`;

function parser(onChosen: (c: Chosen) => void): Argv {
  const str = (s: unknown): string | undefined => (s === undefined ? undefined : String(s));
  return yargs()
    .scriptName('parabench')
    .usage('$0 <command> [options]\n\nLoad-tests parallel transaction executors with realistic, seeded traffic.')
    .command(
      'run [profile]',
      'run a profile and write summary.json',
      (y) =>
        y
          .positional('profile', { type: 'string', describe: `profile file (YAML) [default: ${DEFAULT_PROFILE}]` })
          .option('trace', { type: 'string', describe: 'replay this trace (from parabench record) instead of a profile' })
          .option('speed', { type: 'string', describe: 'replay speed factor with --trace (2: twice as fast)' })
          .option('rate', { type: 'string', describe: 'arrival rate in tx/s, replacing the profile\'s' })
          .option('duration', { type: 'string', describe: 'measured window, e.g. 10s (warm-up comes before it)' })
          .option('target', { type: 'string', describe: 'where the executor runs: inproc, or the URL of a target server (ws://… or http://…)' })
          .option('executor', { type: 'string', describe: `executor: ${executorNames.join(', ')}` })
          .option('threads', { type: 'string', describe: 'executor threads' })
          .option('seed', { type: 'string', describe: 'traffic seed, replacing the profile\'s' })
          .option('out', { type: 'string', describe: 'directory for summary.json [default: reports/runs/<time>-<profile>]' })
          .option('json', { type: 'boolean', default: false, describe: 'print summary.json to stdout instead of the table' })
          .option('quiet', { type: 'boolean', default: false, describe: 'no live progress line' })
          .option('verify', { type: 'boolean', default: true, describe: 're-execute the committed blocks sequentially after the run and compare (--no-verify to skip)' })
          .option('metrics-port', { type: 'number', describe: 'serve live Prometheus metrics of the run at http://127.0.0.1:PORT/metrics' })
          .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'address the metrics listen on' })
          .option('pushgateway', { type: 'string', describe: 'push the final figures to this Prometheus Pushgateway (http://host:port) when the run ends' })
          .option('report', { type: 'string', describe: 'also write reports beside summary.json: html, md, junit (comma-separated)' })
          .option('repeat', { type: 'number', describe: 'run N times: the summary keeps every run\'s figures, and a comparison uses their spread' })
          .option('baseline', { type: 'string', describe: 'compare with this summary.json: a regression beyond the margin fails the run (exit 99)' })
          .option('max-regression', { type: 'string', describe: 'largest regression allowed against the baseline, e.g. 5% [default: the profile\'s maxRegression, 5%]' })
          .option('allow-profile-mismatch', { type: 'boolean', default: false, describe: 'compare with a baseline of another profile anyway' })
          .example('$0 run', 'the default profile: payments against the in-process sequential executor')
          .example('$0 run profiles/default.yaml --rate 20000 --duration 10s', 'a heavier, shorter run')
          .example('$0 run my.yaml --json > summary.json', 'the summary for a script')
          .example('$0 run --trace defi.pbt --speed 2', 'replay a recorded trace at twice its speed'),
      (a) =>
        onChosen({
          command: 'run',
          args: {
            json: a.json === true,
            quiet: a.quiet === true,
            verify: a.verify !== false,
            metricsHost: String(a['metrics-host']),
            allowProfileMismatch: a['allow-profile-mismatch'] === true,
            ...defined({
              report: str(a.report),
              repeat: a.repeat === undefined ? undefined : Number(a.repeat),
              baseline: str(a.baseline),
              maxRegression: str(a['max-regression']),
              metricsPort: a['metrics-port'] === undefined ? undefined : Number(a['metrics-port']),
              pushgateway: str(a.pushgateway),
              profile: str(a.profile),
              trace: str(a.trace),
              speed: str(a.speed),
              rate: str(a.rate),
              duration: str(a.duration),
              target: str(a.target),
              executor: str(a.executor),
              threads: str(a.threads),
              seed: str(a.seed),
              out: str(a.out),
            }),
          },
        }),
    )
    .command(
      'validate <profile>',
      'check a profile without running it',
      (y) =>
        y
          .positional('profile', { type: 'string', demandOption: true, describe: 'profile file (YAML)' })
          .option('json', { type: 'boolean', default: false, describe: 'print the resolved profile (defaults filled in) as JSON' }),
      (a) => onChosen({ command: 'validate', args: { profile: String(a.profile), json: a.json === true } }),
    )
    .command(
      'record <profile>',
      'write the exact traffic of a profile, with its timing, to a trace file',
      (y) =>
        y
          .positional('profile', { type: 'string', demandOption: true, describe: 'profile file (YAML)' })
          .option('trace', { type: 'string', demandOption: true, describe: 'the trace file to write (.gz compresses it)' })
          .option('rate', { type: 'string', describe: 'arrival rate, replacing the profile\'s' })
          .option('duration', { type: 'string', describe: 'measured window, replacing the profile\'s' })
          .option('seed', { type: 'string', describe: 'traffic seed, replacing the profile\'s' })
          .example('$0 record profiles/defi.yaml --trace defi.pbt.gz', 'then: $0 run --trace defi.pbt.gz'),
      (a) =>
        onChosen({
          command: 'record',
          args: { profile: String(a.profile), trace: String(a.trace), overrides: defined({ rate: str(a.rate), duration: str(a.duration), seed: str(a.seed) }) },
        }),
    )
    .command(
      'analyze <input>',
      'what the traffic allows any executor: W, critical path, S_max, S_list, S_lock, hot keys',
      (y) =>
        y
          .positional('input', { type: 'string', demandOption: true, describe: 'profile file (YAML) or trace' })
          .option('threads', { type: 'number', default: ANALYZE_THREADS, describe: 'threads T of the bounds' })
          .option('blocks', { type: 'number', describe: 'analyse at most this many blocks [default: the profile\'s traffic, up to 1,000,000 tx]' })
          .option('rate', { type: 'string', describe: 'arrival rate, replacing the profile\'s (changes how many transactions there are)' })
          .option('duration', { type: 'string', describe: 'measured window, replacing the profile\'s' })
          .option('seed', { type: 'string', describe: 'traffic seed, replacing the profile\'s' })
          .option('json', { type: 'boolean', default: false, describe: 'print the analysis as JSON' })
          .example('$0 analyze profiles/defi.yaml --threads 32', 'how far 32 threads could go on this DeFi traffic'),
      (a) =>
        onChosen({
          command: 'analyze',
          args: {
            input: String(a.input),
            threads: Number(a.threads),
            json: a.json === true,
            overrides: defined({ rate: str(a.rate), duration: str(a.duration), seed: str(a.seed) }),
            ...defined({ blocks: a.blocks === undefined ? undefined : Number(a.blocks) }),
          },
        }),
    )
    .command(
      'bench <suite>',
      'benchmark the executors side by side on the same blocks, against their bound (suite: executors)',
      (y) =>
        y
          .positional('suite', { type: 'string', choices: ['executors'], describe: 'what to benchmark' })
          .option('workload', { type: 'string', default: 'transfers', describe: `traffic: ${BENCH_WORKLOADS.join(', ')}` })
          .option('accounts', { type: 'number', describe: 'accounts, replacing the workload\'s' })
          .option('block-size', { type: 'number', default: 10_000, describe: 'transactions per block' })
          .option('cost-us', { type: 'number', describe: 'µs of work per transaction, for every kind' })
          .option('threads', { type: 'number', default: 2, describe: 'threads of the parallel executors' })
          .option('blocks', { type: 'number', default: 5, describe: 'measured blocks (after 2 warm-up blocks)' })
          .option('executors', { type: 'string', describe: 'comma-separated executors [default: all]' })
          .option('json', { type: 'boolean', default: false, describe: 'print the results as JSON' })
          .example('$0 bench executors --accounts 10000 --cost-us 20 --threads 2', 'Block-STM and friends against sequential and the bound'),
      (a) =>
        onChosen({
          command: 'bench-executors',
          args: {
            workload: String(a.workload),
            blockSize: Number(a['block-size']),
            threads: Number(a.threads),
            blocks: Number(a.blocks),
            json: a.json === true,
            ...defined({
              accounts: a.accounts === undefined ? undefined : Number(a.accounts),
              costUs: a['cost-us'] === undefined ? undefined : Number(a['cost-us']),
              executors: a.executors === undefined ? undefined : String(a.executors).split(',').map((s) => s.trim()),
            }),
          },
        }),
    )
    .command(
      'serve',
      'serve an executor over the wire protocol (WebSocket and HTTP) until Ctrl-C',
      (y) =>
        y
          .option('executor', { type: 'string', default: 'sequential', describe: `executor: ${executorNames.join(', ')}` })
          .option('threads', { type: 'number', default: 1, describe: 'executor threads' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
          .option('port', { type: 'number', default: 7070, describe: 'port to listen on (0: any free one)' })
          .option('block-size', { type: 'number', default: 1000, describe: 'most transactions in a block' })
          .option('block-time-ms', { type: 'number', default: 50, describe: 'longest a transaction waits for its block to be sealed' })
          .option('stall-every', { type: 'string', describe: 'fault: stop committing for --stall-for every this long (e.g. 5s)' })
          .option('stall-for', { type: 'string', describe: 'fault: how long each stall lasts (e.g. 1s)' })
          .option('error-rate', { type: 'number', describe: 'fault: answer this share of transactions with an error (0.01)' })
          .option('drop-connection-after', { type: 'number', describe: 'fault: cut a connection once it has carried this many transactions' })
          .option('noop', { type: 'boolean', default: false, describe: 'execute nothing, commit everything at once: measures the harness and the wire alone' })
          .option('metrics-port', { type: 'number', describe: 'serve Prometheus metrics of the executor at http://127.0.0.1:PORT/metrics' })
          .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'address the metrics listen on' })
          .example('$0 serve --executor block-stm --threads 2', 'then: $0 run --target ws://127.0.0.1:7070/')
          .example('$0 serve --stall-every 5s --stall-for 1s', 'a target that stalls, to see it in the percentiles'),
      (a) =>
        onChosen({
          command: 'serve',
          args: {
            executor: String(a.executor),
            threads: Number(a.threads),
            host: String(a.host),
            port: Number(a.port),
            blockSize: Number(a['block-size']),
            blockTimeMs: Number(a['block-time-ms']),
            noop: a.noop === true,
            ...defined({
              stallEvery: str(a['stall-every']),
              stallFor: str(a['stall-for']),
              errorRate: a['error-rate'] === undefined ? undefined : Number(a['error-rate']),
              dropConnectionAfter: a['drop-connection-after'] === undefined ? undefined : Number(a['drop-connection-after']),
              metricsPort: a['metrics-port'] === undefined ? undefined : Number(a['metrics-port']),
            }),
            metricsHost: String(a['metrics-host']),
          },
        }),
    )
    .command(
      'conformance <url>',
      'check that a target speaks the wire protocol (docs/PROTOCOL.md), rule by rule',
      (y) =>
        y
          .positional('url', { type: 'string', describe: 'the target, ws://host:port/' })
          .option('workload', { type: 'string', default: 'transfers', describe: `the transactions to send: ${BENCH_WORKLOADS.join(', ')}` })
          .option('txs', { type: 'number', default: 1000, describe: 'how many' })
          .option('timeout', { type: 'string', default: '10s', describe: 'how long to wait for each answer' })
          .option('json', { type: 'boolean', default: false, describe: 'print the checks as JSON' })
          .example('$0 conformance ws://127.0.0.1:7070/', 'every rule, pass or fail; exit 99 when one is broken'),
      (a) => onChosen({ command: 'conformance', args: { url: String(a.url), workload: String(a.workload), txs: Number(a.txs), timeout: String(a.timeout), json: a.json === true } }),
    )
    .command(
      'report <summary>',
      'render a run\'s summary.json as HTML, Markdown or JUnit XML',
      (y) =>
        y
          .positional('summary', { type: 'string', demandOption: true, describe: 'the summary.json of a run' })
          .option('format', { type: 'string', demandOption: true, describe: 'html, md or junit' })
          .option('out', { type: 'string', describe: 'write it to this file instead of stdout' }),
      (a) => onChosen({ command: 'report', args: { summary: String(a.summary), format: String(a.format), ...defined({ out: str(a.out) }) } }),
    )
    .command(
      'compare <base> <current>',
      'compare two runs (or two sets of repeated runs); exit 99 on a regression the spread says is real',
      (y) =>
        y
          .positional('base', { type: 'string', demandOption: true, describe: 'the baseline summary.json' })
          .positional('current', { type: 'string', demandOption: true, describe: 'the summary.json to judge' })
          .option('max-regression', { type: 'string', describe: 'largest regression allowed, e.g. 5% [default: the profile\'s maxRegression, 5%]' })
          .option('allow-profile-mismatch', { type: 'boolean', default: false, describe: 'compare summaries of different profiles anyway' })
          .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON' }),
      (a) =>
        onChosen({
          command: 'compare',
          args: { base: String(a.base), current: String(a.current), allowProfileMismatch: a['allow-profile-mismatch'] === true, json: a.json === true, ...defined({ maxRegression: str(a['max-regression']) }) },
        }),
    )
    .command(
      'capacity <profile>',
      'the highest rate the target sustains within the profile\'s SLO, the knee, thread scaling, and predictions for more cores',
      (y) =>
        y
          .positional('profile', { type: 'string', demandOption: true, describe: 'profile file (YAML) with latency or rate thresholds: the SLO' })
          .option('target', { type: 'string', describe: 'inproc, or the URL of a target server (ws://… or http://…)' })
          .option('executor', { type: 'string', describe: `executor: ${executorNames.join(', ')}` })
          .option('max-threads', { type: 'number', describe: 'measure thread scaling up to this many threads [default: the machine\'s cores]' })
          .option('max-rate', { type: 'number', describe: 'never offer more than this, tx/s [default: 1000000]' })
          .option('out', { type: 'string', describe: 'directory for capacity.json [default: .]' })
          .option('report', { type: 'string', describe: 'html: also write capacity.html (latency against rate, throughput against threads)' })
          .option('json', { type: 'boolean', default: false, describe: 'print capacity.json to stdout instead of the table' })
          .option('quiet', { type: 'boolean', default: false, describe: 'no progress lines' }),
      (a) =>
        onChosen({
          command: 'capacity',
          args: {
            profile: String(a.profile),
            json: a.json === true,
            quiet: a.quiet === true,
            ...defined({
              target: str(a.target),
              executor: str(a.executor),
              maxThreads: a['max-threads'] === undefined ? undefined : Number(a['max-threads']),
              maxRate: a['max-rate'] === undefined ? undefined : Number(a['max-rate']),
              out: str(a.out),
              report: str(a.report),
            }),
          },
        }),
    )
    .command('export <format> <profile>', 'hand a profile to k6: a script with its transactions, k6-operator manifests and a README', exportOptions, (a) =>
      onChosen({ command: 'export', args: exportArgs(a) }),
    )
    .command(
      'dashboards',
      'write the Grafana dashboards, Prometheus config and rules, and provisioning files (generated from code)',
      (y) => y.option('out', { type: 'string', describe: 'write them under this directory [default: the repository\'s dashboards/]' }),
      (a) => onChosen({ command: 'dashboards', args: defined({ out: str(a.out) }) }),
    )
    .command(
      'schema',
      'print the profile JSON Schema (for editors), or summary.json\'s',
      (y) =>
        y
          .option('out', { type: 'string', describe: 'write it to this file instead' })
          .option('summary', { type: 'boolean', default: false, describe: 'the schema of summary.json instead of the profile\'s' }),
      (a) => onChosen({ command: 'schema', args: { summary: a.summary === true, ...defined({ out: str(a.out) }) } }),
    )
    .demandCommand(1, 'name a command: run, report, compare, capacity, serve, conformance, validate, record, analyze, bench, export, dashboards or schema')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(version)
    .epilogue(EPILOGUE)
    .wrap(100)
    .exitProcess(false);
}

function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Runs the CLI against an environment and returns the exit code. */
export async function main(env: CliEnv): Promise<number> {
  let chosen: Chosen | undefined;
  let usageError: string | undefined;
  let output = '';
  parser((c) => {
    chosen = c;
  }).parse([...env.argv], {}, (err, _argv, out) => {
    usageError = err?.message;
    output = out;
  });

  if (usageError !== undefined) {
    const command = typeof env.argv[0] === 'string' && !env.argv[0].startsWith('-') ? ` ${env.argv[0]}` : '';
    env.stderr.write(`parabench: ${usageError}\nRun "parabench${command} --help" for usage.\n`);
    return ExitCode.BadInput;
  }
  if (!chosen) {
    // --help or --version: yargs produced the text instead of choosing a command.
    env.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return ExitCode.Passed;
  }
  try {
    switch (chosen.command) {
      case 'run':
        return await runCommand(chosen.args, env);
      case 'validate':
        return await validateCommand(chosen.args, env);
      case 'analyze':
        return await analyzeCommand(chosen.args, env);
      case 'record':
        return await recordCommand(chosen.args, env);
      case 'bench-executors':
        return await benchExecutorsCommand(chosen.args, env);
      case 'schema':
        return await schemaCommand(chosen.args, env);
      case 'serve':
        return await serveCommand(chosen.args, env);
      case 'conformance':
        return await conformanceCommand(chosen.args, env);
      case 'dashboards':
        return await dashboardsCommand(chosen.args, env);
      case 'report':
        return await reportCommand(chosen.args, env);
      case 'compare':
        return await compareCommand(chosen.args, env);
      case 'capacity':
        return await capacityCommand(chosen.args, env);
      case 'export':
        return await exportCommand(chosen.args, env);
    }
  } catch (e) {
    return reportError(e, env);
  }
}

function reportError(e: unknown, env: CliEnv): number {
  if (isParabenchError(e)) {
    const lines = [`parabench: ${e.message}`, ...e.problems.map((p) => `  ${p}`)];
    if (e.hint) lines.push(`hint: ${e.hint}`);
    if (!e.isExpected) lines.push(`(${tracePointer(e, env)})`);
    env.stderr.write(`${lines.join('\n')}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  env.stderr.write(`parabench: internal error: ${message} (${tracePointer(e, env)})\n`);
  return ExitCode.Internal;
}

/** Writes the full trace to a file and says where: one line on screen, everything on disk. */
function tracePointer(e: unknown, env: CliEnv): string {
  const stamp = env.clock.wallNow().toISOString().replace(/[:.]/g, '-');
  const file = join(env.crashDir, `parabench-error-${stamp}.log`);
  const trace = e instanceof Error ? `${e.stack ?? e.message}${e.cause ? `\ncaused by: ${String((e.cause as Error).stack ?? e.cause)}` : ''}` : String(e);
  try {
    writeFileSync(file, `parabench ${version} ${env.argv.join(' ')}\n${trace}\n`);
    return `full trace in ${file}`;
  } catch {
    return 'the full trace could not be written';
  }
}
