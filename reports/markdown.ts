/**
 * The summary as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY` and pull-request comments:
 * the verdict first, then the figures a reviewer asks about, in the terminal table's words.
 *
 * Every string that comes from the summary goes through `text()` (or `code()` for the expressions
 * the profile schema has already restricted): summary.json can be edited, or come from another
 * version, and one stray `|` or newline in a warning would otherwise break the table it sits in, or
 * a `<details>` in a name swallow the rest of a PR comment.
 */
import { formatDuration } from '../core/duration.js';
import type { ComparedMetric, Comparison, MetricComparison } from './compare.js';
import type { Summary } from './summary.js';
import { limitText, matchedText, measuredText, verificationFailed } from './format.js';
import type { ThresholdResult } from './thresholds.js';

export function renderMarkdown(s: Summary): string {
  const out: string[] = [];
  out.push(`## ${verdictLine(s)}`, '');
  out.push(whatRan(s), '');
  out.push(...table(['Figure', 'Value'], keyFigures(s)), '');

  if (s.thresholds.length > 0) {
    out.push('### Thresholds', '');
    out.push(
      ...table(
        ['Metric', 'Threshold', 'Measured', 'Pass'],
        s.thresholds.map((t) => [code(t.metric), code(t.expr), text(measuredText(t)), t.ok ? '✓' : '✗']),
      ),
      '',
    );
  }
  if (s.baseline) out.push(...baselineSection(s.baseline), '');
  if (s.failures.length > 0) {
    out.push('### Failed, by reason', '');
    for (const f of s.failures) out.push(`- ${f.count} × ${text(f.reason)}`);
    out.push('');
  }
  if (s.errors.length > 0) {
    out.push('### Errors', '');
    for (const e of s.errors) out.push(`- ${e.count} × ${text(e.message)}`);
    out.push('');
  }
  if (s.warnings.length > 0) {
    out.push('### Warnings', '');
    for (const w of s.warnings) out.push(item(w));
    out.push('');
  }
  return out.join('\n');
}

/** Why a run failed, in the terminal table's words, plus the baseline's verdict it does not show. */
function failureReasons(s: Summary): string[] {
  const failed = s.thresholds.filter((t) => !t.ok).length;
  const regressions = s.baseline?.metrics.filter((m) => m.regression).length ?? 0;
  return [
    failed > 0 ? `${failed} of ${s.thresholds.length} thresholds` : '',
    verificationFailed(s) ? 'results differ from sequential execution' : '',
    regressions > 0 ? `${regressions} regression${regressions === 1 ? '' : 's'} against the baseline` : '',
  ].filter(Boolean);
}


