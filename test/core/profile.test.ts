import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ParabenchError } from '../../core/errors.js';
import { parseProfile } from '../../core/profile/load.js';

const VALID = `name: t
seed: 7
duration: 10s
workload:
  accounts: 100
  payments: {}
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
    assert.deepEqual(profile.target, { kind: 'inproc', encoding: 'binary', executor: 'sequential', threads: 1, blockSize: 1000, blockTime: 50 });
    assert.deepEqual(profile.workload.sampler, { kind: 'uniform' });
    assert.deepEqual(profile.workload.fee, { mode: 'none', amount: 1 });
    assert.equal(profile.workload.payments?.merchantCredit, 'rmw');
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
      problems: ['schedule.rate: expected a positive rate in transactions per second, found "fast" (line 9)'],
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
        'workload.accounts: expected a whole number from 2 to 10000000, found 1 (line 5)',
        'schedule.rate: expected a positive rate in transactions per second, found -5 (line 9)',
      ],
    },
    {
      name: 'a ws target without its URL',
      text: `${VALID}target: { kind: ws }\n`,
      problems: ['target.url: expected a URL such as ws://127.0.0.1:8545/, http://127.0.0.1:8545/ or evm+http://127.0.0.1:8545 for a ws target, found nothing (line 10)'],
    },
    {
      name: 'a ws target with an http URL',
      text: `${VALID}target: { kind: ws, url: "http://127.0.0.1:7070/" }\n`,
      problems: ['target.url: expected a ws:// URL for a ws target, found "http://127.0.0.1:7070/" (line 10)'],
    },
    {
      name: 'a misspelled key is never ignored',
      text: VALID.replace('  accounts: 100', '  acounts: 100'),
      problems: [
        'workload.acounts: unknown key (did you mean "accounts"?); expected one of accounts, initialBalance, sampler, fee, costUs, payments, defi, nft, dao (line 5)',
      ],
    },
    {
      name: 'an unknown top-level key',
      text: `${VALID}thresholds_: {}\n`,
      problems: [
        'thresholds_: unknown key (did you mean "thresholds"?); expected one of name, description, seed, duration, warmup, timeout, maxInFlight, workload, schedule, target, thresholds, maxRegression (line 10)',
      ],
    },
    {
      name: 'an unknown schedule kind',
      text: VALID.replace('kind: constant-rate', 'kind: constant-rat'),
      problems: ['schedule.kind: expected one of "constant-rate", "ramping-rate", "steps", "poisson", "spike", "closed-loop", found "constant-rat" (did you mean "constant-rate"?) (line 8)'],
    },
    {
      name: 'an unknown sampler',
      text: VALID.replace('  accounts: 100', '  accounts: 100\n  sampler: { kind: zip }'),
      problems: ['workload.sampler.kind: expected one of "uniform", "zipf", "hotspot", "groups", found "zip" (did you mean "zipf"?) (line 6)'],
    },
    {
      name: 'a zipf sampler without its exponent',
      text: VALID.replace('  accounts: 100', '  accounts: 100\n  sampler: { kind: zipf }'),
      problems: ['workload.sampler.s: missing; expected a Zipf exponent above 0, up to 5 (line 6)'],
    },
    {
      name: 'amounts the wrong way round',
      text: VALID.replace('  payments: {}', '  payments: { amount: { min: 10, max: 5 } }'),
      problems: ['workload.payments.amount.max: expected min ≤ max, found 5 (line 6)'],
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
    {
      name: 'an unknown kind, listing the valid ones',
      text: VALID.replace('  payments: {}', '  payments: { kinds: { transfr: 1 } }'),
      problems: [
        'workload.payments.kinds.transfr: unknown key (did you mean "transfer"?); expected one of transfer, micropay, fx-transfer (line 6)',
      ],
    },
    {
      name: 'an unknown family',
      text: VALID.replace('  payments: {}', '  payment: {}'),
      problems: [
        'workload.payment: unknown key (did you mean "payments"?); expected one of accounts, initialBalance, sampler, fee, costUs, payments, defi, nft, dao (line 6)',
      ],
    },
    {
      name: 'a workload without any family',
      text: VALID.replace('  payments: {}\n', ''),
      problems: ['workload: expected at least one family section (payments, defi, nft or dao), found none (line 5)'],
    },
    {
      name: 'all weights zero',
      text: VALID.replace('  payments: {}', '  payments: { kinds: { transfer: 0, micropay: 0 } }'),
      problems: ['workload: expected at least one family and one of its kinds with a weight above 0, found every weight 0 (line 5)'],
    },
    {
      name: 'a negative Zipf exponent',
      text: VALID.replace('  accounts: 100', '  accounts: 100\n  sampler: { kind: zipf, s: -1 }'),
      problems: ['workload.sampler.s: expected a Zipf exponent above 0, up to 5, found -1 (line 6)'],
    },
    {
      name: 'more hot accounts than accounts',
      text: VALID.replace('  accounts: 100', '  accounts: 100\n  sampler: { kind: hotspot, hot: 500, probability: 0.5 }'),
      problems: ['workload.sampler.hot: expected a number of hot accounts at most accounts (100), found 500 (line 6)'],
    },
    {
      name: 'a cost for a kind that does not exist',
      text: VALID.replace('  accounts: 100', '  accounts: 100\n  costUs: { swapp: 5 }'),
      problems: [
        'workload.costUs.swapp: expected a kind name (transfer, micropay, fx-transfer, swap, add-liquidity, remove-liquidity, deposit, borrow, repay, liquidate, nft-mint, nft-transfer, nft-list, nft-buy, craft, item-trade, vote, propose, execute-proposal, oracle-update), found "swapp" (line 6)',
      ],
    },
    {
      name: 'an unknown schedule kind lists the valid ones',
      text: VALID.replace('kind: constant-rate', 'kind: ramp'),
      problems: ['schedule.kind: expected one of "constant-rate", "ramping-rate", "steps", "poisson", "spike", "closed-loop", found "ramp" (line 8)'],
    },
    {
      name: 'a steps schedule keyed by something other than seconds',
      text: VALID.replace('kind: constant-rate\n  rate: 1000', 'kind: steps\n  steps: { 0: 100, ten: 200 }'),
      problems: ['schedule.steps.ten: expected a second offset such as 0, 10 or 2.5, found "ten" (line 9)'],
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
    { flags: { rate: 'fast' }, problem: '--rate: expected a positive rate in transactions per second, found "fast"' },
    { flags: { rate: '0' }, problem: '--rate: expected a positive rate in transactions per second, found "0"' },
    { flags: { duration: '10' }, problem: '--duration: expected a duration above zero such as "10s", found "10"' },
    { flags: { threads: 'two' }, problem: '--threads: expected a whole number from 1 to 256, found "two"' },
    { flags: { seed: '-1' }, problem: '--seed: expected a whole number from 0 to 4294967295, found "-1"' },
    { flags: { executor: 'blockstm' }, problem: '--executor: expected one of "sequential", found "blockstm"' },
    { flags: { target: 'tcp://127.0.0.1:1' }, problem: '--target: expected "inproc" or a target URL such as ws://127.0.0.1:8545/, http://127.0.0.1:8545/ or evm+http://127.0.0.1:8545, found "tcp://127.0.0.1:1"' },
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
