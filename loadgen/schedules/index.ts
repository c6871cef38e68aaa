import type { ScheduleConfig } from '../../core/index.js';
import { formatDuration } from '../../core/duration.js';
import { clipSegments, piecewise, type Segment } from './piecewise.js';
import { poisson } from './poisson.js';
import type { Schedule } from './schedule.js';

export type { Schedule } from './schedule.js';
export type { Segment } from './piecewise.js';

/**
 * The rate over time of a deterministic schedule (constant, ramping, steps, spike), as
 * piecewise-linear segments over [0, totalMs]; undefined for Poisson and closed loop, which have
 * no rate curve of their own. One definition for the runner's schedule and for exports (k6 stages).
 */
export function rateSegments(config: ScheduleConfig, totalMs: number): readonly Segment[] | undefined {
  switch (config.kind) {
    case 'constant-rate':
      return clipSegments([{ startMs: 0, endMs: totalMs, from: config.rate, to: config.rate }], totalMs);
    case 'ramping-rate': {
      const segments: Segment[] = [];
      let t = 0;
      let rate = config.startRate;
      for (const stage of config.stages) {
        segments.push({ startMs: t, endMs: t + stage.duration, from: rate, to: stage.target });
        t += stage.duration;
        rate = stage.target;
      }
      return clipSegments(segments, totalMs);
    }
    case 'steps': {
      const points = stepPoints(config.steps);
      const segments: Segment[] = points.map((p, i) => ({ startMs: p.at, endMs: points[i + 1]?.at ?? totalMs, from: p.rate, to: p.rate }));
      const first = points[0]?.at ?? 0;
      if (first > 0) segments.unshift({ startMs: 0, endMs: first, from: 0, to: 0 });
      return clipSegments(segments, totalMs);
    }
    case 'spike': {
      const { base, peak, at, rampUp, hold, rampDown } = config;
      return clipSegments(
        [
          { startMs: 0, endMs: at, from: base, to: base },
          { startMs: at, endMs: at + rampUp, from: base, to: peak },
          { startMs: at + rampUp, endMs: at + rampUp + hold, from: peak, to: peak },
          { startMs: at + rampUp + hold, endMs: at + rampUp + hold + rampDown, from: peak, to: base },
          { startMs: at + rampUp + hold + rampDown, endMs: Math.max(totalMs, at + rampUp + hold + rampDown), from: base, to: base },
        ],
        totalMs,
      );
    }
    case 'poisson':
    case 'closed-loop':
      return undefined;
  }
}

function stepPoints(steps: Readonly<Record<string, number>>): { at: number; rate: number }[] {
  return Object.entries(steps)
    .map(([second, rate]) => ({ at: Number(second) * 1000, rate }))
    .sort((a, b) => a.at - b.at);
}

/** The schedule a profile describes, over the whole run (warm-up + measured window) of `totalMs`. */
export function createSchedule(config: ScheduleConfig, totalMs: number, seed = 1): Schedule {
  switch (config.kind) {
    case 'constant-rate':
      return piecewise(rateSegments(config, totalMs) ?? [], totalMs, `constant-rate ${config.rate} tx/s`);
    case 'ramping-rate': {
      const peak = Math.max(config.startRate, ...config.stages.map((s) => s.target));
      return piecewise(rateSegments(config, totalMs) ?? [], totalMs, `ramping-rate from ${config.startRate} tx/s over ${config.stages.length} stage${config.stages.length === 1 ? '' : 's'} (peak ${peak} tx/s)`);
    }
    case 'steps':
      return piecewise(rateSegments(config, totalMs) ?? [], totalMs, `steps ${stepPoints(config.steps).map((p) => `${p.at / 1000}s:${p.rate}`).join(' ')} tx/s`);
    case 'poisson':
      return poisson(config.rate, totalMs, seed);
    case 'closed-loop':
      return {
        total: Infinity,
        description: `closed loop, ${config.inFlight} in flight`,
        closedLoop: { inFlight: config.inFlight, batch: config.batch },
        intendedMs() {
          throw new Error('a closed loop has no intended times: a transaction is due when it is sent');
        },
        rateAt: () => NaN,
      };
    case 'spike':
      return piecewise(rateSegments(config, totalMs) ?? [], totalMs, `spike ${config.base} → ${config.peak} tx/s at ${formatDuration(config.at)} for ${formatDuration(config.hold)}`);
  }
}
