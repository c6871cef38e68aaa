/**
 * The k6 script of an export: plain JavaScript for k6 v0.48 and later, k6's own modules only
 * (k6/http, k6/execution, k6/data, k6/metrics). Everything the export decided is one JSON literal,
 * PLAN; the code around it is fixed text, so a profile can change data, never code.
 *
 * The code keeps to what k6's JavaScript runtime has run since v0.48: no `?.`, `??`, object
 * spread or logical assignment. The tests type-check it against @types/k6 and run its pure parts
 * (transactionAt, phaseOf, outcomeOf) in Node against parabench's generator.
 */
import { K6_HELLO_NAME_TAG, K6_SCRIPT_METRICS, K6_TX_NAME_TAG } from '../../metrics/catalog.js';
import { DATA_FILE } from './data.js';
import { jsLiteral } from './escape.js';
import { k6Duration } from './format.js';
import type { K6Plan } from './plan.js';

export const SCRIPT_FILE = 'script.js';

/** The part of the plan the script reads at run time. */
function scriptPlan(plan: K6Plan): Record<string, unknown> {
  return {
    profile: plan.profile,
    file: plan.file,
    seed: plan.seed,
    target: plan.target,
    transactions: plan.transactions,
    warmupTransactions: plan.warmupTransactions,
    timeout: k6Duration(plan.timeoutMs),
    thresholds: plan.thresholds.map((t) => ({
      metric: t.metric,
      aggregation: t.aggregation,
      op: t.op,
      limit: t.limit,
      perRunner: t.perRunner,
      abortOnFail: t.abortOnFail,
      delayAbortEval: t.delayAbortEval ?? '0s',
    })),
    hello: plan.hello,
  };
}

