/**
 * What a profile becomes in k6: the scenario (an arrival-rate executor whose iterations are the
 * schedule's transactions), the thresholds, the VUs, the target and the names a Kubernetes run
 * uses. Pure: every decision of the export is made here, the renderers only write it down, and a
 * profile k6 cannot run faithfully is refused here with a message naming the field.
 */
import type { GenesisSpec } from '../../core/genesis.js';
import { ParabenchError } from '../../core/errors.js';
import type { LoadedProfile } from '../../core/profile/load.js';
import type { Profile } from '../../core/profile/schema.js';
import { WIRE_PROTOCOL } from '../../core/wire.js';
import { kindIds } from '../../ledger/index.js';
import { rateSegments, type Segment } from '../../loadgen/index.js';
import { k6Duration } from './format.js';
import { mapThresholds, type K6Threshold, type UnmappedThreshold } from './thresholds.js';

/** The most transactions an export ships: every k6 runner loads all of them into memory at start. */
export const MAX_TRANSACTIONS = 2_000_000;
export const MAX_PARALLELISM = 1000;
/** Where the TestRun's runners remote-write their metrics unless --prometheus says otherwise. */
export const DEFAULT_PROMETHEUS_RW_URL = 'http://prometheus.monitoring.svc:9090/api/v1/write';

export interface K6ExportOptions {
  /** --target: a ws:// or http:// URL that replaces the profile's target (already applied to the profile by the loader). */
  readonly targetFlag?: string;
  readonly parallelism: number;
  readonly prometheusUrl: string;
  /** The hello's `client` field. */
  readonly client: string;
  readonly maxTransactions?: number;
}

export type { K6Threshold, UnmappedThreshold } from './thresholds.js';

export type K6Scenario =
  | {
      readonly executor: 'constant-arrival-rate';
      readonly rate: number;
      readonly timeUnit: string;
      readonly duration: string;
      readonly preAllocatedVUs: number;
      readonly maxVUs: number;
      readonly gracefulStop: string;
    }
  | {
      readonly executor: 'ramping-arrival-rate';
      readonly startRate: number;
      readonly timeUnit: string;
      readonly stages: readonly { readonly target: number; readonly duration: string }[];
      readonly preAllocatedVUs: number;
      readonly maxVUs: number;
      readonly gracefulStop: string;
    };

export interface K6Plan {
  readonly profile: string;
  readonly file: string;
  readonly seed: number;
  /** Names the Kubernetes objects and the run's `testid` tag: lowercase letters, digits and dashes. */
  readonly testid: string;
  /** The target's origin, http:// or https://. */
  readonly target: string;
  /** Set when the profile or --target named a ws:// URL: reached over HTTP on the same port. */
  readonly targetFromWs?: string;
  readonly scenario: K6Scenario;
  readonly transactions: number;
  /** Transactions due in the warm-up: ids below this are tagged phase=warmup. */
  readonly warmupTransactions: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly timeoutMs: number;
  readonly peakRate: number;
  readonly thresholds: readonly K6Threshold[];
  readonly unmapped: readonly UnmappedThreshold[];
  readonly parallelism: number;
  readonly prometheusUrl: string;
  readonly hello: { readonly protocol: string; readonly encoding: 'json'; readonly genesis: GenesisSpec; readonly kinds: readonly string[]; readonly client: string };
}

/** The schedule's facts the plan needs, from parabench's own schedule (so k6 and `parabench run` agree). */
export interface ScheduleFacts {
  readonly total: number;
  readonly warmupTransactions: number;
}

