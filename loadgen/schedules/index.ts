import type { ScheduleConfig } from '../../core/index.js';
import { formatDuration } from '../../core/duration.js';
import { piecewise, type Segment } from './piecewise.js';
import { poisson } from './poisson.js';
import type { Schedule } from './schedule.js';

export type { Schedule } from './schedule.js';

/** The schedule a profile describes, over the whole run (warm-up + measured window) of `totalMs`. */
export function createSchedule(config: ScheduleConfig, totalMs: number, seed = 1): Schedule {
  switch (config.kind) {
    case 'constant-rate':
      return piecewise([{ startMs: 0, endMs: totalMs, from: config.rate, to: config.rate }], totalMs, `constant-rate ${config.rate} tx/s`);
    case 'ramping-rate': {
      const segments: Segment[] = [];
      let t = 0;
      let rate = config.startRate;
      for (const stage of config.stages) {
        segments.push({ startMs: t, endMs: t + stage.duration, from: rate, to: stage.target });
        t += stage.duration;
        rate = stage.target;
      }
      const peak = Math.max(config.startRate, ...config.stages.map((s) => s.target));
      return piecewise(segments, totalMs, `ramping-rate from ${config.startRate} tx/s over ${config.stages.length} stage${config.stages.length === 1 ? '' : 's'} (peak ${peak} tx/s)`);
    }
    case 'steps': {
      const points = Object.entries(config.steps)
        .map(([second, rate]) => ({ at: Number(second) * 1000, rate }))
        .sort((a, b) => a.at - b.at);
      const segments: Segment[] = points.map((p, i) => ({ startMs: p.at, endMs: points[i + 1]?.at ?? totalMs, from: p.rate, to: p.rate }));
      const first = points[0]?.at ?? 0;
      if (first > 0) segments.unshift({ startMs: 0, endMs: first, from: 0, to: 0 });
      return piecewise(segments, totalMs, `steps ${points.map((p) => `${p.at / 1000}s:${p.rate}`).join(' ')} tx/s`);
    }
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
    case 'spike': {
      const { base, peak, at, rampUp, hold, rampDown } = config;
      const segments: Segment[] = [
        { startMs: 0, endMs: at, from: base, to: base },
        { startMs: at, endMs: at + rampUp, from: base, to: peak },
        { startMs: at + rampUp, endMs: at + rampUp + hold, from: peak, to: peak },
        { startMs: at + rampUp + hold, endMs: at + rampUp + hold + rampDown, from: peak, to: base },
        { startMs: at + rampUp + hold + rampDown, endMs: Math.max(totalMs, at + rampUp + hold + rampDown), from: base, to: base },
      ];
      return piecewise(segments, totalMs, `spike ${base} → ${peak} tx/s at ${formatDuration(at)} for ${formatDuration(hold)}`);
    }
  }
}
