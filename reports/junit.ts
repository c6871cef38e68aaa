/**
 * The summary as JUnit XML, the one test-report format every CI system reads (Jenkins, GitLab,
 * Azure DevOps, GitHub Actions reporters). A run is one test suite, `parabench.<profile>`:
 *
 * - `<profile>.run` "completed its schedule": an error when the run was aborted (interrupted), so a
 *   partial run never shows as all green however its thresholds fared;
 * - `<profile>.thresholds`, one test case per threshold, failed with the measured value and the limit;
 * - `<profile>.baseline`, one per compared metric, failed only on a regression, with the comparison's message;
 * - `<profile>.verification` "results match sequential execution", failed on a mismatch. It is
 *   left out when the run was not checked (--no-verify, or a target that cannot be checked): a
 *   passing test case would claim a check that never ran, and a skipped one would make every
 *   unverifiable target's report look incomplete. The suite's properties and system-out say so instead.
 *
 * The output is valid against both schemas CI tools are written to: the Jenkins xUnit plugin's
 * junit-10.xsd and the stricter Ant/windyroad JUnit.xsd (test/fixtures/junit/). The second decides
 * several details: no attributes on <testsuites>, `package` and `id` on the suite, a `hostname`,
 * a timestamp without a time zone, at most one failure or error per test case and no system-out in
 * one, a `time` on every test case.
 */
import { THRESHOLD_METRICS } from '../core/thresholds.js';
import { limitText, measuredText, verificationFailed } from './format.js';
import type { MetricComparison } from './compare.js';
import type { Summary } from './summary.js';
import { renderTable } from './table.js';
import type { ThresholdResult } from './thresholds.js';

interface TestCase {
  readonly classname: string;
  readonly name: string;
  readonly failure?: { readonly type: string; readonly message: string; readonly detail: string };
  readonly error?: { readonly type: string; readonly message: string; readonly detail: string };
}

