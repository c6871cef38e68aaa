/** The schedule part of the profile schema: when transactions are due (open loop), or how many stay in flight (closed loop). */
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../duration.js';

const RATE = 'a rate in transactions per second from 0 to 10000000';
const rate = (what = RATE) => z.number({ error: what }).min(0, { error: what }).max(10_000_000, { error: what });
const positiveRate = (what = 'a positive rate in transactions per second') =>
  z.number({ error: what }).positive({ error: what }).max(10_000_000, { error: what });
const DURATION = 'a duration such as "10s" or "500ms"';
const duration = (what = DURATION) =>
  z
    .string({ error: what })
    .regex(DURATION_PATTERN, { error: what })
    .transform((t) => parseDuration(t) ?? 0);

const constantRate = z
  .strictObject({ kind: z.literal('constant-rate'), rate: positiveRate().meta({ description: 'Arrival rate, tx/s.' }) })
  .meta({ description: 'A fixed rate: transaction i is due at i/rate seconds.' });

const rampingRate = z
  .strictObject({
    kind: z.literal('ramping-rate'),
    startRate: rate().default(0),
    stages: z
      .array(z.strictObject({ target: rate(), duration: duration() }), { error: 'a list of { target, duration } stages' })
      .min(1, { error: 'at least one stage' }),
  })
  .meta({ description: 'k6 ramping-arrival-rate: the rate moves linearly to each stage\'s target over its duration, then holds the last.' });

const steps = z
  .strictObject({
    kind: z.literal('steps'),
    steps: z
      .record(z.string().regex(/^\d+(\.\d+)?$/, { error: 'a second offset such as 0, 10 or 2.5' }), rate())
      .refine((r) => Object.keys(r).length > 0, { error: 'at least one step' })
      .meta({ description: 'Second → rate from that second on, Diablo\'s trace format: { 0: 100, 10: 500, 30: 0 }.' }),
  })
  .meta({ description: 'A step function of time: Diablo traces replay unchanged.' });

const poisson = z
  .strictObject({ kind: z.literal('poisson'), rate: positiveRate().meta({ description: 'Mean arrival rate, tx/s.' }) })
  .meta({ description: 'Poisson arrivals: memoryless, bursty gaps, rate × duration of them over the run.' });

const spike = z
  .strictObject({
    kind: z.literal('spike'),
    base: rate(),
    peak: rate(),
    at: duration().meta({ description: 'When the spike starts, from the start of the run.' }),
    rampUp: duration().prefault('0s'),
    hold: duration().meta({ description: 'How long the peak lasts.' }),
    rampDown: duration().prefault('0s'),
  })
  .meta({ description: 'A base rate with one spike to a peak: ramp up, hold, ramp down.' });

const whole = (what: string) => z.int({ error: what }).min(1, { error: what });
const closedLoop = z
  .strictObject({
    kind: z.literal('closed-loop'),
    inFlight: whole('a whole number ≥ 1').max(1_000_000, { error: 'a whole number from 1 to 1000000' })
      .meta({ description: 'Transactions kept in flight: a new one is sent as soon as one is answered.' }),
    batch: whole('a whole number ≥ 1').max(10_000, { error: 'a whole number from 1 to 10000' }).default(100)
      .meta({ description: 'Transactions per request of an HTTP target (autocannon keeps inFlight / batch requests going).' }),
  })
  .meta({
    description:
      'Closed loop (Caliper\'s fixed load): the target paces the sender. It finds the most a target sustains with a fixed number in flight; its latency is service time, which hides a stalled target, so open-loop schedules are the ones to judge latency by.',
  });

export const scheduleSchema = z.discriminatedUnion('kind', [constantRate, rampingRate, steps, poisson, spike, closedLoop]);

export type ScheduleConfig = z.output<typeof scheduleSchema>;
