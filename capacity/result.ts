/**
 * The result of a capacity run (capacity.json), and how the terminal shows it.
 */
import type { Predictions, ScalingPoint } from './predict.js';
import type { Knee, SearchResult } from './search.js';

export const CAPACITY_SCHEMA = 'parabench.capacity/v1';

export interface CapacityResult {
  readonly schema: typeof CAPACITY_SCHEMA;
  readonly parabench: { readonly version: string };
  readonly profile: { readonly name: string; readonly file: string; readonly slo: readonly string[] };
  readonly target: string;
  readonly executor: string;
  readonly search: SearchResult & { readonly knee: Knee | null };
  readonly scaling: readonly ScalingPoint[];
  readonly predictions: Predictions | null;
  readonly notes: readonly string[];
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function renderCapacity(r: CapacityResult, file: string): string {
  const s = r.search;
  const lines = [`parabench capacity · ${r.profile.name} · ${r.executor} · SLO: ${r.profile.slo.join(', ')}`, ''];
  lines.push(`  sustainable   ${s.sustained ? `${fmt(s.sustained.rate)} tx/s (p99 ${s.sustained.p99} ms)` : 'none: the lowest rate tried failed'}`);
  if (s.firstFailing) lines.push(`  first failing ${fmt(s.firstFailing.rate)} tx/s: ${s.firstFailing.reasons.join('; ')}`);
  lines.push(`  search        ${s.steps.length} steps, ${s.ending}`);
  lines.push(`  knee          ${s.knee ? `${fmt(s.knee.rate)} tx/s (p99 ${s.knee.p99} ms; past it p99 grows ${s.knee.elasticity.toFixed(1)}× faster than throughput)` : 'none seen: latency never climbed faster than throughput'}`);
  lines.push('', '  rate tx/s   committed   p50 ms   p99 ms   verdict');
  for (const st of [...s.steps].sort((a, b) => a.rate - b.rate)) {
    lines.push(`  ${fmt(st.rate).padStart(9)}   ${fmt(st.tps).padStart(9)}   ${String(st.p50 ?? '–').padStart(6)}   ${String(st.p99 ?? '–').padStart(6)}   ${st.passed ? (st.retried ? 'pass (on a second run)' : 'pass') : `FAIL: ${st.reasons[0] ?? ''}`}`);
  }
  if (r.scaling.length > 0) {
    lines.push('', '  threads   committed tx/s (closed loop)');
    const byT = new Map<number, number[]>();
    for (const p of r.scaling) byT.set(p.threads, [...(byT.get(p.threads) ?? []), p.tps]);
    for (const [t, xs] of byT) lines.push(`  ${String(t).padStart(7)}   ${xs.map(fmt).join(', ')}`);
  }
  if (r.predictions) lines.push('', ...r.predictions.lines.map((l) => `  ${l}`));
  for (const n of r.notes) lines.push(`  note: ${n}`);
  lines.push('', `  capacity.json: ${file}`);
  return `${lines.join('\n')}\n`;
}
