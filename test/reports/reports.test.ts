import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { lexer, parse, type Tokens } from 'marked';
import { systemClock } from '../../core/clock.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { compareRuns, type Comparison, type RunFigures } from '../../reports/compare.js';
import { renderJunit } from '../../reports/junit.js';
import { renderMarkdown } from '../../reports/markdown.js';
import type { Summary } from '../../reports/summary.js';
import { runCli, tempDir } from '../helpers/cli.js';

setWorkCalibration(100);

const repo = new URL('../../../', import.meta.url).pathname;
/** Both schemas CI tools are written to: the lenient Jenkins one and the strict Ant one. */
const SCHEMAS = ['junit-10.xsd', 'JUnit.xsd'].map((f) => join(repo, 'test/fixtures/junit', f));

// One threshold that fails on any machine (tps avg>=1000000), and two that pass even on a busy one.
const PROFILE = `name: small
seed: 5
warmup: 200ms
duration: 1s
workload:
  accounts: 500
  costUs: 1
  payments: {}
schedule:
  kind: constant-rate
  rate: 500
target:
  blockSize: 100
  blockTime: 20ms
thresholds:
  latency: ["p(99)<5000"]
  tx_failed: ["rate<0.01"]
  tps: ["avg>=1000000"]
`;

let verified: Summary;
let unverified: Summary;
let work = '';

async function runProfile(cwd: string, extra: readonly string[]): Promise<Summary> {
  const out = await tempDir();
  const r = await runCli(['run', 'p.yaml', '--quiet', '--out', out, ...extra], { cwd, clock: systemClock });
  assert.equal(r.code, 99, `the failing threshold exits 99\n${r.stdout}\n${r.stderr}`);
  // The file the CLI just wrote, in the Summary shape it was built in.
  return JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
}

before(async () => {
  work = await tempDir();
  await writeFile(join(work, 'p.yaml'), PROFILE);
  verified = await runProfile(work, []);
  unverified = await runProfile(work, ['--no-verify']);
});

const runs = (tps: readonly number[], p50: readonly number[], p99: readonly number[]): RunFigures[] =>
  tps.map((t, i) => ({ tps: t, p50: p50[i] ?? null, p99: p99[i] ?? null, speedup: null, efficiency: null }));

/** tps fell by a fifth with little noise (a regression); latency moved within its noise (not one). */
function baseline(file = 'reports/base/summary.json'): Comparison {
  return compareRuns(
    { file, profile: 'small', profileHash: verified.profile.hash, runs: runs([1000, 1010, 990], [10, 10.5, 9.5], [20, 21, 19]) },
    { file: 'current', profile: 'small', profileHash: verified.profile.hash, runs: runs([800, 805, 795], [10.1, 9.9, 10], [20.5, 19.5, 20]) },
    0.05,
  );
}

// ---- xmllint: the schema validator CI runners have ----

const exec = promisify(execFile);
const MISSING_XMLLINT = 'xmllint not found: install it with apt-get install -y --no-install-recommends libxml2-utils (see README)';

async function xmllint(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('xmllint', [...args]);
    return { code: 0, stdout, stderr };
  } catch (err: unknown) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') throw new Error(MISSING_XMLLINT);
    const e = err as { code?: unknown; stdout?: unknown; stderr?: unknown };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: String(e.stdout ?? ''), stderr: String(e.stderr ?? '') };
  }
}

let fileNo = 0;
async function save(xml: string): Promise<string> {
  const file = join(work, `junit-${fileNo++}.xml`);
  await writeFile(file, xml);
  return file;
}

async function assertValid(xml: string): Promise<string> {
  const file = await save(xml);
  for (const xsd of SCHEMAS) {
    const r = await xmllint(['--noout', '--schema', xsd, file]);
    assert.equal(r.code, 0, `${xsd}:\n${r.stderr}\n${xml}`);
  }
  return file;
}

/** An XPath string value, read by a real XML parser. */
async function xpath(file: string, expr: string): Promise<string> {
  const r = await xmllint(['--xpath', `string(${expr})`, file]);
  // xmllint exits 10 when the XPath selects nothing; string() of nothing is ''.
  return r.code === 0 ? r.stdout.replace(/\n$/, '') : '';
}

async function count(file: string, expr: string): Promise<number> {
  return Number(await xpath(file, `count(${expr})`));
}

