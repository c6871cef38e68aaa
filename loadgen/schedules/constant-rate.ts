import type { Schedule } from './schedule.js';

/** Open loop at `rate` tx/s for `totalMs`: transaction i is due at i/rate seconds, whatever the target does. */
export function constantRate(rate: number, totalMs: number): Schedule {
  const total = Math.floor((rate * totalMs) / 1000);
  return {
    total,
    requestedRate: rate,
    description: `constant-rate ${rate} tx/s`,
    dueBy(elapsedMs) {
      if (elapsedMs < 0) return 0;
      return Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);
    },
    intendedMs(id) {
      return (id * 1000) / rate;
    },
  };
}
