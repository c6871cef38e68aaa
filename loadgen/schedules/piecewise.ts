import type { Schedule } from './schedule.js';

/** A stretch of time over which the rate moves linearly from `from` to `to` (tx/s). */
export interface Segment {
  readonly startMs: number;
  readonly endMs: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Every deterministic rate shape (constant, ramps, steps, spikes) as piecewise-linear rate over
 * time. Transaction k is due when the cumulative count ∫rate reaches k: within a segment that is
 * the root of a quadratic, found in closed form, so intended times are exact and O(1) each.
 */
export function piecewise(segments: readonly Segment[], totalMs: number, description: string): Schedule {
  const segs = clipSegments(segments, totalMs);
  // Cumulative transactions at the start of each segment.
  const before: number[] = [0];
  for (const s of segs) before.push((before[before.length - 1] ?? 0) + ((s.from + s.to) / 2) * ((s.endMs - s.startMs) / 1000));
  const cumulative = before[before.length - 1] ?? 0;
  const total = Math.max(0, Math.ceil(cumulative - 1e-9));
  let cursor = 0;

  return {
    total,
    description,
    intendedMs(id) {
      if (id < (before[cursor] ?? 0)) cursor = 0; // asked out of order: start over
      while (cursor < segs.length - 1 && id >= (before[cursor + 1] ?? Infinity)) cursor++;
      const s = segs[cursor];
      if (!s) return totalMs;
      const delta = id - (before[cursor] ?? 0);
      const a = s.from / 1000; // tx per ms at the segment's start
      const slope = (s.to - s.from) / 1000 / (s.endMs - s.startMs); // tx per ms²
      const root = a + Math.sqrt(Math.max(0, a * a + 2 * slope * delta));
      return root === 0 ? s.startMs : Math.min(s.endMs, s.startMs + (2 * delta) / root);
    },
    rateAt(ms) {
      const s = segs.find((x) => ms >= x.startMs && ms < x.endMs) ?? segs[segs.length - 1];
      if (!s) return 0;
      const f = Math.min(1, Math.max(0, (ms - s.startMs) / (s.endMs - s.startMs)));
      return s.from + (s.to - s.from) * f;
    },
  };
}

/** Segments within [0, totalMs], the last rate held to the end, empty stretches dropped. */
export function clipSegments(segments: readonly Segment[], totalMs: number): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    if (s.startMs >= totalMs || s.endMs <= s.startMs) continue;
    if (s.endMs <= totalMs) out.push(s);
    else {
      const f = (totalMs - s.startMs) / (s.endMs - s.startMs);
      out.push({ startMs: s.startMs, endMs: totalMs, from: s.from, to: s.from + (s.to - s.from) * f });
    }
  }
  const last = out[out.length - 1];
  const end = last?.endMs ?? 0;
  if (end < totalMs) out.push({ startMs: end, endMs: totalMs, from: last?.to ?? 0, to: last?.to ?? 0 });
  return out;
}