async function suiteCounts(file: string): Promise<Record<'tests' | 'failures' | 'errors' | 'skipped' | 'cases' | 'failureElems' | 'errorElems', number>> {
  return {
    tests: Number(await xpath(file, '/testsuites/testsuite/@tests')),
    failures: Number(await xpath(file, '/testsuites/testsuite/@failures')),
    errors: Number(await xpath(file, '/testsuites/testsuite/@errors')),
    skipped: Number(await xpath(file, '/testsuites/testsuite/@skipped')),
    cases: await count(file, '//testcase'),
    failureElems: await count(file, '//testcase/failure'),
    errorElems: await count(file, '//testcase/error'),
  };
}

const HOSTILE = `evil<]]>&"'\u0001x`;

/** A summary with hostile strings everywhere a string reaches the reports. */
function hostile(): Summary {
  return {
    ...verified,
    passed: false,
    aborted: 'inter|rupted\n<b>',
    profile: { ...verified.profile, name: HOSTILE, file: 'p|q`.yaml', workload: '<details>open', schedule: '- 1. # x' },
    verification: { ...verified.verification, stateRootMatches: false, mismatch: 'block 3 | tx 7:\nroot \u0000a\u0007 != b]]>\uD800\uFFFF' },
    errors: [{ message: 'socket </system-out> closed\r\nagain', count: 3 }],
    warnings: ['a | b\nc', 'ends with a backslash \\', '`unclosed *emph _x [link](javascript:alert(1))'],
    baseline: baseline(`base|${HOSTILE}`),
  };
}

