import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parser } from '@prometheus-io/lezer-promql';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { generateArtifacts } from '../../dashboards/index.js';
import { RECORDING_RULE_NAMES } from '../../dashboards/rules.js';
import { ALL_METRICS, K6, LOAD } from '../../metrics/catalog.js';

const repo = new URL('../../../', import.meta.url).pathname;
const dashboardsDir = join(repo, 'dashboards');
const schemasDir = join(repo, 'test/fixtures/grafana-jsonschema');
const artifacts = generateArtifacts();

// ── what the artifacts contain ──────────────────────────────────────────────────────────────

interface Target {
  refId?: string;
  expr?: string;
}

interface PanelJson {
  id?: number;
  type: string;
  title?: string;
  options?: unknown;
  fieldConfig?: { defaults?: { unit?: string; custom?: Record<string, unknown> } };
  datasource?: { uid?: string };
  targets?: Target[];
  panels?: PanelJson[];
}

interface DashboardJson {
  uid: string;
  templating: { list: { type: string; name: string; query?: unknown }[] };
  panels: PanelJson[];
}

function artifact(path: string): string {
  const a = artifacts.find((x) => x.path === path);
  assert.ok(a, `generateArtifacts() has no ${path}`);
  return a.content;
}

const dashboards: DashboardJson[] = ['grafana/parabench-overview.json', 'grafana/parabench-executor.json', 'grafana/parabench-k6.json'].map((p) => JSON.parse(artifact(p)) as DashboardJson);
const [overview, executor, k6] = dashboards as [DashboardJson, DashboardJson, DashboardJson];

const panelsOf = (d: DashboardJson): PanelJson[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

/** Every PromQL expression of a dashboard, named for messages. label_values() wraps a selector. */
function dashboardExprs(d: DashboardJson): { where: string; expr: string }[] {
  const fromPanels = panelsOf(d).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${d.uid} panel "${p.title}" ${t.refId}`, expr: t.expr ?? '' })));
  const fromVariables = d.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => {
      const query = String(v.query);
      return { where: `${d.uid} variable ${v.name}`, expr: /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1] ?? query };
    });
  return [...fromPanels, ...fromVariables];
}

interface RulesYaml {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}
const rules = parse(artifact('prometheus/rules.yml')) as RulesYaml;
const ruleExprs = rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${r.record ?? r.alert}`, expr: r.expr })));

// ── the PromQL lint ─────────────────────────────────────────────────────────────────────────

interface Selector {
  metric: string;
  matchers: string;
}

/**
 * Parses with Prometheus's own grammar after replacing Grafana's variables with something PromQL
 * accepts: `$__rate_interval` → a duration, `$run_id` → `__var_run_id` (they only occur in strings).
 */
function lintPromQL(expr: string): { errors: string[]; selectors: Selector[] } {
  const text = expr.replace(/\$__(rate_interval|interval|range)\b/g, '1m').replace(/\$\{?(\w+)\}?/g, '__var_$1');
  const errors: string[] = [];
  const selectors: Selector[] = [];
  parser.parse(text).iterate({
    enter(n) {
      if (n.type.isError) errors.push(`syntax error at ${n.from}: …${text.slice(Math.max(0, n.from - 20), n.from)}⟨here⟩${text.slice(n.from, n.from + 20)}…`);
      if (n.name === 'VectorSelector') {
        const name = n.node.getChild('Identifier');
        const matchers = n.node.getChild('LabelMatchers');
        selectors.push({ metric: name ? text.slice(name.from, name.to) : '', matchers: matchers ? text.slice(matchers.from, matchers.to) : '' });
      }
    },
  });
  if (text.trim() === '') errors.push('empty expression');
  return { errors, selectors };
}

const knownSeries = new Set([
  ...ALL_METRICS.flatMap((m) => (m.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => m.name + s) : [m.name])),
  ...RECORDING_RULE_NAMES,
  // Written by k6's remote-write output for exported runs; native histograms have no suffixed series.
  ...Object.values(K6),
]);

