import type { Schedule } from '../schedules/index.js';
import type { Workload } from '../workloads/index.js';
import type { TraceHeader } from './format.js';
import { TraceWriter } from './writer.js';

/** Generates every transaction of a schedule and writes it, with its intended time, to a trace. */
export async function recordTrace(path: string, shown: string, header: TraceHeader, workload: Workload, schedule: Schedule): Promise<number> {
  const writer = await TraceWriter.create(path, shown, header);
  for (let id = 0; id < schedule.total; id++) {
    if (writer.append(schedule.intendedMs(id), workload.next(id))) await writer.flush();
  }
  return writer.close();
}