/** `facts` is asked for once the schedule is known to be one k6 can run (a closed loop has no count). */
export function planK6Export(loaded: LoadedProfile, genesis: GenesisSpec, scheduleFacts: () => ScheduleFacts, options: K6ExportOptions): K6Plan {
  const { profile, file } = loaded;
  const parallelism = options.parallelism;
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > MAX_PARALLELISM) {
    throw new ParabenchError('USAGE', `--parallelism: expected a whole number from 1 to ${MAX_PARALLELISM}, found ${JSON.stringify(String(options.parallelism))}`);
  }
  const target = k6Target(profile, file, options.targetFlag);
  const runMs = profile.warmup + profile.duration;
  const segments = scheduleSegments(profile, file, runMs);
  const facts = scheduleFacts();
  if (facts.total === 0) {
    throw new ParabenchError('USAGE', `${file}: schedule: no transaction is due in ${runMs / 1000} s at this rate: nothing to export`, { hint: 'Raise the rate or lengthen the run.' });
  }
  const max = options.maxTransactions ?? MAX_TRANSACTIONS;
  if (facts.total > max) {
    throw new ParabenchError(
      'USAGE',
      `${file}: schedule: ${facts.total.toLocaleString('en-US')} transactions over ${runMs / 1000} s (rate × (warmup + duration)); an export ships at most ${max.toLocaleString('en-US')}, because every k6 runner loads all of them into memory when it starts`,
      { hint: `Export a shorter or slower run: --duration or --rate replace the profile's${fitting(facts.total, runMs, profile.warmup, max)}.` },
    );
  }
  const peakRate = Math.max(0, ...segments.map((s) => Math.max(s.from, s.to)));
  const preAllocatedVUs = Math.max(parallelism, Math.ceil(peakRate * PREALLOCATED_SECONDS));
  const maxVUs = Math.max(preAllocatedVUs, Math.min(profile.maxInFlight, Math.ceil(peakRate * MAX_VU_SECONDS)));
  const gracefulStop = k6Duration(profile.timeout + 1000);
  const scenario = k6Scenario(segments, { preAllocatedVUs, maxVUs, gracefulStop }, profile, file);
  const { mapped, unmapped } = mapThresholds(profile, facts.total);
  const plan: K6Plan = {
    profile: profile.name,
    file,
    seed: profile.seed,
    testid: testidOf(profile.name),
    target: target.url,
    ...(target.fromWs === undefined ? {} : { targetFromWs: target.fromWs }),
    scenario,
    transactions: facts.total,
    warmupTransactions: facts.warmupTransactions,
    warmupMs: profile.warmup,
    durationMs: profile.duration,
    timeoutMs: profile.timeout,
    peakRate,
    thresholds: mapped,
    unmapped,
    parallelism,
    prometheusUrl: options.prometheusUrl,
    hello: { protocol: WIRE_PROTOCOL, encoding: 'json', genesis, kinds: [...kindIds], client: options.client },
  };
  return plan;
}

/** ", and --duration 17s fits": the measured window that keeps the run's average rate under the limit. */
function fitting(total: number, runMs: number, warmupMs: number, max: number): string {
  const seconds = Math.floor(max / (total / (runMs / 1000)) - warmupMs / 1000);
  return seconds >= 1 ? `; --duration ${seconds}s fits` : '';
}

// ── target ──────────────────────────────────────────────────────────────────────────────────

/**
 * The script speaks the protocol's HTTP form (POST /hello, POST /tx): one k6 iteration is one
 * transaction and its http_req_duration is the transaction's latency. `parabench serve` answers
 * HTTP on its WebSocket port, so a ws:// target is reached at the same host and port.
 */
function k6Target(profile: Profile, file: string, flag: string | undefined): { url: string; fromWs?: string } {
  const t = profile.target;
  if (t.kind === 'inproc') {
    const where = flag === 'inproc' ? '--target inproc' : `${file}: target.kind "inproc"`;
    throw new ParabenchError('USAGE', `${where}: an in-process executor runs inside parabench, where k6 cannot reach it; expected --target http://HOST:PORT/ or ws://HOST:PORT/ (a parabench serve), or a profile target of kind http or ws`, {
      hint: 'Start a target with `parabench serve --executor sequential --host 0.0.0.0` and pass the URL k6 can reach it at.',
    });
  }
  if (t.kind === 'evm') {
    throw new ParabenchError('USAGE', `${flag === undefined ? `${file}: target.kind "evm"` : `--target ${flag}`}: k6 would have to sign Ethereum transactions; the export speaks parabench's wire protocol (docs/PROTOCOL.md), so expected an http:// or ws:// target`, {
      hint: 'Drive a JSON-RPC node with `parabench run --target evm+http://…` (docs/EVM.md).',
    });
  }
  const url = new URL(t.url ?? '');
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const origin = `${secure ? 'https' : 'http'}://${url.host}`;
  return t.kind === 'ws' ? { url: origin, fromWs: t.url ?? '' } : { url: origin };
}

// ── schedule ────────────────────────────────────────────────────────────────────────────────

/** preAllocatedVUs: the peak rate's transactions of 100 ms in flight (twice the default block time). */
const PREALLOCATED_SECONDS = 0.1;
/**
 * maxVUs plays maxInFlight's part (no free VU: the iteration is dropped, as parabench drops a
 * transaction over maxInFlight), capped at one second of peak traffic: a k6 VU costs megabytes
 * where parabench's in-flight slot costs bytes.
 */
const MAX_VU_SECONDS = 1;