function assertValidPromQL(where: string, expr: string): Selector[] {
  const { errors, selectors } = lintPromQL(expr);
  assert.deepEqual(errors, [], `${where}: ${expr}`);
  for (const s of selectors) {
    assert.ok(knownSeries.has(s.metric), `${where}: ${s.metric || 'a selector without a metric name'} is neither in metrics/catalog.ts (parabench's or k6's) nor a recording rule of dashboards/rules.ts: ${expr}`);
  }
  return selectors;
}

// ── tests ───────────────────────────────────────────────────────────────────────────────────

describe('dashboards and Prometheus rules', () => {
  test('the files under dashboards/ are what generateArtifacts() makes (run `npx parabench dashboards` after changing dashboards/*.ts or the catalog)', () => {
    for (const a of artifacts) {
      let committed: string | undefined;
      try {
        committed = readFileSync(join(dashboardsDir, a.path), 'utf8');
      } catch {
        committed = undefined;
      }
      assert.ok(committed === a.content, `dashboards/${a.path} is ${committed === undefined ? 'missing' : 'stale'}: run \`npx parabench dashboards\``);
    }
  });

  test('generation is deterministic', () => {
    assert.deepEqual(generateArtifacts(), artifacts);
  });

  describe('Grafana JSON Schemas (vendored from grafana-foundation-sdk)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    for (const name of ['dashboard', 'prometheus', 'timeseries', 'stat', 'heatmap', 'table']) {
      const schema = JSON.parse(readFileSync(join(schemasDir, `${name}.jsonschema.json`), 'utf8')) as Record<string, unknown>;
      ajv.addSchema({ ...schema, $id: name });
    }
    const validator = (ref: string): ValidateFunction => ajv.compile({ $ref: ref });
    const hasDefinition = (panelType: string, def: string): boolean => ajv.getSchema(`${panelType}#/definitions/${def}`) !== undefined;
    const check = (v: ValidateFunction, data: unknown, what: string): void => assert.ok(v(data), `${what}: ${ajv.errorsText(v.errors)}`);

    const dashboard = validator('dashboard');
    const dataquery = validator('prometheus#/definitions/Dataquery');

    for (const d of dashboards) {
      test(`${d.uid} validates, and so do its panels' options, field config and queries`, () => {
        check(dashboard, d, d.uid);
        for (const p of panelsOf(d).filter((x) => x.type !== 'row')) {
          const what = `${d.uid} panel "${p.title}" (${p.type})`;
          assert.ok(hasDefinition(p.type, 'Options'), `${what}: no schema for this panel type: add ${p.type}.jsonschema.json to test/fixtures/grafana-jsonschema/`);
          check(validator(`${p.type}#/definitions/Options`), p.options, `${what} options`);
          const custom = p.fieldConfig?.defaults?.custom;
          if (hasDefinition(p.type, 'FieldConfig')) check(validator(`${p.type}#/definitions/FieldConfig`), custom ?? {}, `${what} fieldConfig.defaults.custom`);
          else assert.deepEqual(custom ?? {}, {}, `${what}: this panel type has no custom field config`);
          assert.ok((p.targets ?? []).length > 0, `${what}: no queries`);
          for (const t of p.targets ?? []) check(dataquery, t, `${what} target ${t.refId}`);
        }
      });
    }

    test('the schemas catch mistakes (so that passing means something)', () => {
      assert.equal(dashboard({ ...overview, refresh: 5 }), false);
      assert.equal(dataquery({ refId: 'A', expr: 'up', format: 'heatmapz' }), false);
    });
  });

  test('every panel has a unit, the data source variable and its queries numbered A, B, …', () => {
    for (const d of dashboards) {
      const ids = panelsOf(d).map((p) => p.id);
      assert.deepEqual(ids, ids.map((_, i) => i + 1), `${d.uid}: panel ids`);
      for (const p of panelsOf(d).filter((x) => x.type !== 'row')) {
        assert.ok(['reqps', 's', 'percentunit', 'short'].includes(p.fieldConfig?.defaults?.unit ?? ''), `${d.uid} "${p.title}": unit ${p.fieldConfig?.defaults?.unit}`);
        assert.equal(p.datasource?.uid, '${datasource}', `${d.uid} "${p.title}"`);
        assert.deepEqual(p.targets?.map((t) => t.refId), p.targets?.map((_, i) => String.fromCharCode(65 + i)), `${d.uid} "${p.title}"`);
      }
    }
  });

  describe('PromQL', () => {
    test('every expression of the dashboards and the rules parses, and names only catalog metrics or recording rules', () => {
      const all = [...dashboards.flatMap(dashboardExprs), ...ruleExprs];
      assert.ok(all.length > 40, `only ${all.length} expressions found: the collection above missed some`);
      for (const { where, expr } of all) assertValidPromQL(where, expr);
    });

    test('the lint catches broken expressions and unknown metrics', () => {
      assert.notDeepEqual(lintPromQL('sum(rate(parabench_tx_sent_total[5m])').errors, [], 'an unclosed parenthesis');
      assert.notDeepEqual(lintPromQL('sum by (run_id) rate(parabench_tx_sent_total[$__rate_interval]))').errors, [], 'a missing parenthesis');
      assert.notDeepEqual(lintPromQL('histogram_quantile(0.99, parabench_tx_latency_seconds_bucket{run_id=~"$run_id"}[)').errors, [], 'an empty range');
      assert.throws(() => assertValidPromQL('test', 'rate(parabench_tx_sentt_total[1m])'), /parabench_tx_sentt_total is neither in metrics\/catalog.ts/);
      assert.throws(() => assertValidPromQL('test', 'rate(parabench_tx_latency_seconds[1m])'), /parabench_tx_latency_seconds is neither/, 'a histogram by its bare name');
    });

    test('every load-side selector of the Overview is filtered by the run_id and profile variables', () => {
      const load = new Set(Object.values(LOAD).flatMap((m) => (m.type === 'histogram' ? [`${m.name}_bucket`] : [m.name])));
      for (const { where, expr } of dashboardExprs(overview).filter((x) => !x.where.includes('variable'))) {
        for (const s of lintPromQL(expr).selectors.filter((x) => load.has(x.metric))) {
          assert.match(s.matchers, /run_id=~"__var_run_id"/, `${where}: ${expr}`);
          assert.match(s.matchers, /profile=~"__var_profile"/, `${where}: ${expr}`);
        }
      }
    });

    test('every selector of the k6 dashboard is filtered by the testid variable', () => {
      for (const { where, expr } of dashboardExprs(k6).filter((x) => !x.where.includes('variable'))) {
        const selectors = lintPromQL(expr).selectors;
        assert.ok(selectors.length > 0, where);
        for (const s of selectors) assert.match(s.matchers, /^\{testid=~"__var_testid"/, `${where}: ${expr}`);
      }
    });

    test('every selector of the Executor dashboard is filtered by the job and executor variables', () => {
      for (const { where, expr } of dashboardExprs(executor).filter((x) => !x.where.includes('variable'))) {
        for (const s of lintPromQL(expr).selectors) assert.match(s.matchers, /job=~"__var_job", executor=~"__var_executor"/, `${where}: ${expr}`);
      }
    });
  });

  describe('promtool', () => {
    const promDir = join(dashboardsDir, 'prometheus');
    const promtool = (...args: string[]): void => {
      const r = spawnSync('promtool', args, { cwd: promDir, encoding: 'utf8', timeout: 60_000 });
      if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
        assert.fail('promtool not found: install it with apt-get install -y --no-install-recommends prometheus (see README)');
      }
      assert.equal(r.status, 0, `promtool ${args.join(' ')} (in dashboards/prometheus) failed:\n${r.stdout}${r.stderr}`);
    };

    test('check config', () => promtool('check', 'config', 'prometheus.yml'));
    test('check rules', () => promtool('check', 'rules', 'rules.yml'));
    test('test rules (rules.test.yml)', () => promtool('test', 'rules', 'rules.test.yml'));
  });
});