function verdictLine(s: Summary): string {
  const reasons = failureReasons(s);
  const verdict = s.passed ? '✅ PASSED' : `❌ FAILED${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
  // An aborted run's figures cover part of its window: a pass says less than it seems to.
  const aborted = s.aborted ? ` · ⚠️ aborted (${text(s.aborted)}): the figures cover part of the window` : '';
  return `${verdict} · parabench · ${text(s.profile.name)}${aborted}`;
}

function whatRan(s: Summary): string {
  const t = s.target;
  const parts = [
    `${strong(text(s.profile.name))} (${text(s.profile.file)})`,
    text(s.profile.workload),
    text(s.profile.schedule),
    `${formatDuration(s.window.durationMs)} measured after ${formatDuration(s.window.warmupMs)} warm-up`,
    `target ${text(t.kind)}${t.url ? ` ${text(t.url)}` : ''}`,
    t.executor !== undefined ? text(t.executor) : '',
    t.threads !== undefined ? `${t.threads} thread${t.threads === 1 ? '' : 's'}` : '',
    `seed ${s.profile.seed}`,
    s.repeats ? `last of ${s.repeats.length} runs` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

function keyFigures(s: Summary): string[][] {
  const rows: string[][] = [];
  const closedLoop = s.config.schedule.kind === 'closed-loop';
  rows.push([
    'throughput',
    closedLoop
      ? `${strong(`${fixed(s.tps, 1)} tx/s`)} committed · sent ${fixed(s.rate.achieved, 1)} tx/s, as fast as the target answered (closed loop)`
      : `${strong(`${fixed(s.tps, 1)} tx/s`)} committed · sent ${fixed(s.rate.achieved, 1)} tx/s of ${fixed(s.rate.requested, 0)} asked`,
  ]);
  const l = s.latencyMs;
  rows.push([closedLoop ? 'service ms' : 'latency ms', `p50 ${ms(l.p50)} · p90 ${ms(l.p90)} · p99 ${strong(ms(l.p99))} · max ${ms(l.max)}`]);
  const x = s.tx;
  rows.push([
    'transactions',
    `${x.sent} sent = ${x.committed} committed + ${x.failed} failed + ${x.errored} errored + ${x.timedOut} timed out · ${x.dropped} dropped`,
  ]);
  if (s.executor) {
    const e = s.executor;
    const per = (n: number): string => (e.txs > 0 ? (n / e.txs).toFixed(2) : '0');
    rows.push([
      'executor',
      `${fixed(e.usPerTx, 1)} µs/tx · ${per(e.reexecutions)} re-executions per tx · ${e.blocks} blocks, ${fixed(e.meanTxPerBlock, 1)} tx/block${e.fallbacks > 0 ? ` · ${e.fallbacks} blocks on the sequential path` : ''}`,
    ]);
  }
  // A bound of no blocks (none kept, as with --no-verify) is all zeros and says nothing.
  if (s.bound && s.bound.blocks > 0) {
    const b = s.bound;
    rows.push(['bound', `S_max(${b.threads}) ${fixed(b.smax, 2)} · S_list ${fixed(b.slist, 2)} · W/CP ${fixed(b.parallelism, 1)}`]);
  }
  rows.push(['verified', verificationText(s)]);
  return rows;
}

function verificationText(s: Summary): string {
  const v = s.verification;
  if (!v.checked) return '⚠️ not checked';
  if (verificationFailed(s)) return `❌ MISMATCH: ${text(v.mismatch ?? 'state roots or receipts differ from sequential execution')}`;
  const roots = matchedText(v);
  return `${v.blocks} blocks, ${v.txs} tx re-executed sequentially: ${roots}`;
}

function baselineSection(c: Comparison): string[] {
  const runs = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;
  const out = [
    '### Against the baseline',
    '',
    `${text(c.base.file)} (${text(c.base.profile)}, ${runs(c.base.runs)}) → this run (${runs(c.current.runs)}): ${c.passed ? 'no regression' : 'regressed'} beyond the allowed ${(c.maxRegression * 100).toFixed(1)}%`,
  ];
  // Different scenarios make every figure differ for reasons other than the code under test.
  if (c.base.profileHash !== c.current.profileHash) out.push('', '⚠️ the baseline ran a different scenario (its profile hash differs): the comparison says little about the executor');
  out.push('');
  out.push(
    ...table(
      ['Metric', 'Base', 'Current', 'Change', '95% CI', 'Verdict'],
      c.metrics.map((m) => [
        METRIC_LABEL[m.metric] ?? text(m.metric),
        compared(m.base.mean, m.unit),
        compared(m.current.mean, m.unit),
        pct(m.change),
        m.ci ? `${pct(m.ci[0])} … ${pct(m.ci[1])}` : '– (single runs)',
        verdictMark(m),
      ]),
    ),
  );
  return out;
}

const METRIC_LABEL: Partial<Record<ComparedMetric, string>> = {
  tps: 'throughput',
  p50: 'latency p50',
  p99: 'latency p99',
  speedup: 'speed-up',
  efficiency: 'efficiency',
};

function verdictMark(m: MetricComparison): string {
  if (m.regression) return '❌ regression';
  if (m.verdict === 'improvement') return '✅ improvement';
  return text(m.verdict);
}

/** As compare.ts writes its figures: four significant digits, then the unit. */
function compared(x: number, unit: string): string {
  if (!Number.isFinite(x)) return '–';
  const n = Number(x.toPrecision(4)).toLocaleString('en-US');
  return unit === '' ? n : unit === '×' ? `${n}×` : `${n} ${text(unit)}`;
}

function pct(x: number): string {
  if (!Number.isFinite(x)) return '–';
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/** Lone surrogates and the two noncharacters no text encoding carries as themselves. */
const NOT_TEXT = /\p{Cs}|[\uFFFE\uFFFF]/gu;
/** ASCII punctuation that starts emphasis, code, links, HTML or strike-through, ends a table cell, or escapes the next character. */
const INLINE = /[\\`*_[\]<>&|~#!]/g;

/**
 * A summary string as literal inline Markdown: one line, punctuation backslash-escaped (CommonMark
 * renders any escaped ASCII punctuation as itself, and GFM splits table cells on `|` only when it
 * is not escaped).
 */
function text(s: string): string {
  return s.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(CONTROL, '\uFFFD').replace(NOT_TEXT, '\uFFFD').replace(INLINE, '\\$&');
}

/** A list item of a summary string: at its start, `-`, `+` or `1.` would open a nested list. */
function item(s: string): string {
  return `- ${text(s).replace(/^([-+])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2')}`;
}

/**
 * A code span, for strings the profile schema restricts (metric names, threshold expressions). Backslash
 * escapes do not work inside code spans, except `\|` in a GFM table cell, so anything else that
 * could end the span or the line is replaced.
 */
function code(s: string): string {
  return `\`${s.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(CONTROL, '\uFFFD').replace(NOT_TEXT, '\uFFFD').replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

function strong(s: string): string {
  return `**${s}**`;
}

function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}

/** As the terminal table shows milliseconds. */
function ms(x: number | null): string {
  if (x === null) return '–';
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}
