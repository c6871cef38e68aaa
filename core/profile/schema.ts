/**
 * THE profile schema: the one definition from which the TypeScript types, the validation and
 * `profiles/schema.json` all come. Every leaf states what it expects as a phrase ("a positive
 * number") so that error messages read `schedule.rate: expected a positive number, found "fast"`.
 */
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../duration.js';
import { THRESHOLD_METRIC_NAMES, parseThresholdExpr, type ThresholdMetric } from '../thresholds.js';

const positiveNumber = (what = 'a positive number') => z.number({ error: what }).positive({ error: what });
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

// ── workload ────────────────────────────────────────────────────────────────────────────────

const sampler = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('uniform') }).meta({ description: 'Every account equally likely.' }),
    z
      .strictObject({
        kind: z.literal('zipf'),
        s: z
          .number({ error: 'a Zipf exponent between 0 and 5' })
          .positive({ error: 'a Zipf exponent between 0 and 5' })
          .max(5, { error: 'a Zipf exponent between 0 and 5' })
          .meta({ description: 'Skew: 0.8 mild, 1.0 strong, 1.2 a few accounts dominate.' }),
      })
      .meta({ description: 'Account of rank r drawn with probability proportional to 1/r^s.' }),
  ])
  .meta({ description: 'How senders and recipients are drawn from the accounts: the contention dial.' });

const amount = z
  .strictObject({
    min: wholeAtLeast(1),
    max: wholeAtLeast(1),
  })
  .refine((a) => a.min <= a.max, { error: 'min ≤ max', path: ['max'] })
  .meta({ description: 'Transfer amounts, drawn uniformly in [min, max].' });

const payments = z
  .strictObject({
    family: z.literal('payments'),
    accounts: wholeAtLeast(2, 'a whole number of accounts from 2 to 10000000')
      .max(10_000_000, { error: 'a whole number of accounts from 2 to 10000000' })
      .default(10_000),
    initialBalance: wholeAtLeast(1)
      .max(1e12, { error: 'a whole number from 1 to 1e12' })
      .default(1_000_000)
      .meta({ description: 'Balance every account starts with.' }),
    sampler: sampler.default({ kind: 'uniform' }),
    amount: amount.default({ min: 1, max: 1000 }),
    costUs: z
      .number({ error: 'a cost in microseconds from 0 to 1000000' })
      .min(0, { error: 'a cost in microseconds from 0 to 1000000' })
      .max(1e6, { error: 'a cost in microseconds from 0 to 1000000' })
      .optional()
      .meta({ description: 'CPU work per transaction in µs; the kind default when absent.' }),
  })
  .meta({ description: 'Peer-to-peer transfers between pre-funded accounts.' });

const workload = z.discriminatedUnion('family', [payments]);

// ── schedule ────────────────────────────────────────────────────────────────────────────────

const constantRate = z
  .strictObject({
    kind: z.literal('constant-rate'),
    rate: positiveNumber('a positive number of transactions per second')
      .max(10_000_000, { error: 'a positive number of transactions per second' })
      .meta({ description: 'Open-loop arrival rate, tx/s.' }),
  })
  .meta({ description: 'Transactions due at a fixed rate whatever the target does (open loop).' });

const schedule = z.discriminatedUnion('kind', [constantRate]);

// ── target ──────────────────────────────────────────────────────────────────────────────────

const target = z
  .strictObject({
    kind: z.literal('inproc').default('inproc').meta({ description: 'Where the executor runs.' }),
    executor: z
      .string({ error: 'an executor name' })
      .default('sequential')
      .meta({ description: 'Executor to run; `parabench run --help` lists them.' }),
    threads: wholeAtLeast(1).max(256, { error: 'a whole number from 1 to 256' }).default(1),
    blockSize: wholeAtLeast(1).max(1_000_000, { error: 'a whole number from 1 to 1000000' }).default(1000)
      .meta({ description: 'Most transactions in a block.' }),
    blockTime: positiveDuration().prefault('50ms')
      .meta({ description: 'Longest a pending transaction waits before its block is sealed.' }),
  })
  .meta({ description: 'The system under test.' });

// ── thresholds ──────────────────────────────────────────────────────────────────────────────

const thresholds = z
  .partialRecord(z.enum(THRESHOLD_METRIC_NAMES, { error: 'a metric name' }), z.array(z.string({ error: 'an expression string' }), { error: 'a list of expressions' }))
  .superRefine((record, ctx) => {
    for (const [metric, exprs] of Object.entries(record)) {
      (exprs ?? []).forEach((source, i) => {
        const parsed = parseThresholdExpr(metric as ThresholdMetric, source);
        if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error, path: [metric, i], input: source });
      });
    }
  })
  .meta({ description: 'k6-style pass/fail criteria: metric → ["p(99)<250"]. A failure exits with 99.' });

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
    workload,
    schedule,
    target: target.prefault({}),
    thresholds: thresholds.default({}),
  })
  .meta({ title: 'parabench profile', description: 'A load-test scenario: workload × schedule × target × thresholds.' });

/** A validated profile, durations in milliseconds. */
export type Profile = z.output<typeof profileSchema>;
/** What a profile file may contain. */
export type ProfileInput = z.input<typeof profileSchema>;
export type WorkloadConfig = Profile['workload'];
export type ScheduleConfig = Profile['schedule'];
export type TargetConfig = Profile['target'];

/** The JSON Schema editors use (`profiles/schema.json`), with the executor names the registry knows. */
export function profileJsonSchema(executorNames: readonly string[]): Record<string, unknown> {
  const withNames = profileSchema.extend({
    target: target
      .extend({ executor: z.enum(executorNames as [string, ...string[]]).default('sequential') })
      .prefault({}),
  });
  return z.toJSONSchema(withNames, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
