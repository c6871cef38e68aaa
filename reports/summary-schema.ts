/**
 * The schema of summary.json, for what reads summaries back (`parabench report`, `compare`,
 * `--baseline`) and for the JSON Schema shipped beside the profile's (reports/summary.schema.json,
 * `npm run gen:schema`). Strict objects: a test validates real summaries against the generated
 * JSON Schema, so a field added to the Summary type but not here fails it.
 */
import { z } from 'zod';
import { THRESHOLD_METRIC_NAMES } from '../core/thresholds.js';
import { VERDICTS } from './compare.js';
import { SUMMARY_SCHEMA, type Summary } from './summary.js';

/** The summary versions this parabench reads. */
export const READABLE_SUMMARY_SCHEMAS = [SUMMARY_SCHEMA] as const;

const num = z.number();
const maybe = num.nullable();
const buckets = z.strictObject({ scheduled: num, sent: num, dropped: num, committed: num, failed: num, errored: num, timedOut: num });
const percentiles = { count: num, min: maybe, mean: maybe, p50: maybe, p90: maybe, p99: maybe, p999: maybe, max: maybe };
const runFigures = z.strictObject({ tps: num, p50: maybe, p99: maybe, speedup: maybe, efficiency: maybe });
const metricComparison = z.strictObject({
  metric: z.enum(['tps', 'p50', 'p99', 'speedup', 'efficiency']),
  unit: z.string(),
  better: z.enum(['higher', 'lower']),
  base: z.strictObject({ mean: num, samples: z.array(num) }),
  current: z.strictObject({ mean: num, samples: z.array(num) }),
  change: num,
  ci: z.tuple([num, num]).nullable(),
  confidence: maybe,
  verdict: z.enum(VERDICTS),
  regression: z.boolean(),
  message: z.string(),
});
const side = z.strictObject({ file: z.string(), profile: z.string(), profileHash: z.string(), runs: num });