describe('JUnit report', () => {
  test('a real run validates against both JUnit schemas, with the right counts', async () => {
    const file = await assertValid(renderJunit(verified));
    // run + 3 thresholds + verification; only tps avg>=1000000 fails.
    assert.deepEqual(await suiteCounts(file), { tests: 5, failures: 1, errors: 0, skipped: 0, cases: 5, failureElems: 1, errorElems: 0 });
    assert.equal(await xpath(file, '/testsuites/testsuite/@name'), 'parabench.small');
    assert.equal(await count(file, "//testcase[@classname='parabench.small.thresholds']"), 3);
    assert.equal(await count(file, "//testcase[@classname='parabench.small.verification' and @name='results match sequential execution' and not(failure)]"), 1);
    // The measured window, and the start time in UTC without a zone (the Ant schema's pattern).
    assert.equal(await xpath(file, '/testsuites/testsuite/@time'), '1.000');
    assert.equal(await xpath(file, '/testsuites/testsuite/@timestamp'), verified.startedAt.slice(0, 19));
    assert.equal(await xpath(file, "//property[@name='profile.hash']/@value"), verified.profile.hash);
    assert.equal(await xpath(file, "//property[@name='executor']/@value"), 'sequential');
    assert.equal(await xpath(file, "//property[@name='tps']/@value"), String(verified.tps));
    assert.match(await xpath(file, '//system-out'), /parabench · small · FAILED: 1 of 3 thresholds/);
  });

  test('the schemas do reject what CI tools would not read (the validation is not vacuous)', async () => {
    const xml = renderJunit(verified);
    const rejects = async (broken: string, xsd: string): Promise<void> => {
      assert.notEqual(broken, xml);
      const r = await xmllint(['--noout', '--schema', join(repo, 'test/fixtures/junit', xsd), await save(broken)]);
      assert.notEqual(r.code, 0, `${xsd} accepted:\n${broken}`);
    };
    // A time zone on the timestamp, which is what an ISO string from Date would carry.
    await rejects(xml.replace(/timestamp="([^"]+)"/, 'timestamp="$1Z"'), 'JUnit.xsd');
    await rejects(xml.replace(/ tests="\d+"/, ''), 'junit-10.xsd');
    await rejects(xml.replace('<testcase ', '<testcase><failure/></testcase><testcase '), 'junit-10.xsd');
  });

  test('a failed threshold carries the measured value and the limit', async () => {
    const file = await assertValid(renderJunit(verified));
    const failure = "//testcase[@classname='parabench.small.thresholds' and @name='tps avg>=1000000']/failure";
    assert.equal(await xpath(file, `${failure}/@type`), 'threshold');
    const message = await xpath(file, `${failure}/@message`);
    const tps = verified.thresholds.find((t) => t.metric === 'tps')?.value;
    assert.ok(typeof tps === 'number');
    assert.equal(message, `tps avg>=1000000: measured ${tps.toFixed(1)} tx/s, limit >= 1000000 tx/s`);
    assert.match(await xpath(file, failure), /tps: committed per second/);
    assert.equal(await count(file, "//testcase[@name='latency p(99)<5000' and not(failure)]"), 1);
  });

  test('a value that rounds onto the limit is shown with enough digits to tell', async () => {
    const s: Summary = {
      ...verified,
      thresholds: [
        // 1000.0 would meet the limit it missed, and 250.0 miss the one it met.
        { metric: 'tps', expr: 'avg>=1000', value: 999.96, unit: 'tx/s', ok: false },
        { metric: 'latency', expr: 'p(99)<250', value: 249.96, unit: 'ms', ok: true },
        // Rounding that keeps the verdict stays short.
        { metric: 'latency', expr: 'p(90)<250', value: 250.04, unit: 'ms', ok: false },
        { metric: 'tx_failed', expr: 'rate<0.01', value: 0.012, unit: 'ratio', ok: false },
      ],
    };
    const file = await assertValid(renderJunit(s));
    assert.equal(await xpath(file, "//testcase[@name='tps avg>=1000']/failure/@message"), 'tps avg>=1000: measured 999.96 tx/s, limit >= 1000 tx/s');
    assert.equal(await xpath(file, "//testcase[@name='latency p(90)<250']/failure/@message"), 'latency p(90)<250: measured 250.0 ms, limit < 250 ms');
    assert.equal(await xpath(file, "//testcase[@name='tx_failed rate<0.01']/failure/@message"), 'tx_failed rate<0.01: measured 1.20%, limit < 1%');
    assert.match(renderMarkdown(s), /\| `latency` \| `p\(99\)<250` \| 249\.96 ms \| ✓ \|/);
  });

  test('a threshold without data fails and says so', async () => {
    const s: Summary = { ...verified, thresholds: [{ metric: 'latency', expr: 'p(99)<250', value: null, unit: 'ms', ok: false }] };
    const file = await assertValid(renderJunit(s));
    assert.match(await xpath(file, '//failure/@message'), /^latency p\(99\)<250: no data.*, limit < 250 ms$/);
  });

  test('baseline: one test case per metric, a failure only for the regression, with its message', async () => {
    const c = baseline();
    assert.deepEqual(c.metrics.map((m) => [m.metric, m.regression]), [['tps', true], ['p50', false], ['p99', false]]);
    const file = await assertValid(renderJunit({ ...verified, baseline: c, passed: false }));
    assert.deepEqual(await suiteCounts(file), { tests: 8, failures: 2, errors: 0, skipped: 0, cases: 8, failureElems: 2, errorElems: 0 });
    assert.equal(await count(file, "//testcase[@classname='parabench.small.baseline']"), 3);
    const failed = "//testcase[@classname='parabench.small.baseline']/failure";
    assert.equal(await count(file, failed), 1);
    assert.equal(await xpath(file, `${failed}/../@name`), 'tps');
    assert.equal(await xpath(file, `${failed}/@type`), 'regression');
    assert.equal(await xpath(file, `${failed}/@message`), c.metrics[0]?.message);
    assert.equal(await xpath(file, "//property[@name='baseline.file']/@value"), 'reports/base/summary.json');
  });

  test('verification: a mismatch fails its test case; an unchecked run has none, and says why', async () => {
    const mismatched: Summary = { ...verified, passed: false, verification: { ...verified.verification, receiptsMatch: false, mismatch: 'block 2, tx 5: status failed, sequential committed' } };
    const bad = await assertValid(renderJunit(mismatched));
    assert.equal(await xpath(bad, "//testcase[@classname='parabench.small.verification']/failure/@message"), 'block 2, tx 5: status failed, sequential committed');
    assert.equal(await xpath(bad, "//property[@name='verification']/@value"), 'mismatch');

    assert.equal(unverified.verification.checked, false);
    const file = await assertValid(renderJunit(unverified));
    assert.deepEqual(await suiteCounts(file), { tests: 4, failures: 1, errors: 0, skipped: 0, cases: 4, failureElems: 1, errorElems: 0 });
    assert.equal(await count(file, "//testcase[@classname='parabench.small.verification']"), 0);
    assert.equal(await xpath(file, "//property[@name='verification']/@value"), 'not checked');
    assert.match(await xpath(file, '//system-out'), /no verification test case: the results were not checked/);
  });

  test('an aborted run is an error, not a pass', async () => {
    const file = await assertValid(renderJunit({ ...verified, aborted: 'interrupted' }));
    assert.deepEqual(await suiteCounts(file), { tests: 5, failures: 1, errors: 1, skipped: 0, cases: 5, failureElems: 1, errorElems: 1 });
    assert.equal(await xpath(file, "//testcase[@classname='parabench.small.run']/error/@type"), 'aborted');
    assert.match(await xpath(file, '//error/@message'), /aborted \(interrupted\)/);
  });

  test('hostile strings are escaped, invalid characters replaced, and the report still validates', async () => {
    const xml = renderJunit(hostile());
    // Nothing XML 1.0 forbids, even as a reference.
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]|&#x?0*[0-8];/);
    assert.doesNotMatch(xml, /\p{Cs}/u);
    const file = await assertValid(xml);
    assert.equal(await xpath(file, '/testsuites/testsuite/@name'), `parabench.evil<]]>&"'\uFFFDx`);
    assert.equal(await count(file, "//testcase[@classname=concat(/testsuites/testsuite/@name, '.thresholds')]"), 3);
    assert.equal(await xpath(file, "//testcase[@name='results match sequential execution']/failure/@message"), 'block 3 | tx 7:\nroot \uFFFDa\uFFFD != b]]>\uFFFD\uFFFD');
    const out = await xpath(file, '//system-out');
    assert.match(out, /socket <\/system-out> closed/);
    assert.equal(await xpath(file, "//property[@name='baseline.file']/@value"), `base|evil<]]>&"'\uFFFDx`);
    assert.deepEqual(await suiteCounts(file), { tests: 8, failures: 3, errors: 1, skipped: 0, cases: 8, failureElems: 3, errorElems: 1 });
  });
});

