import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ParabenchError } from '../../core/errors.js';
import { parseProfile } from '../../core/profile/load.js';

const VALID = `name: t
seed: 7
duration: 10s
workload:
  family: payments
  accounts: 100
schedule:
  kind: constant-rate
  rate: 1000
`;

function problemsOf(text: string, overrides = {}): { message: string; problems: readonly string[]; code: string } {
  try {
    parseProfile(text, 'p.yaml', { knownExecutors: ['sequential'], overrides });
  } catch (e) {
    assert.ok(e instanceof ParabenchError, `expected a ParabenchError, got ${String(e)}`);
    return { message: e.message, problems: e.problems, code: e.code };
  }
  assert.fail('the profile was accepted');
}

describe('profile validation', () => {
  test('a minimal profile gets its defaults', () => {
    const { profile } = parseProfile(VALID, 'profiles/t.yaml');
    assert.equal(profile.name, 't');
    assert.equal(profile.duration, 10_000);
    assert.equal(profile.warmup, 0);
    assert.equal(profile.timeout, 10_000);
    assert.deepEqual(profile.target, { kind: 'inproc', executor: 'sequential', threads: 1, blockSize: 1000, blockTime: 50 });
    assert.deepEqual(profile.workload.sampler, { kind: 'uniform' });
    assert.deepEqual(profile.thresholds, {});
  });

  test('the name defaults to the file name', () => {
    const { profile } = parseProfile(VALID.replace('name: t\n', ''), 'profiles/my-run.yaml');
    assert.equal(profile.name, 'my-run');
  });

  const cases: { name: string; text: string; problems: string[] }[] = [
    {
      name: 'a word where a number belongs',
      text: VALID.replace('rate: 1000', 'rate: fast'),
      problems: ['schedule.rate: expected a positive number of transactions per second, found "fast" (line 9)'],
    },
    {
      name: 'a missing required setting',
      text: VALID.replace('duration: 10s\n', ''),
      problems: ['duration: missing; expected a duration above zero such as "10s" (line 1)'],
    },
    {
      name: 'two mistakes, both named, in file order',
      text: VALID.replace('accounts: 100', 'accounts: 1').replace('rate: 1000', 'rate: -5'),
      problems: [
        'workload.accounts: expected a whole number of accounts from 2 to 10000000, found 1 (line 6)',
        'schedule.rate: expected a positive number of transactions per second, found -5 (line 9)',
      ],
    },
    {
      name: 'a misspelled key is never ignored',
      text: VALID.replace('  accounts: 100', '  acounts: 100'),
      problems: [
        'workload.acounts: unknown key (did you mean "accounts"?); expected one of family, accounts, initialBalance, sampler, amount, costUs (line 6)',
      ],
    },
    {
      name: 'an unknown top-level key',
      text: `${VALID}thresholds_: {}\n`,
      problems: [
        'thresholds_: unknown key (did you mean "thresholds"?); expected one of name, description, seed, duration, warmup, timeout, maxInFlight, workload, schedule, target, thresholds (line 10)',
      ],
    },
    {
      name: 'an unknown schedule kind',
      text: VALID.replace('kind: constant-rate', 'kind: constant-rat'),
      problems: ['schedule.kind: expected one of "constant-rate", found "constant-rat" (did you mean "constant-rate"?) (line 8)'],
    },
    {
      name: 'an unknown sampler',
      text: VALID.replace('  accounts: 100', '  accounts: 100\n  sampler: { kind: zip }'),
      problems: ['workload.sampler.kind: expected one of "uniform", "zipf", found "zip" (did you mean "zipf"?) (line 7)'],
    },
    {
      name: 'a zipf sampler without its exponent',
      text: VALID.replace('  accounts: 100', '  accounts: 100\n  sampler: { kind: zipf }'),
      problems: ['workload.sampler.s: missing; expected a Zipf exponent between 0 and 5 (line 7)'],
    },
    {
      name: 'amounts the wrong way round',
      text: VALID.replace('  accounts: 100', '  accounts: 100\n  amount: { min: 10, max: 5 }'),
      problems: ['workload.amount.max: expected min ≤ max, found 5 (line 7)'],
    },
    {
      name: 'a duration without a unit',
      text: VALID.replace('duration: 10s', 'duration: 10'),
      problems: ['duration: expected a duration above zero such as "10s", found 10 (line 3)'],
    },
    {
      name: 'threads that are not whole',
      text: `${VALID}target: { threads: 1.5 }\n`,
      problems: ['target.threads: expected a whole number ≥ 1, found 1.5 (line 10)'],
    },
    {
      name: 'an executor the registry does not know',
      text: `${VALID}target: { executor: sequental }\n`,
      problems: ['target.executor: expected one of "sequential", found "sequental" (did you mean "sequential"?) (line 10)'],
    },
    {
      name: 'a threshold expression that does not parse',
      text: `${VALID}thresholds:\n  latency: ["p99<250"]\n`,
      problems: ['thresholds.latency[0]: expected an expression such as "p(99)<250" or "rate<0.01", found "p99<250" (line 11)'],
    },
    {
      name: 'a threshold on a metric that does not exist',
      text: `${VALID}thresholds:\n  latncy: ["p(99)<250"]\n`,
      problems: [
        'thresholds.latncy: unknown key (did you mean "latency"?); expected one of latency, send_lag, tps, tx_committed, tx_failed, tx_errored, tx_timed_out, dropped (line 11)',
      ],
    },
    {
      name: 'an aggregation the metric does not have',
      text: `${VALID}thresholds:\n  tps: ["p(99)>100"]\n`,
      problems: ['thresholds.tps[0]: expected one of the aggregations of tps (avg, min, max), found "p(99)>100" (line 11)'],
    },
    {
      name: 'a percentile out of range',
      text: `${VALID}thresholds:\n  latency: ["p(101)<5"]\n`,
      problems: ['thresholds.latency[0]: expected a percentile in p(N) between 0 (excluded) and 100, found "p(101)<5" (line 11)'],
    },
  ];

  for (const c of cases) {
    test(`reports ${c.name}`, () => {
      const { problems, code, message } = problemsOf(c.text);
      assert.equal(code, 'PROFILE_INVALID');
      assert.equal(message, `p.yaml: ${c.problems.length === 1 ? '1 problem' : `${c.problems.length} problems`}`);
      assert.deepEqual(problems, c.problems);
    });
  }

  test('a YAML syntax error names the line and column', () => {
    const { code, message } = problemsOf('name: t\nworkload: [unclosed\nseed: 1\n');
    assert.equal(code, 'PROFILE_SYNTAX');
    assert.match(message, /^p\.yaml: YAML syntax error at line \d+, column \d+: /);
  });

  test('a key given twice is a syntax error, not a silent overwrite', () => {
    const { code, message } = problemsOf(`${VALID}seed: 8\n`);
    assert.equal(code, 'PROFILE_SYNTAX');
    assert.match(message, /line 10, column 1: Map keys must be unique/);
  });

  test('a file that is not a mapping', () => {
    const { code, message } = problemsOf('- just\n- a list\n');
    assert.equal(code, 'PROFILE_INVALID');
    assert.equal(message, 'p.yaml: expected a mapping of profile settings, found a list');
  });

  const flagCases: { flags: Record<string, string>; problem: string }[] = [
    { flags: { rate: 'fast' }, problem: '--rate: expected a positive number of transactions per second, found "fast"' },
    { flags: { rate: '0' }, problem: '--rate: expected a positive number of transactions per second, found "0"' },
    { flags: { duration: '10' }, problem: '--duration: expected a duration above zero such as "10s", found "10"' },
    { flags: { threads: 'two' }, problem: '--threads: expected a whole number from 1 to 256, found "two"' },
    { flags: { seed: '-1' }, problem: '--seed: expected a whole number from 0 to 4294967295, found "-1"' },
    { flags: { executor: 'blockstm' }, problem: '--executor: expected one of "sequential", found "blockstm"' },
    { flags: { target: 'ws://127.0.0.1:1' }, problem: '--target: expected "inproc" (network targets are not available yet), found "ws://127.0.0.1:1"' },
  ];
  for (const c of flagCases) {
    test(`names the flag: --${Object.keys(c.flags)[0]} ${Object.values(c.flags)[0]}`, () => {
      assert.deepEqual(problemsOf(VALID, c.flags).problems, [c.problem]);
    });
  }

  test('flags replace what the file says', () => {
    const { profile } = parseProfile(VALID, 'p.yaml', {
      knownExecutors: ['sequential'],
      overrides: { rate: '250', duration: '2s', threads: '2', seed: '9' },
    });
    assert.deepEqual(profile.schedule, { kind: 'constant-rate', rate: 250 });
    assert.equal(profile.duration, 2000);
    assert.equal(profile.target.threads, 2);
    assert.equal(profile.seed, 9);
  });
});
