import { profileHash } from '../../core/profile/hash.js';
import type { Profile } from '../../core/profile/schema.js';
import { kindIds } from '../../ledger/index.js';
import type { Schedule } from '../schedules/index.js';
import type { Workload } from '../workloads/index.js';
import { TRACE_SCHEMA, type TraceHeader } from './format.js';
import { TraceWriter } from './writer.js';

export interface HeaderInput {
  readonly profile: Profile & { readonly name: string };
  /** The profile as written, validated again on replay. */
  readonly config: unknown;
  readonly workload: Workload;
  readonly count: number;
  readonly parabench: string;
  readonly createdAt: Date;
}

/** The header of a trace of a profile's traffic. */
export function traceHeader(h: HeaderInput): TraceHeader {
  return {
    schema: TRACE_SCHEMA,
    parabench: h.parabench,
    createdAt: h.createdAt.toISOString(),
    seed: h.profile.seed,
    profile: { name: h.profile.name, hash: profileHash(h.profile) },
    config: h.config,
    workload: h.workload.description,
    genesis: h.workload.genesis,
    kinds: kindIds,
    count: h.count,
    warmupMs: h.profile.warmup,
    durationMs: h.profile.duration,
    blockSize: h.profile.target.blockSize,
  };
}

/** Generates every transaction of a schedule and writes it, with its intended time, to a trace. */
export async function recordTrace(path: string, shown: string, header: TraceHeader, workload: Workload, schedule: Schedule): Promise<number> {
  const writer = await TraceWriter.create(path, shown, header);
  for (let id = 0; id < schedule.total; id++) {
    if (writer.append(schedule.intendedMs(id), workload.next(id))) await writer.flush();
  }
  return writer.close();
}