// ---- Markdown ----

/** `|` that end cells: not the escaped ones (an odd run of backslashes before it). */
function cellPipes(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') n++;
  }
  return n;
}

/** Each block of table lines: every row as many cells as the header, and a delimiter row second. */
function assertTablesWellFormed(md: string): number {
  const blocks: string[][] = [];
  let current: string[] | null = null;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      if (!current) blocks.push((current = []));
      current.push(line);
    } else current = null;
    assert.ok(!line.startsWith('|') || line.endsWith('|'), `a table row ends with |: ${line}`);
  }
  for (const rows of blocks) {
    const [header, delimiter] = rows;
    assert.ok(header !== undefined && delimiter !== undefined);
    assert.match(delimiter, /^\|( --- \|)+$/);
    for (const row of rows) assert.equal(cellPipes(row), cellPipes(header), `${row}\nhas not as many cells as\n${header}`);
  }
  return blocks.length;
}

function tables(md: string): Tokens.Table[] {
  return lexer(md).filter((t): t is Tokens.Table => t.type === 'table');
}

function html(md: string): string {
  return parse(md, { async: false, gfm: true });
}

describe('Markdown report', () => {
  test('verdict heading, what ran, and the key figures in the terminal table words', () => {
    const md = renderMarkdown(verified);
    assert.equal(md.split('\n')[0], '## ❌ FAILED: 1 of 3 thresholds · parabench · small');
    assert.match(md, /\n\*\*small\*\* \(p\.yaml\) · payments \(transfer\) · 500 accounts · uniform · constant-rate 500 tx\/s · 1s measured after 200ms warm-up · target inproc · sequential · 1 thread · seed 5\n/);
    const x = verified.tx;
    assert.ok(md.includes(`| transactions | ${x.sent} sent = ${x.committed} committed + ${x.failed} failed + ${x.errored} errored + ${x.timedOut} timed out · ${x.dropped} dropped |`), md);
    assert.match(md, /\| throughput \| \*\*\d+\.\d tx\/s\*\* committed · sent \d+\.\d tx\/s of 500 asked \|/);
    assert.match(md, /\| latency ms \| p50 [\d.]+ · p90 [\d.]+ · p99 \*\*[\d.]+\*\* · max [\d.]+ \|/);
    assert.match(md, /\| executor \| [\d.]+ µs\/tx · 0\.00 re-executions per tx · \d+ blocks/);
    assert.match(md, /\| bound \| S_max\(1\) 1\.00/);
    assert.match(md, /\| verified \| \d+ blocks, \d+ tx re-executed sequentially: receipts and state roots match \|/);
    assert.match(md, /\| `tps` \| `avg>=1000000` \| \d+\.\d tx\/s \| ✗ \|/);
    assert.match(md, /\| `latency` \| `p\(99\)<5000` \| [\d.]+ ms \| ✓ \|/);
    assert.doesNotMatch(md, /Against the baseline/);
    assert.equal(assertTablesWellFormed(md), 2);

    const passed = renderMarkdown({ ...verified, passed: true, thresholds: verified.thresholds.filter((t) => t.ok) });
    assert.equal(passed.split('\n')[0], '## ✅ PASSED · parabench · small');
    const aborted = renderMarkdown({ ...verified, passed: true, thresholds: [], aborted: 'interrupted' });
    assert.equal(aborted.split('\n')[0], '## ✅ PASSED · parabench · small · ⚠️ aborted (interrupted): the figures cover part of the window');
  });

  test('unverified runs say so, and list their warnings', () => {
    const md = renderMarkdown(unverified);
    assert.match(md, /\| verified \| ⚠️ not checked \|/);
    // A busy machine adds warnings of its own (generator-bound): this one is there whatever else is.
    assert.match(md, /### Warnings\n\n(- .*\n)*- results were not checked against sequential execution \(--no-verify, or a target that cannot be checked\)\n/);
  });

  test('the baseline table: figures, change, 95% CI and verdict per metric', () => {
    const md = renderMarkdown({ ...verified, baseline: baseline(), passed: false });
    assert.equal(md.split('\n')[0], '## ❌ FAILED: 1 of 3 thresholds; 1 regression against the baseline · parabench · small');
    assert.match(md, /\| Metric \| Base \| Current \| Change \| 95% CI \| Verdict \|/);
    assert.match(md, /\| throughput \| 1,000 tx\/s \| 800 tx\/s \| -20\.0% \| -2\d\.\d% … -1\d\.\d% \| ❌ regression \|/);
    assert.match(md, /\| latency p50 \| 10 ms \| 10 ms \| \+0\.0% \| -\d+\.\d% … \+\d+\.\d% \| no significant change \|/);
    assert.equal(assertTablesWellFormed(md), 3);
  });

  test('renders with a real Markdown parser: the tables become <table>, every row complete', () => {
    for (const s of [verified, { ...verified, baseline: baseline() }, hostile()]) {
      const md = renderMarkdown(s);
      const found = tables(md);
      assert.equal(found.length, s.baseline ? 3 : 2);
      for (const t of found) for (const row of t.rows) assert.equal(row.length, t.header.length, t.raw);
      assert.equal(html(md).match(/<table>/g)?.length, found.length);
      const figures = found[0];
      assert.ok(figures);
      assert.equal(figures.rows.length, 6);
    }
  });

  test('hostile strings stay literal text: no broken table, no HTML, no markup', () => {
    const md = renderMarkdown(hostile());
    assert.equal(assertTablesWellFormed(md), 3);
    assert.doesNotMatch(md, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const out = html(md);
    const heading = out.match(/<h2>(.*)<\/h2>/)?.[1];
    assert.equal(heading, '❌ FAILED: 1 of 3 thresholds; results differ from sequential execution; 1 regression against the baseline · parabench · evil&lt;]]&gt;&amp;&quot;&#39;\uFFFDx · ⚠️ aborted (inter|rupted &lt;b&gt;): the figures cover part of the window');
    // The workload named like an HTML block stays text; the schedule named like a list stays in its line.
    assert.doesNotMatch(out, /<details|<b>|<a |<em>|<code>unclosed/);
    assert.match(out, /&lt;details&gt;open · - 1\. # x/);
    // The mismatch, with its pipe and newline, is one cell of the verified row.
    const verifiedRow = tables(md)[0]?.rows.find((r) => r[0]?.text === 'verified');
    assert.ok(verifiedRow);
    assert.equal(verifiedRow.length, 2);
    assert.match(out, /<td>❌ MISMATCH: block 3 \| tx 7: root \uFFFDa\uFFFD != b\]\]&gt;\uFFFD\uFFFD<\/td>/);
    const items = [...out.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1]);
    assert.deepEqual(items, [
      '3 × socket &lt;/system-out&gt; closed again',
      'a | b c',
      'ends with a backslash \\',
      '`unclosed *emph _x [link](javascript:alert(1))',
    ]);
  });
});
