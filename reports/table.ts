import { formatDuration } from '../core/duration.js';
import { executorExtras, matchedText, measuredText } from './format.js';
import type { Summary } from './summary.js';

export interface TableOptions {
  /** ANSI colours, for terminals. */
  readonly color?: boolean;
  /** Where summary.json was written, to show at the end. */
  readonly summaryPath?: string;
}

/** The end-of-run summary as people read it in a terminal: verdict first, then the figures. */
export function renderTable(s: Summary, options: TableOptions = {}): string {
  const paint = (code: string) => (text: string): string => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const green = paint('32');
  const red = paint('31');
  const yellow = paint('33');
  const bold = paint('1');
  const dim = paint('2');

  const failedThresholds = s.thresholds.filter((t) => !t.ok).length;
  const verificationFailed = s.verification.checked && !(s.verification.stateRootMatches && s.verification.receiptsMatch);
  const verdict = s.passed
    ? green('PASSED')
    : red(
        `FAILED: ${[
          failedThresholds > 0 ? `${failedThresholds} of ${s.thresholds.length} thresholds` : '',
          verificationFailed ? 'results differ from sequential execution' : '',
        ]
          .filter(Boolean)
          .join('; ')}`,
      );

  const t = s.target;
  const targetLine = [
    `target ${t.kind}${t.url ? ` ${t.url}` : ''}`,
    t.executor,
    t.threads !== undefined ? `${t.threads} thread${t.threads === 1 ? '' : 's'}` : undefined,
    t.blockSize !== undefined && t.blockTimeMs !== undefined ? `blocks ≤${t.blockSize} tx / ${formatDuration(t.blockTimeMs)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');

  const lines: string[] = [];
  lines.push(`${bold(`parabench · ${s.profile.name}`)} · ${verdict}${s.aborted ? yellow(` (${s.aborted})`) : ''}`);
  lines.push(dim(`  ${s.profile.workload}`));
  lines.push(
    dim(
      `  ${s.profile.schedule} · ${formatDuration(s.window.durationMs)} measured after ${formatDuration(s.window.warmupMs)} warm-up · seed ${s.profile.seed}`,
    ),
  );
  lines.push(dim(`  ${targetLine}`));
  lines.push('');

  const row = (label: string, text: string): void => {
    lines.push(`  ${label.padEnd(13)}${text}`);
  };
  const closedLoop = s.config.schedule.kind === 'closed-loop';
  row(
    'throughput',
    closedLoop
      ? `${bold(num(s.tps, 1))} tx/s committed    sent ${num(s.rate.achieved, 1)} tx/s, as fast as the target answered (closed loop)`
      : `${bold(num(s.tps, 1))} tx/s committed    sent ${num(s.rate.achieved, 1)} tx/s of ${num(s.rate.requested)} asked`,
  );
  const l = s.latencyMs;
  row(closedLoop ? 'service ms' : 'latency ms', `p50 ${ms(l.p50)}   p90 ${ms(l.p90)}   p99 ${bold(ms(l.p99))}   p99.9 ${ms(l.p999)}   max ${ms(l.max)}`);
  // A closed loop sends when answers come: it has no schedule to be late for.
  if (!closedLoop) row('send lag ms', `p50 ${ms(s.sendLagMs.p50)}   p99 ${ms(s.sendLagMs.p99)}   max ${ms(s.sendLagMs.max)}`);
  const x = s.tx;
  row(
    'transactions',
    `${x.sent} sent = ${x.committed} committed + ${x.failed} failed + ${x.errored} errored + ${x.timedOut} timed out · ${x.dropped} dropped`,
  );
  if (s.executor) {
    const e = s.executor;
    const extra = executorExtras(e);
    row('executor', `${e.blocks} blocks · ${num(e.meanTxPerBlock, 1)} tx/block · ${num(e.usPerTx, 1)} µs/tx · ${num(e.execMs, 0)} ms executing${extra}`);
  }
  if (s.chain) {
    const c = s.chain;
    const others = c.txs - c.ours;
    row('chain', `${c.blocks} blocks · ${c.ours} of the run's tx mined${others > 0 ? ` (+${others} others: gap fillers or other senders)` : ''} · gas per block mean ${c.gasUsed.meanPerBlock.toLocaleString('en-US')}, max ${c.gasUsed.maxPerBlock.toLocaleString('en-US')}`);
    const r = c.receipts;
    row('receipts', `${r.checked} of ${c.ours} read${r.sampledBlocks > 0 ? ` (a sample of each of ${r.sampledBlocks} large blocks)` : ''} · ${r.reverted} reverted`);
    const p = c.prepare;
    row('prepare', `${p.seconds.toFixed(1)} s before the clock · funded by ${p.funding} · ${p.setupTxs} set-up transaction${p.setupTxs === 1 ? '' : 's'} (funding, deployments, mints, pools) · ${p.signed} signed, ${p.cached} from the cache`);
  }
  if (s.bound) {
    const b = s.bound;
    const hot = b.hotKeys[0];
    const hottest = hot ? ` · hottest ${hot.key} in ${(hot.share * 100).toFixed(1)}% of tx` : '';
    row('contention', `W/CP ${num(b.parallelism, 1)} · S_max(${b.threads}) ${num(b.smax, 2)} · S_list ${num(b.slist, 2)} · S_lock ${num(b.slock, 2)}${hottest}`);
  }
  const v = s.verification;
  if (!v.checked) row('verified', yellow('not checked'));
  else if (v.mismatch) row('verified', red(`MISMATCH: ${v.mismatch}`));
  else {
    const roots = matchedText(v);
    row('verified', `${v.blocks} blocks, ${v.txs} tx re-executed sequentially: ${roots}`);
  }

  if (s.thresholds.length > 0) {
    lines.push('');
    lines.push('  thresholds');
    const width = Math.max(...s.thresholds.map((th) => th.metric.length));
    const exprWidth = Math.max(...s.thresholds.map((th) => th.expr.length));
    for (const th of s.thresholds) {
      const mark = th.ok ? green('✓') : red('✗');
      const value = measuredText(th);
      lines.push(`    ${mark} ${th.metric.padEnd(width)}  ${th.expr.padEnd(exprWidth)}  ${value}`);
    }
  }
  if (s.failures.length > 0) {
    lines.push('');
    lines.push('  failed, by reason');
    for (const f of s.failures) lines.push(`    ${f.count} × ${f.reason}`);
  }
  if (s.errors.length > 0) {
    lines.push('');
    lines.push('  errors');
    for (const err of s.errors) lines.push(`    ${err.count} × ${err.message}`);
  }
  if (s.warnings.length > 0) {
    lines.push('');
    lines.push('  warnings');
    for (const w of s.warnings) lines.push(`    ${yellow('!')} ${w}`);
  }
  if (options.summaryPath) {
    lines.push('');
    lines.push(dim(`  summary: ${options.summaryPath}`));
  }
  return lines.join('\n') + '\n';
}


function num(x: number, digits = 0): string {
  return x.toFixed(digits);
}

function ms(x: number | null): string {
  if (x === null) return '–';
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}
