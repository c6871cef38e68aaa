/**
 * THE profile schema: the one definition from which the TypeScript types, the validation and
 * `profiles/schema.json` all come. Every leaf states what it expects as a phrase ("a positive
 * number") so that error messages read `schedule.rate: expected a positive number, found "fast"`.
 */
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../duration.js';
import { THRESHOLD_METRIC_NAMES, parseThresholdExpr, type ThresholdMetric } from '../thresholds.js';
import { scheduleSchema } from './schedule.js';
import { workloadSchema } from './workload.js';

const wholeAtLeast = (min: number, what = `a whole number ≥ ${min}`) =>
  z.int({ error: what }).min(min, { error: what });

const DURATION = 'a duration such as "10s", "500ms" or "1m30s"';
/** A duration string in the file; milliseconds once parsed. */
const duration = (what = DURATION) =>
  z
    .string({ error: what })
    .regex(DURATION_PATTERN, { error: what })
    .transform((text) => parseDuration(text) ?? 0);
const positiveDuration = (what = `a duration above zero such as "10s"`) =>
  z
    .string({ error: what })
    .regex(DURATION_PATTERN, { error: what, abort: true })
    .refine((text) => (parseDuration(text) ?? 0) > 0, { error: what })
    .transform((text) => parseDuration(text) ?? 0);

// ── target ──────────────────────────────────────────────────────────────────────────────────

const URL_PHRASE = 'a URL such as ws://127.0.0.1:8545/, http://127.0.0.1:8545/ or evm+http://127.0.0.1:8545';
const target = z
  .strictObject({
    kind: z
      .enum(['inproc', 'ws', 'http', 'evm'], { error: '"inproc", "ws", "http" or "evm"' })
      .default('inproc')
      .meta({ description: 'Where the executor runs: in this process, behind a `parabench serve` (or any server speaking docs/PROTOCOL.md), or an Ethereum JSON-RPC node (evm+http:// or evm+ws://).' }),
    url: z
      .string({ error: URL_PHRASE })
      .regex(/^(wss?|https?|evm\+(?:https?|wss?)):\/\/[^\s/]+/, { error: URL_PHRASE })
      .optional()
      .meta({ description: 'The target of a ws or http kind.' }),
    encoding: z.enum(['binary', 'json'], { error: '"binary" or "json"' }).default('binary')
      .meta({ description: 'ws frames: compact binary, or JSON to read on the wire.' }),
    connections: wholeAtLeast(1).max(1024, { error: 'a whole number from 1 to 1024' }).optional()
      .meta({ description: 'ws connections (default 1), or the most HTTP keep-alive sockets at once (default 256: an HTTP request holds its socket until its block commits).' }),
    executor: z
      .string({ error: 'an executor name' })
      .default('sequential')
      .meta({ description: 'Executor to run; `parabench run --help` lists them.' }),
    threads: wholeAtLeast(1).max(256, { error: 'a whole number from 1 to 256' }).default(1),
    blockSize: wholeAtLeast(1).max(1_000_000, { error: 'a whole number from 1 to 1000000' }).default(1000)
      .meta({ description: 'Most transactions in a block.' }),
    blockTime: positiveDuration().prefault('50ms')
      .meta({ description: 'Longest a pending transaction waits before its block is sealed.' }),
    chainId: wholeAtLeast(1).optional()
      .meta({ description: 'An evm target: the chain id the node must report; another one stops the run before anything is sent.' }),
    // No defaults here: a default would enter every profile's resolved form (and its hash).
    asset: z.enum(['native', 'erc20'], { error: '"native" or "erc20"' }).optional()
      .meta({ description: "An evm target: what payments' transfer and micropay move, the chain's native coin (default) or an ERC-20 token." }),
    funding: z.enum(['auto', 'set-balance', 'transfers'], { error: '"auto", "set-balance" or "transfers"' }).optional()
      .meta({ description: 'An evm target: how the accounts are funded before the run: anvil_setBalance, or transfers from the account whose key PARABENCH_FUNDER_KEY holds; auto (default) tries the first, then the second.' }),
  })
  .superRefine((t, ctx) => {
    // Custom messages are phrases: the loader adds the path, and what was found.
    if (t.kind === 'inproc') {
      if (t.url !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], input: t.url, message: 'no URL for an inproc target (set kind: ws or http)' });
    } else if (t.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], input: undefined, message: `${URL_PHRASE} for a ${t.kind} target`, params: { found: 'nothing' } });
    } else if (t.kind === 'evm' ? !/^evm\+(https?|wss?):\/\//.test(t.url) : !t.url.startsWith(`${t.kind}://`) && !t.url.startsWith(`${t.kind}s://`)) {
      ctx.addIssue({ code: 'custom', path: ['url'], input: t.url, message: t.kind === 'evm' ? 'an evm+http:// or evm+ws:// URL for an evm target' : `a ${t.kind}:// URL for a ${t.kind} target` });
    }
  })
  .meta({ description: 'The system under test. For ws and http targets the server decides the executor, threads and blocks (parabench serve --executor …).' });

