import type { WorkloadConfig } from '../../core/profile/schema.js';
import { createSchedule, createWorkload, type Schedule, type Workload } from '../../loadgen/index.js';

export const payments = (over: Partial<Extract<WorkloadConfig, { family: 'payments' }>> = {}): WorkloadConfig => ({
  family: 'payments',
  accounts: 1000,
  initialBalance: 1_000_000,
  sampler: { kind: 'uniform' },
  amount: { min: 1, max: 100 },
  costUs: 0,
  ...over,
});

/** A payments workload at a constant rate over warm-up + duration. */
export function plan(rate: number, durationMs: number, warmupMs = 0, seed = 1): { workload: Workload; schedule: Schedule } {
  return {
    workload: createWorkload(payments(), seed),
    schedule: createSchedule({ kind: 'constant-rate', rate }, warmupMs + durationMs),
  };
}
