import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { summarySchemaText } from '../../cli/commands/schema.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

setWorkCalibration(100);

const shipped = new URL('../../../reports/summary.schema.json', import.meta.url).pathname;

const PROFILE = `name: schema-check
warmup: 1s
duration: 2s
workload: { accounts: 300, initialBalance: 2000, costUs: 1, payments: { amount: { min: 1, max: 900 } } }
schedule: { kind: constant-rate, rate: 400 }
target: { blockSize: 100, blockTime: 20ms }
thresholds:
  latency: ["p(99)<250"]
  tx_failed: ["rate<0.5"]
`;

describe('summary.json and its JSON Schema', () => {
  test('reports/summary.schema.json is what the schema generates (run `npm run gen:schema` after changing it)', () => {
    assert.equal(readFileSync(shipped, 'utf8'), summarySchemaText());
  });

  test('real summaries validate against the shipped schema: a plain run, and one with --repeat, --baseline and --report', async () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(shipped, 'utf8')) as object);
    const cwd = await tempDir();
    await writeFile(join(cwd, 'p.yaml'), PROFILE);
    const first = await runCli(['run', 'p.yaml', '--quiet', '--out', 'one'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    const r = await runCli(['run', 'p.yaml', '--quiet', '--out', 'two', '--repeat', '2', '--baseline', 'one/summary.json', '--report', 'html,md,junit'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    for (const out of ['one', 'two']) {
      const summary = JSON.parse(await readFile(join(cwd, out, 'summary.json'), 'utf8'));
      assert.ok(validate(summary), `${out}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
    const two = JSON.parse(await readFile(join(cwd, 'two', 'summary.json'), 'utf8'));
    assert.equal(two.repeats.length, 2);
    assert.equal(two.baseline.base.runs, 1);
    assert.equal(two.baseline.current.runs, 2);
    assert.equal(two.baseline.passed, true);
    for (const f of ['report.html', 'report.md', 'junit.xml']) assert.ok(existsSync(join(cwd, 'two', f)), f);
    assert.match(r.stdout, /report: two\/report\.html/);
    // The reports render from the file as from the run.
    const md = await runCli(['report', 'two/summary.json', '--format', 'md'], { cwd });
    assert.equal(md.code, 0, md.stderr);
    assert.equal(md.stdout, await readFile(join(cwd, 'two', 'report.md'), 'utf8'));
    // A baseline of another profile is refused before anything runs, unless the user insists.
    await writeFile(join(cwd, 'other.yaml'), PROFILE.replace('rate: 400', 'rate: 300'));
    const other = await runCli(['run', 'other.yaml', '--quiet', '--baseline', 'one/summary.json'], { cwd });
    assert.equal(other.code, 2);
    assert.match(other.stderr, /--baseline: one\/summary\.json: a summary of another profile \("schema-check", hash [0-9a-f]{12}\) than this run's \("schema-check", hash [0-9a-f]{12}\): their figures are not comparable/);
    assert.match(other.stderr, /--allow-profile-mismatch/);
    const bad = await runCli(['report', 'two/summary.json', '--format', 'pdf'], { cwd });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format: expected formats from html, md, junit \(comma-separated\), found "pdf"/);
  });
});