// ── thresholds ──────────────────────────────────────────────────────────────────────────────

/** One threshold, as it runs: its expression, and whether a failing one stops the run early. */
export interface ThresholdSpec {
  readonly threshold: string;
  /** Stop the run (exit 99) as soon as the threshold fails during the measured window, as k6 does. */
  readonly abortOnFail: boolean;
  /** Judge it for aborting only after this long into the measured window, ms (percentiles need samples). */
  readonly delayAbortEvalMs: number;
}

const thresholdItem = z
  .union(
    [
      z.string(),
      z.strictObject({
        threshold: z.string({ error: 'an expression string' }),
        abortOnFail: z.boolean({ error: 'true or false' }).default(false),
        delayAbortEval: duration().prefault('0s'),
      }),
    ],
    { error: 'an expression string, or { threshold, abortOnFail, delayAbortEval }' },
  )
  .transform((t): ThresholdSpec => (typeof t === 'string' ? { threshold: t, abortOnFail: false, delayAbortEvalMs: 0 } : { threshold: t.threshold, abortOnFail: t.abortOnFail, delayAbortEvalMs: t.delayAbortEval }));

const thresholds = z
  .partialRecord(z.enum(THRESHOLD_METRIC_NAMES, { error: 'a metric name' }), z.array(thresholdItem, { error: 'a list of expressions' }))
  .superRefine((record, ctx) => {
    for (const [metric, exprs] of Object.entries(record)) {
      (exprs ?? []).forEach((spec, i) => {
        const parsed = parseThresholdExpr(metric as ThresholdMetric, spec.threshold);
        if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error, path: typeof spec === 'object' && spec.abortOnFail ? [metric, i, 'threshold'] : [metric, i], input: spec.threshold });
      });
    }
  })
  .meta({ description: 'k6-style pass/fail criteria: metric → ["p(99)<250"], or { threshold: "p(99)<250", abortOnFail: true, delayAbortEval: "10s" } to stop a run early once it fails. A failure exits with 99.' });

// ── profile ─────────────────────────────────────────────────────────────────────────────────

export const profileSchema = z
  .strictObject({
    name: z
      .string({ error: 'a name of letters, digits, ".", "_" or "-"' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'a name of letters, digits, ".", "_" or "-"' })
      .optional()
      .meta({ description: 'Names the run; the file name when absent.' }),
    description: z.string({ error: 'a text' }).optional(),
    seed: z
      .int({ error: 'a whole number from 0 to 4294967295' })
      .min(0, { error: 'a whole number from 0 to 4294967295' })
      .max(0xffffffff, { error: 'a whole number from 0 to 4294967295' })
      .default(1)
      .meta({ description: 'Same seed and profile, same traffic, byte for byte.' }),
    duration: positiveDuration().meta({ description: 'Measured window, after the warm-up.' }),
    warmup: duration().prefault('0s').meta({ description: 'Load before the measured window; not counted.' }),
    timeout: positiveDuration()
      .prefault('10s')
      .meta({ description: 'A transaction without a receipt this long after its intended send time is timed out.' }),
    maxInFlight: wholeAtLeast(1)
      .default(100_000)
      .meta({ description: 'Most transactions awaiting receipts; a due transaction beyond it is dropped.' }),
    workload: workloadSchema,
    schedule: scheduleSchema,
    target: target.prefault({}),
    thresholds: thresholds.default({}),
    maxRegression: z
      .union([z.number().min(0).max(1), z.string().regex(/^\d+(\.\d+)?%$/)], { error: 'a share such as "5%" (or 0.05)' })
      .transform((v) => (typeof v === 'number' ? v : Number(v.slice(0, -1)) / 100))
      .default(0.05)
      .meta({ description: 'Against a baseline (--baseline, parabench compare): the largest regression of a metric the gate allows, when the spread of repeated runs says it is real.' }),
  })
  .meta({ title: 'parabench profile', description: 'A load-test scenario: workload × schedule × target × thresholds.' });

/** A validated profile, durations in milliseconds. */
export type Profile = z.output<typeof profileSchema>;
/** What a profile file may contain. */
export type ProfileInput = z.input<typeof profileSchema>;
export type { WorkloadConfig, SamplerConfig, Family } from './workload.js';
export type { ScheduleConfig } from './schedule.js';
export type TargetConfig = Profile['target'];

/** The JSON Schema editors use (`profiles/schema.json`), with the executor names the registry knows. */
export function profileJsonSchema(executorNames: readonly string[]): Record<string, unknown> {
  const withNames = profileSchema.extend({
    target: target
      .safeExtend({ executor: z.enum(executorNames as [string, ...string[]]).default('sequential') })
      .prefault({}),
  });
  return z.toJSONSchema(withNames, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
