/**
 * `parabench export k6`: a profile handed to k6, for load beyond one machine. Writes, into one
 * directory, the k6 script, the profile's transactions as data (txs.json), the k6-operator
 * manifests (k8s/) and a README. The traffic is parabench's own generator run ahead of time, so
 * k6 sends exactly what `parabench run` would for the same profile and seed.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { LoadedProfile } from '../../core/profile/load.js';
import { createSchedule, createWorkload, type Schedule } from '../../loadgen/index.js';
import { dataChunks, DATA_FILE } from './data.js';
import { CONFIGMAP_LIMIT_BYTES, configMapManifest, filesVia, testRunManifest, volumeClaimManifest, type FilesVia } from './manifests.js';
import { planK6Export, type K6ExportOptions, type K6Plan, type ScheduleFacts } from './plan.js';
import { renderReadme, README_FILE } from './readme.js';
import { renderScript, SCRIPT_FILE } from './script.js';

export { DEFAULT_PROMETHEUS_RW_URL, MAX_PARALLELISM, MAX_TRANSACTIONS, type K6ExportOptions, type K6Plan } from './plan.js';
export { DATA_FILE } from './data.js';
export { SCRIPT_FILE } from './script.js';

export interface K6ExportResult {
  readonly plan: K6Plan;
  /** Paths written, relative to the directory. */
  readonly files: readonly string[];
  readonly dataBytes: number;
  readonly via: FilesVia;
}

export interface WriteOptions extends K6ExportOptions {
  /** Largest script + data that still goes into a ConfigMap (tests lower it). */
  readonly configMapLimitBytes?: number;
}

/** Plans the export (refusing what k6 cannot run), generates the transactions and writes every file under `dir`. */
export async function writeK6Export(dir: string, loaded: LoadedProfile, options: WriteOptions): Promise<K6ExportResult> {
  const { profile } = loaded;
  const workload = createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize });
  const schedule = createSchedule(profile.schedule, profile.warmup + profile.duration, profile.seed);
  const plan = planK6Export(loaded, workload.genesis, () => scheduleFacts(schedule, profile.warmup), options);
  const script = renderScript(plan);

  await mkdir(join(dir, 'k8s'), { recursive: true });
  const limit = options.configMapLimitBytes ?? CONFIGMAP_LIMIT_BYTES;
  const { bytes, text } = await writeData(join(dir, DATA_FILE), dataChunks((id) => workload.next(id), plan.transactions, plan.hello.kinds), limit - Buffer.byteLength(script));
  const via = filesVia(plan, bytes + Buffer.byteLength(script), limit);
  const files: [string, string][] = [
    [SCRIPT_FILE, script],
    [README_FILE, renderReadme(plan, via, bytes)],
    ['k8s/testrun.yaml', testRunManifest(plan, via)],
  ];
  // Only one way in for the files: an earlier export's other manifest would contradict this one.
  if (via.kind === 'configmap') {
    if (text === undefined) throw new Error('the data was not kept for the ConfigMap');
    files.push(['k8s/configmap.yaml', configMapManifest(plan, via, script, text)]);
    await rm(join(dir, 'k8s/pvc.yaml'), { force: true });
  } else {
    files.push(['k8s/pvc.yaml', volumeClaimManifest(via)]);
    await rm(join(dir, 'k8s/configmap.yaml'), { force: true });
  }
  for (const [path, content] of files) await writeFile(join(dir, path), content);
  return { plan, files: [SCRIPT_FILE, DATA_FILE, ...files.slice(1).map(([p]) => p)], dataBytes: bytes, via };
}

/** How many transactions the run has, and how many of them fall in the warm-up (as the collector counts them). */
function scheduleFacts(schedule: Schedule, warmupMs: number): ScheduleFacts {
  let warmupTransactions = 0;
  while (warmupTransactions < schedule.total && schedule.intendedMs(warmupTransactions) < warmupMs) warmupTransactions++;
  return { total: schedule.total, warmupTransactions };
}

/** Streams the data to `path`; keeps its text too while it is no larger than `keepUpTo` bytes. */
async function writeData(path: string, chunks: Iterable<string>, keepUpTo: number): Promise<{ bytes: number; text: string | undefined }> {
  const out = createWriteStream(path);
  let bytes = 0;
  let kept: string[] | undefined = [];
  let pending = '';
  const flush = async (): Promise<void> => {
    if (!out.write(pending)) await once(out, 'drain');
    pending = '';
  };
  for (const chunk of chunks) {
    bytes += Buffer.byteLength(chunk);
    if (kept && bytes <= keepUpTo) kept.push(chunk);
    else kept = undefined;
    pending += chunk;
    if (pending.length >= 1 << 16) await flush();
  }
  await flush();
  out.end();
  await finished(out);
  return { bytes, text: kept?.join('') };
}
