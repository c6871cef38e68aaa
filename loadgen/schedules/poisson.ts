import { Rng } from '../../core/rng.js';
import type { Schedule } from './schedule.js';

/**
 * Poisson arrivals at a mean rate: n = rate × duration arrivals placed as a Poisson process
 * conditioned on its count, i.e. n sorted uniform times. They are generated in order, one at a
 * time (Bentley and Saxe's sorted-uniforms method), so a run of any length takes O(1) memory and
 * the offered rate is exactly the one asked for.
 */
export function poisson(rate: number, totalMs: number, seed: number): Schedule {
  const total = Math.round((rate * totalMs) / 1000);
  const rng = new Rng(seed).fork('poisson');
  let lastId = -1;
  let last = 0; // the fraction of the run at which arrival `lastId` falls
  return {
    total,
    description: `poisson ${rate} tx/s`,
    intendedMs(id) {
      if (id < lastId) throw new Error('poisson schedule asked for an earlier id');
      while (lastId < id) {
        lastId++;
        const remaining = total - lastId;
        // The next of `remaining` sorted uniforms above `last`.
        last = 1 - (1 - last) * Math.pow(1 - rng.float(), 1 / remaining);
      }
      return last * totalMs;
    },
    rateAt: () => rate,
  };
}