export function renderJunit(s: Summary): string {
  const suite = `parabench.${oneLine(s.profile.name)}`;
  const cases: TestCase[] = [runCase(s, suite), ...s.thresholds.map((t) => thresholdCase(t, suite))];
  for (const m of s.baseline?.metrics ?? []) cases.push(baselineCase(m, suite));
  if (s.verification.checked) cases.push(verificationCase(s, suite));

  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const timestamp = junitTimestamp(s.startedAt);
  const suiteAttrs = attrs({
    name: suite,
    // The Ant schema wants the package and position of each suite of an aggregated <testsuites>.
    package: suite,
    id: '0',
    tests: String(cases.length),
    failures: String(failures),
    errors: String(errors),
    skipped: '0',
    time: (Math.max(0, s.window.durationMs) / 1000).toFixed(3),
    ...(timestamp ? { timestamp } : {}),
    // The summary does not record the host (it would make two machines' summaries differ for no
    // figure's sake); the Ant schema asks for 'localhost' then.
    hostname: 'localhost',
  });

  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>', `  <testsuite ${suiteAttrs}>`, '    <properties>'];
  for (const [name, value] of properties(s)) out.push(`      <property ${attrs({ name, value })}/>`);
  out.push('    </properties>');
  for (const c of cases) {
    const head = `    <testcase ${attrs({ classname: c.classname, name: c.name, time: '0' })}`;
    const problem = c.failure ? (['failure', c.failure] as const) : c.error ? (['error', c.error] as const) : null;
    if (!problem) {
      out.push(`${head}/>`);
      continue;
    }
    const [tag, p] = problem;
    out.push(`${head}>`, `      <${tag} ${attrs({ type: p.type, message: p.message })}>${escapeText(p.detail)}</${tag}>`, '    </testcase>');
  }
  out.push(`    <system-out>${escapeText(systemOut(s))}</system-out>`, '    <system-err></system-err>', '  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}

function runCase(s: Summary, suite: string): TestCase {
  const base = { classname: `${suite}.run`, name: 'completed its schedule' };
  if (!s.aborted) return base;
  const message = `the run was aborted (${oneLine(s.aborted)}) before its schedule ended: its figures cover part of the measured window`;
  return { ...base, error: { type: 'aborted', message, detail: message } };
}

function thresholdCase(t: ThresholdResult, suite: string): TestCase {
  const base = { classname: `${suite}.thresholds`, name: `${oneLine(t.metric)} ${oneLine(t.expr)}` };
  if (t.ok) return base;
  const limit = limitText(t);
  const measured = t.value === null ? 'no data: the run produced no such figure, and no evidence is not a pass' : `measured ${measuredText(t)}`;
  const message = `${base.name}: ${measured}${limit ? `, limit ${limit}` : ''}`;
  const about = (THRESHOLD_METRICS as Partial<Record<string, { about: string }>>)[t.metric]?.about;
  return { ...base, failure: { type: 'threshold', message, detail: about ? `${message}\n${t.metric}: ${about}` : message } };
}

function baselineCase(m: MetricComparison, suite: string): TestCase {
  const base = { classname: `${suite}.baseline`, name: oneLine(m.metric) };
  if (!m.regression) return base;
  const samples = (xs: readonly number[]): string => xs.map((x) => String(x)).join(', ');
  const detail = `${m.message}\nbase runs: ${samples(m.base.samples)}\ncurrent runs: ${samples(m.current.samples)}\n(${m.unit === '' ? 'no unit' : m.unit}; ${m.better} is better)`;
  return { ...base, failure: { type: 'regression', message: m.message, detail } };
}

function verificationCase(s: Summary, suite: string): TestCase {
  const base = { classname: `${suite}.verification`, name: 'results match sequential execution' };
  if (!verificationFailed(s)) return base;
  const v = s.verification;
  const message = v.mismatch ?? 'state roots or receipts differ from sequential execution';
  const detail = [
    message,
    `${v.blocks} blocks, ${v.txs} tx re-executed sequentially`,
    `receipts match: ${v.receiptsMatch}`,
    `state roots match: ${v.stateRootMatches} (${v.rootsCompared} compared)`,
  ].join('\n');
  return { ...base, failure: { type: 'mismatch', message, detail } };
}

function properties(s: Summary): [string, string][] {
  const t = s.target;
  const v = s.verification;
  const props: [string, string | number | undefined | null][] = [
    ['parabench.version', s.parabench.version],
    ['startedAt', s.startedAt],
    ['profile.name', s.profile.name],
    ['profile.file', s.profile.file],
    ['profile.hash', s.profile.hash],
    ['profile.seed', s.profile.seed],
    ['workload', s.profile.workload],
    ['schedule', s.profile.schedule],
    ['target.kind', t.kind],
    ['target.url', t.url],
    ['executor', t.executor],
    ['threads', t.threads],
    ['rate.requested', s.rate.requested],
    ['rate.achieved', s.rate.achieved],
    ['tps', s.tps],
    ['latency.p99.ms', s.latencyMs.p99],
    ['verification', !v.checked ? 'not checked' : verificationFailed(s) ? 'mismatch' : 'match'],
    ['passed', String(s.passed)],
    ['aborted', s.aborted],
    ['repeats', s.repeats?.length],
    ['baseline.file', s.baseline?.base.file],
    ['baseline.profileHash', s.baseline?.base.profileHash],
  ];
  return props.filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== null).map(([k, x]) => [k, String(x)]);
}

/** What a person opening the report reads: the terminal table, and what it leaves out. */
function systemOut(s: Summary): string {
  const lines = [renderTable(s).trimEnd()];
  if (s.baseline) {
    lines.push('', '  against the baseline');
    for (const m of s.baseline.metrics) lines.push(`    ${m.regression ? '✗' : '✓'} ${m.message}`);
  }
  if (!s.verification.checked) lines.push('', '  no verification test case: the results were not checked against sequential execution');
  return lines.join('\n') + '\n';
}

/**
 * JUnit timestamps carry no time zone (the Ant schema's pattern forbids one), and Ant writes UTC:
 * so the start time in UTC, to the second. Left out if the summary's is not a date; the property
 * `startedAt` keeps it as written.
 */
function junitTimestamp(startedAt: string): string | null {
  const d = new Date(startedAt);
  if (Number.isNaN(d.getTime())) return null;
  const iso = d.toISOString();
  return /^\d{4}-/.test(iso) ? iso.slice(0, 19) : null;
}

/** Everything XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF), even escaped. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function escapeText(s: string): string {
  return s
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // A literal CR would be read back as a line feed.
    .replace(/\r/g, '&#13;');
}

/** Attribute values: also tabs and line breaks as references, which attribute normalisation would turn into spaces. */
function escapeAttr(s: string): string {
  return escapeText(s).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

function attrs(a: Record<string, string>): string {
  return Object.entries(a)
    .map(([k, v]) => `${k}="${escapeAttr(v)}"`)
    .join(' ');
}

/** Names and class names are read as one line by every CI viewer. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
