/**
 * The run's and the server's Prometheus metrics, as the CLI sets them up: the registry and its
 * labels, the exposition endpoint, the push at the end of a run. The numbers come from
 * metrics/prom.ts; the names from metrics/catalog.ts.
 */
import { ParabenchError } from '../core/errors.js';
import type { Profile } from '../core/profile/schema.js';
import { parseThresholdExpr } from '../core/thresholds.js';
import { kindIds, kinds, REASONS } from '../ledger/index.js';
import type { TargetDescription } from '../core/target.js';
import { LOAD, latencyBuckets, SEND_LAG_BUCKETS } from '../metrics/catalog.js';
import { LoadMetrics, MetricsRegistry, pushMetrics, serveMetrics } from '../metrics/prom.js';

export function checkMetricsPort(port: number | undefined): void {
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new ParabenchError('USAGE', `--metrics-port: expected a port from 0 to 65535, found ${JSON.stringify(port)}`);
  }
}

export function checkPushgateway(url: string | undefined): void {
  if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) {
    throw new ParabenchError('USAGE', `--pushgateway: expected the Pushgateway's URL such as http://127.0.0.1:9091, found ${JSON.stringify(url)}`);
  }
}

/** Listens for scrapes; a port that cannot be had is the user's to change. */
export async function exposeMetrics(reg: MetricsRegistry, port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  try {
    return await serveMetrics(reg, port, host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ParabenchError('USAGE', `--metrics-port: cannot listen on ${host}:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`, {
      hint: 'Pick another --metrics-port, or 0 for any free one.',
    });
  }
}

/** p(99)<250 → percentile "99", 0.25 s. */
function latencySlos(profile: Profile): { percentile: string; seconds: number }[] {
  const out: { percentile: string; seconds: number }[] = [];
  for (const spec of profile.thresholds.latency ?? []) {
    const t = parseThresholdExpr('latency', spec.threshold);
    if ('error' in t) continue;
    if (t.aggregation === 'p' && (t.op === '<' || t.op === '<=')) out.push({ percentile: String(t.percentile ?? 0), seconds: t.limit / 1000 });
  }
  return out;
}

export interface RunMetrics {
  readonly registry: MetricsRegistry;
  readonly load: LoadMetrics;
}

/** The registry of one run: every series labelled with the run's id and profile. */
export function runMetrics(runId: string, profileName: string, profile: Profile, describe: () => TargetDescription): RunMetrics {
  const registry = new MetricsRegistry({ run_id: runId, profile: profileName });
  // Read at each scrape: a network target names its executor once it has answered the hello.
  registry.gauge(LOAD.info, (g) => {
    const d = describe();
    g.reset();
    g.set({ run_id: runId, profile: profileName, target: d.url ?? d.kind, executor: d.executor ?? 'unknown' }, 1);
  });
  const slos = latencySlos(profile);
  const load = new LoadMetrics(registry, {
    kinds: kindIds.map((k) => ({ family: kinds[k]?.family ?? 'unknown', kind: k })),
    reasons: REASONS,
    latencyBuckets: latencyBuckets(slos.map((s) => s.seconds * 1000)),
    sendLagBuckets: SEND_LAG_BUCKETS,
  });
  for (const s of slos) load.setSlo(s.percentile, s.seconds);
  return { registry, load };
}

export async function pushRunMetrics(m: RunMetrics, url: string, runId: string): Promise<void> {
  try {
    await pushMetrics(m.registry, url, 'parabench', { run_id: runId });
  } catch (e) {
    throw new ParabenchError('PUSH_FAILED', `could not push the metrics to ${url}: ${(e as Error).message}`);
  }
}
