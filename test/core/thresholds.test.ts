import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compare, parseThresholdExpr, type ThresholdMetric } from '../../core/thresholds.js';
import { evaluateThresholds, type MetricSource } from '../../reports/thresholds.js';

describe('threshold expressions', () => {
  const parses: [ThresholdMetric, string, object][] = [
    ['latency', 'p(99)<250', { aggregation: 'p', percentile: 99, op: '<', limit: 250 }],
    ['latency', ' p( 99.9 ) <= 1000.5 ', { aggregation: 'p', percentile: 99.9, op: '<=', limit: 1000.5 }],
    ['latency', 'avg<10', { aggregation: 'avg', op: '<', limit: 10 }],
    ['latency', 'med!=3', { aggregation: 'med', op: '!=', limit: 3 }],
    ['tps', 'avg>=4000', { aggregation: 'avg', op: '>=', limit: 4000 }],
    ['tps', 'min>0', { aggregation: 'min', op: '>', limit: 0 }],
    ['tx_failed', 'rate<0.01', { aggregation: 'rate', op: '<', limit: 0.01 }],
    ['dropped', 'count==0', { aggregation: 'count', op: '==', limit: 0 }],
    ['send_lag', 'max<-1', { aggregation: 'max', op: '<', limit: -1 }],
  ];
  for (const [metric, source, expected] of parses) {
    test(`${metric}: "${source}" parses`, () => {
      const parsed = parseThresholdExpr(metric, source);
      assert.ok(!('error' in parsed), JSON.stringify(parsed));
      assert.deepEqual({ ...parsed, source: undefined }, { ...expected, source: undefined });
      assert.equal(parsed.source, source.trim());
    });
  }

  const rejects: [ThresholdMetric, string, string][] = [
    ['latency', 'p99<250', 'an expression such as "p(99)<250" or "rate<0.01"'],
    ['latency', 'p(99)<', 'an expression such as "p(99)<250" or "rate<0.01"'],
    ['latency', 'p(99) => 5', 'an expression such as "p(99)<250" or "rate<0.01"'],
    ['latency', 'rate<1', 'one of the aggregations of latency (p(N), avg, min, max, med)'],
    ['tps', 'p(50)>1', 'one of the aggregations of tps (avg, min, max)'],
    ['dropped', 'avg<1', 'one of the aggregations of dropped (count, rate)'],
    ['latency', 'p(0)<1', 'a percentile in p(N) between 0 (excluded) and 100'],
  ];
  for (const [metric, source, error] of rejects) {
    test(`${metric}: "${source}" is rejected`, () => {
      assert.deepEqual(parseThresholdExpr(metric, source), { error });
    });
  }

  test('comparison operators', () => {
    const table: [number, Parameters<typeof compare>[1], number, boolean][] = [
      [1, '<', 2, true],
      [2, '<', 2, false],
      [2, '<=', 2, true],
      [3, '>', 2, true],
      [2, '>=', 2, true],
      [1, '>=', 2, false],
      [0, '==', 0, true],
      [1, '!=', 0, true],
      [0, '!=', 0, false],
    ];
    for (const [value, op, limit, expected] of table) assert.equal(compare(value, op, limit), expected, `${value} ${op} ${limit}`);
  });
});

describe('threshold evaluation', () => {
  const source: MetricSource = {
    percentile: (metric, p) => (metric === 'latency' ? p * 2 : null),
    aggregate: (metric, aggregation) => {
      const table: Record<string, number | null> = {
        'tps/avg': 4100,
        'tps/min': 3900,
        'tx_failed/rate': 0.02,
        'tx_failed/count': 20,
        'dropped/count': 0,
        'latency/avg': 12,
        'latency/max': null,
      };
      return table[`${metric}/${aggregation}`] ?? null;
    },
  };

  test('each expression is judged on its own value', () => {
    const results = evaluateThresholds(
      {
        latency: ['p(99)<250', 'p(50)<50', 'med<100', 'avg<=12', 'max<1'],
        tps: ['avg>=4000', 'min>=4000'],
        tx_failed: ['rate<0.01', 'count<=20'],
        dropped: ['count==0'],
      },
      source,
    );
    assert.deepEqual(
      results.map((r) => [r.metric, r.expr, r.value, r.ok]),
      [
        ['latency', 'p(99)<250', 198, true],
        ['latency', 'p(50)<50', 100, false],
        ['latency', 'med<100', 100, false],
        ['latency', 'avg<=12', 12, true],
        ['latency', 'max<1', null, false],
        ['tps', 'avg>=4000', 4100, true],
        ['tps', 'min>=4000', 3900, false],
        ['tx_failed', 'rate<0.01', 0.02, false],
        ['tx_failed', 'count<=20', 20, true],
        ['dropped', 'count==0', 0, true],
      ],
    );
  });

  test('no data is a failure, not a pass', () => {
    const [result] = evaluateThresholds({ send_lag: ['p(99)<1000000'] }, source);
    assert.equal(result?.value, null);
    assert.equal(result?.ok, false);
  });

  test('rates are reported as ratios, counts in transactions', () => {
    const results = evaluateThresholds({ tx_failed: ['rate<1', 'count<100'] }, source);
    assert.deepEqual(results.map((r) => r.unit), ['ratio', 'tx']);
  });
});
