import type { WorkloadConfig } from '../../core/index.js';
import { paymentsWorkload } from './payments.js';
import type { Workload } from './workload.js';

export type { Workload } from './workload.js';

/** The workload a profile describes. One case per family; the schema guarantees the config's shape. */
export function createWorkload(config: WorkloadConfig, seed: number): Workload {
  switch (config.family) {
    case 'payments':
      return paymentsWorkload(config, seed);
  }
}
