import type { ScheduleConfig } from '../../core/index.js';
import { constantRate } from './constant-rate.js';
import type { Schedule } from './schedule.js';

export type { Schedule } from './schedule.js';

export function createSchedule(config: ScheduleConfig, totalMs: number): Schedule {
  switch (config.kind) {
    case 'constant-rate':
      return constantRate(config.rate, totalMs);
  }
}