function scheduleSegments(profile: Profile, file: string, runMs: number): readonly Segment[] {
  const s = profile.schedule;
  if (s.kind === 'poisson') {
    throw new ParabenchError('USAGE', `${file}: schedule.kind "poisson" has no k6 executor: k6's arrival-rate executors start iterations evenly spaced and cannot draw Poisson gaps`, {
      hint: `Export a constant-rate schedule at the same mean rate (schedule: { kind: constant-rate, rate: ${s.rate} }), or keep Poisson arrivals with parabench run.`,
    });
  }
  if (s.kind === 'closed-loop') {
    throw new ParabenchError('USAGE', `${file}: schedule.kind "closed-loop" cannot be exported: its pace is whatever the target answers, so there is no fixed set of transactions to ship with the script`, {
      hint: 'Export an open-loop schedule (constant-rate, ramping-rate, steps, spike); find the rate with parabench capacity first.',
    });
  }
  const segments = rateSegments(s, runMs);
  if (!segments) throw new Error(`schedule ${s.kind} has no rate curve`);
  return segments;
}

/**
 * A constant rate is constant-arrival-rate; every other shape is ramping-arrival-rate stages,
 * one per linear piece of parabench's rate curve, a jump written as a 0 s stage. k6 counts whole
 * iterations per timeUnit, so rates with decimals get a longer timeUnit (2.5 tx/s: 25 per 10 s).
 */
function k6Scenario(segments: readonly Segment[], vus: { preAllocatedVUs: number; maxVUs: number; gracefulStop: string }, profile: Profile, file: string): K6Scenario {
  const s = profile.schedule;
  const rates: { value: number; field: string }[] = [];
  if (s.kind === 'constant-rate') rates.push({ value: s.rate, field: 'schedule.rate' });
  else if (s.kind === 'ramping-rate') rates.push({ value: s.startRate, field: 'schedule.startRate' }, ...s.stages.map((x, i) => ({ value: x.target, field: `schedule.stages[${i}].target` })));
  else if (s.kind === 'steps') rates.push(...Object.entries(s.steps).map(([k, v]) => ({ value: v, field: `schedule.steps.${k}` })));
  else if (s.kind === 'spike') rates.push({ value: s.base, field: 'schedule.base' }, { value: s.peak, field: 'schedule.peak' });
  // Clipping a ramp at the end of the run can leave a rate between two of the profile's.
  for (const seg of segments) rates.push({ value: seg.from, field: 'schedule' }, { value: seg.to, field: 'schedule' });
  const scale = [1, 10, 100, 1000].find((m) => rates.every((r) => isWhole(r.value * m)));
  if (scale === undefined) {
    const bad = rates.find((r) => !isWhole(r.value * 1000));
    const field = bad?.field === 'schedule' ? 'schedule (where the run\'s end cuts a ramp)' : (bad?.field ?? 'schedule');
    throw new ParabenchError('USAGE', `${file}: ${field}: expected a rate k6 can count in whole iterations per 1000 s (at most 3 decimals), found ${bad?.value ?? '?'} tx/s`, {
      hint: 'Round the rate, or end ramps on whole-second boundaries of the run.',
    });
  }
  const per = (rate: number): number => Math.round(rate * scale);
  const timeUnit = `${scale}s`;
  const first = segments[0];
  if (s.kind === 'constant-rate' && first) {
    return { executor: 'constant-arrival-rate', rate: per(s.rate), timeUnit, duration: k6Duration(profile.warmup + profile.duration), ...vus };
  }
  const stages: { target: number; duration: string }[] = [];
  let at = first?.from ?? 0;
  for (const seg of segments) {
    if (seg.from !== at) stages.push({ target: per(seg.from), duration: '0s' });
    stages.push({ target: per(seg.to), duration: k6Duration(seg.endMs - seg.startMs) });
    at = seg.to;
  }
  return { executor: 'ramping-arrival-rate', startRate: per(first?.from ?? 0), timeUnit, stages, ...vus };
}

const isWhole = (x: number): boolean => Math.abs(x - Math.round(x)) < 1e-9;

// ── names ───────────────────────────────────────────────────────────────────────────────────

/**
 * The run's testid, and the name of its TestRun and ConfigMap: a DNS label (lowercase letters,
 * digits, dashes), short enough for k6-operator's job names (`<name>-initializer`).
 */
export function testidOf(profileName: string): string {
  const slug = profileName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `parabench-${slug}`.slice(0, 48).replace(/-+$/, '') || 'parabench';
}