export function renderScript(plan: K6Plan): string {
  const m = K6_SCRIPT_METRICS;
  return `// A k6 script written by \`parabench export k6\`: the transactions of a parabench profile (PLAN
// below; they are in ${DATA_FILE}), sent on the profile's schedule to a target speaking parabench's
// wire protocol over HTTP (docs/PROTOCOL.md). README.md beside it says how to run it, locally and
// with k6-operator. Regenerate it rather than edit it.
//
// One iteration is one transaction: iteration i (exec.scenario.iterationInTest, unique across all
// k6 instances of a distributed run) sends transaction i, so every transaction is sent once, by
// whichever runner k6's execution segments give iteration i to, at the time the schedule says.
import http from 'k6/http';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';
import { Counter, Rate } from 'k6/metrics';

/** What the export decided, from the profile: written as JSON, so it is data and never code. */
export const PLAN = ${jsLiteral(scriptPlan(plan), true)};

/**
 * The schedule as a k6 arrival-rate scenario: its iterations are the transactions, due when
 * parabench's schedule says; maxVUs plays the part of parabench's maxInFlight.
 * @type {import('k6/options').${plan.scenario.executor === 'constant-arrival-rate' ? 'ConstantArrivalRateScenario' : 'RampingArrivalRateScenario'}}
 */
const SCENARIO = ${jsLiteral(plan.scenario, true)};

/** Environment knobs: k6 run -e NAME=value, or the TestRun's runner env. */
const TARGET = (__ENV.PARABENCH_TARGET || PLAN.target).replace(/\\/+$/, '');
/** How many k6 instances share the run (the TestRun's parallelism): counts in thresholds are split among them. */
const RUNNERS = positiveInt('PARABENCH_RUNNERS', 1);

/** The transactions, parsed once per k6 instance and shared by its VUs: row i is transaction i. */
const TXS = new SharedArray('parabench transactions', function () {
  return JSON.parse(open(${jsLiteral(`./${DATA_FILE}`)}));
});

const OUTCOMES = ['committed', 'failed', 'errored', 'timed_out'];
const TX = new Counter(${jsLiteral(m.tx)});
/** @type {Record<string, Rate>} */
const SHARES = {
  committed: new Rate(${jsLiteral(m.committed)}),
  failed: new Rate(${jsLiteral(m.failed)}),
  errored: new Rate(${jsLiteral(m.errored)}),
  timed_out: new Rate(${jsLiteral(m.timedOut)}),
};
const BEYOND = new Counter(${jsLiteral(m.beyondTrace)});
const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: { parabench: scenario() },
  thresholds: thresholds(),
  setupTimeout: '60s',
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(99)', 'p(99.9)'],
};

/**
 * Opens the run on the target: a hello naming the session, with the genesis and the kind table.
 * Every runner of a distributed run says hello with the same session (from the run's testid), so
 * the first starts the run and the others join it, whether k6 runs setup() once or on each runner.
 */
export function setup() {
  const session = sessionName();
  const res = http.post(TARGET + '/hello', helloBody(session), { headers: JSON_HEADERS, timeout: '10s', tags: { name: ${jsLiteral(K6_HELLO_NAME_TAG)} } });
  if (res.status !== 200) {
    throw new Error('POST ' + TARGET + '/hello: the target refused the run (' + describe(res.status, bodyText(res), res.error) + ')');
  }
  // A counter nothing was added to has no value, and k6 then skips its thresholds: start each outcome at 0.
  for (const outcome of OUTCOMES) TX.add(0, { outcome: outcome, phase: 'measured' });
  console.log('parabench: session ' + session + ' on ' + TARGET + ', ' + TXS.length + ' transactions, ' + RUNNERS + ' runner(s)');
  return { session: session };
}

/** @param {{ session: string }} data */
export default function (data) {
  const i = exec.scenario.iterationInTest;
  if (i >= TXS.length) {
    // k6 rounds a ramp's iteration count its own way: one more than parabench's is possible.
    BEYOND.add(1);
    return;
  }
  const phase = phaseOf(i);
  const res = http.post(TARGET + '/tx', txBody(data.session, i), { headers: JSON_HEADERS, timeout: PLAN.timeout, tags: { name: ${jsLiteral(K6_TX_NAME_TAG)}, phase: phase } });
  const answer = outcomeOf(res.status, bodyText(res), res.error_code);
  /** @type {Record<string, string>} */
  const tags = { outcome: answer.outcome, phase: phase };
  if (answer.reason !== '') tags.reason = answer.reason;
  TX.add(1, tags);
  for (const outcome of OUTCOMES) SHARES[outcome].add(outcome === answer.outcome, { phase: phase });
}

/**
 * The body of POST /hello: the run's genesis and kind table, and the session it opens or joins.
 * @param {string} session
 */
export function helloBody(session) {
  return JSON.stringify(Object.assign({ type: 'hello', session: session }, PLAN.hello));
}

/**
 * The body of POST /tx for iteration i.
 * @param {string} session
 * @param {number} i
 */
export function txBody(session, i) {
  return JSON.stringify({ session: session, tx: transactionAt(i) });
}

/**
 * Transaction i in the protocol's JSON form, rebuilt from its row in ${DATA_FILE}:
 * [kind, sender, nonce, args, costUs, reads, writes (null: the reads), deltas, exact].
 * @param {number} i
 */
export function transactionAt(i) {
  const row = TXS[i];
  const reads = row[5];
  return {
    id: i,
    kind: PLAN.hello.kinds[row[0]],
    sender: row[1],
    nonce: row[2],
    args: row[3],
    costUs: row[4],
    reads: reads,
    writes: row[6] === null ? reads : row[6],
    deltas: row[7],
    exact: row[8] === 1,
  };
}

/**
 * Warm-up or measured: the transaction's intended time, before or after the warm-up ends, as
 * parabench's schedule places it. Thresholds judge the measured phase only.
 * @param {number} i
 */
export function phaseOf(i) {
  return i < PLAN.warmupTransactions ? 'warmup' : 'measured';
}

/**
 * How a POST /tx ended: committed or failed (a receipt, with the failure's reason), errored (an
 * error answer, an HTTP error, a lost connection) or timed_out (no answer within the timeout).
 * @param {number} status
 * @param {string | null} body
 * @param {number} errorCode k6's error code, 1050 for a request timeout
 */
export function outcomeOf(status, body, errorCode) {
  if (errorCode === 1050) return { outcome: 'timed_out', reason: '' };
  if (status !== 200 || body === null) return { outcome: 'errored', reason: '' };
  let answer;
  try {
    answer = JSON.parse(body);
  } catch (e) {
    return { outcome: 'errored', reason: '' };
  }
  const receipt = answer && answer.receipt;
  if (!receipt) return { outcome: 'errored', reason: '' };
  if (receipt.status === 'committed') return { outcome: 'committed', reason: '' };
  return { outcome: 'failed', reason: typeof receipt.reason === 'string' ? receipt.reason : 'unknown' };
}

/** The scenario, its VUs adjustable: -e PARABENCH_PREALLOCATED_VUS=… -e PARABENCH_MAX_VUS=… */
function scenario() {
  return Object.assign({}, SCENARIO, {
    preAllocatedVUs: positiveInt('PARABENCH_PREALLOCATED_VUS', SCENARIO.preAllocatedVUs),
    maxVUs: positiveInt('PARABENCH_MAX_VUS', SCENARIO.maxVUs || SCENARIO.preAllocatedVUs),
  });
}

/** The profile's thresholds in k6's terms; each runner judges its own share (README.md: judge the whole run from Prometheus). */
function thresholds() {
  /** @type {Record<string, Array<string | { threshold: string, abortOnFail: boolean, delayAbortEval: string }>>} */
  const out = {};
  for (const t of PLAN.thresholds) {
    const expr = t.aggregation + t.op + String(t.perRunner ? t.limit / RUNNERS : t.limit);
    if (!out[t.metric]) out[t.metric] = [];
    out[t.metric].push(t.abortOnFail ? { threshold: expr, abortOnFail: true, delayAbortEval: t.delayAbortEval } : expr);
  }
  return out;
}

/**
 * The session every runner names: PARABENCH_SESSION, else one made from the run's testid tag
 * (k6-operator's runners all carry the TestRun's), else a fresh one for a single local run.
 */
function sessionName() {
  if (__ENV.PARABENCH_SESSION) return __ENV.PARABENCH_SESSION;
  const tags = exec.test.options.tags || {};
  if (tags.testid) return ('k6-' + tags.testid).slice(0, 200);
  if (RUNNERS > 1) {
    throw new Error('PARABENCH_RUNNERS is ' + RUNNERS + ' but the run has no testid tag: the runners need one session name (k6 run --tag testid=NAME)');
  }
  return 'k6-' + PLAN.profile + '-' + Date.now().toString(36) + '-' + Math.floor(Math.random() * 1e9).toString(36);
}

/**
 * @param {string} name
 * @param {number} fallback
 */
function positiveInt(name, fallback) {
  const text = __ENV[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(name + ': expected a whole number from 1, found ' + JSON.stringify(text));
  return n;
}

/** @param {{ body: unknown }} res */
function bodyText(res) {
  return typeof res.body === 'string' ? res.body : null;
}

/**
 * @param {number} status
 * @param {string | null} body
 * @param {string} error
 */
function describe(status, body, error) {
  if (status === 0) return error || 'no answer';
  return 'HTTP ' + status + (body ? ': ' + body.slice(0, 300) : '');
}
`;
}