export const summarySchema = z
  .strictObject({
    schema: z.literal(SUMMARY_SCHEMA),
    parabench: z.strictObject({ version: z.string() }),
    startedAt: z.string(),
    passed: z.boolean(),
    aborted: z.string().nullable(),
    profile: z.strictObject({
      name: z.string(),
      file: z.string(),
      hash: z.string(),
      description: z.string().nullable(),
      seed: num,
      workload: z.string(),
      schedule: z.string(),
    }),
    config: z.record(z.string(), z.unknown()).meta({ description: 'The profile as it ran (profiles/schema.json), defaults filled in; durations in ms.' }),
    target: z.strictObject({ kind: z.string(), url: z.string().optional(), executor: z.string().optional(), threads: num.optional(), blockSize: num.optional(), blockTimeMs: num.optional() }),
    window: z.strictObject({ warmupMs: num, durationMs: num, timeoutMs: num }),
    rate: z.strictObject({ requested: num, achieved: num }),
    tps: num,
    tx: buckets,
    warmupTx: buckets,
    latencyMs: z.strictObject({ ...percentiles, timeoutCountedAtMs: num, hdr: z.string() }),
    sendLagMs: z.strictObject(percentiles),
    generatorBound: z.boolean(),
    executor: z
      .strictObject({
        name: z.string(),
        threads: num,
        blocks: num,
        txs: num,
        executions: num,
        reexecutions: num,
        validations: num,
        aborts: num,
        waits: num,
        crossShard: num,
        fallbacks: num,
        execMs: num,
        prepareMs: num,
        commitMs: num,
        stateRoot: z.string().nullable(),
        meanTxPerBlock: num,
        meanBlockMs: num,
        usPerTx: num,
      })
      .nullable(),
    verification: z.strictObject({
      checked: z.boolean(),
      blocks: num,
      txs: num,
      blocksSkipped: num,
      stateRootMatches: z.boolean(),
      rootsCompared: num,
      receiptsMatch: z.boolean(),
      mismatch: z.string().nullable(),
    }),
    bound: z
      .strictObject({
        threads: num,
        blocks: num,
        txs: num,
        work: num,
        criticalPath: num,
        parallelism: num,
        smax: num,
        slist: num,
        slock: num,
        hotKeys: z.array(z.strictObject({ key: z.string(), share: num, writeShare: num })),
        deltaKeys: z.array(z.strictObject({ key: z.string(), share: num })),
      })
      .nullable(),
    thresholds: z.array(z.strictObject({ metric: z.enum(THRESHOLD_METRIC_NAMES), expr: z.string(), value: maybe, unit: z.string(), ok: z.boolean() })),
    windows: z.array(
      z.strictObject({
        t: num,
        phase: z.enum(['warmup', 'measured', 'drain']),
        offered: num,
        dropped: num,
        sent: num,
        committed: num,
        failed: num,
        errored: num,
        timedOut: num,
        latencyP50Ms: maybe,
        latencyP99Ms: maybe,
        inFlight: num,
      }),
    ),
    unmatchedReceipts: num,
    errors: z.array(z.strictObject({ message: z.string(), count: num })),
    // Added within v1: a summary written before it reads as having none recorded.
    failures: z.array(z.strictObject({ reason: z.string(), count: num })).default([]),
    warnings: z.array(z.string()),
    machine: z.strictObject({ node: z.string(), platform: z.string(), arch: z.string(), cpus: num, cpuModel: z.string(), loadAvgStart: num, loadAvgEnd: num, workItersPerUs: num }),
    trace: z.strictObject({ file: z.string(), speed: num, recordedProfileHash: z.string(), underruns: num }).nullable(),
    repeats: z.array(runFigures).nullable(),
    baseline: z
      .strictObject({ base: side, current: side, maxRegression: num, metrics: z.array(metricComparison), passed: z.boolean() })
      .nullable(),
    chain: z
      .strictObject({
        blocks: num,
        txs: num,
        ours: num,
        gasUsed: z.strictObject({ total: num, meanPerBlock: num, maxPerBlock: num }),
        perBlock: z.array(z.strictObject({ number: num, txs: num, ours: num, gasUsed: num })),
        receipts: z.strictObject({ checked: num, reverted: num, sampledBlocks: num }),
        prepare: z.strictObject({ funding: z.string(), setupTxs: num, signed: num, cached: num, seconds: num }),
      })
      .nullable(),
  })
  .meta({ title: 'parabench summary', description: 'summary.json: the result of one parabench run (or the last of --repeat N, with every run’s figures).' });

/** The Summary type and the schema describe the same document (checked both ways at compile time). */
type Parsed = z.output<typeof summarySchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type DeepMutable<T> = T extends (infer U)[] ? DeepMutable<U>[] : T extends readonly (infer U)[] ? DeepMutable<U>[] : T extends object ? { -readonly [K in keyof T]: DeepMutable<T[K]> } : T;
const _summaryMatchesSchema: Same<DeepMutable<Omit<Summary, 'config'>>, DeepMutable<Omit<Parsed, 'config'>>> = true;
void _summaryMatchesSchema;

/** The JSON Schema of summary.json (draft 2020-12). */
export function summaryJsonSchema(): object {
  return z.toJSONSchema(summarySchema, { io: 'output', target: 'draft-2020-12' });
}

/**
 * A summary read back from a file, checked: its schema version first (so that a summary from
 * another version is told apart from a broken one), then its shape. Returns what is wrong, in
 * words, instead of throwing.
 */
export function parseSummary(value: unknown): Summary | { error: string } {
  const version = typeof value === 'object' && value !== null && 'schema' in value ? (value as { schema: unknown }).schema : undefined;
  if (!(READABLE_SUMMARY_SCHEMAS as readonly unknown[]).includes(version)) {
    return { error: `schema: a summary of schema ${READABLE_SUMMARY_SCHEMAS.join(' or ')} is readable, found ${version === undefined ? 'no schema field' : JSON.stringify(version)}` };
  }
  const parsed = summarySchema.safeParse(value);
  if (parsed.success) return parsed.data as unknown as Summary;
  const issue = parsed.error.issues[0];
  return { error: `${issue && issue.path.length > 0 ? issue.path.join('.') : 'the summary'}: ${issue?.message ?? 'invalid'}` };
}
