import type { WorkloadConfig } from '../../core/profile/schema.js';
import { createSchedule, createWorkload, type Schedule, type Workload } from '../../loadgen/index.js';

type Payments = NonNullable<WorkloadConfig['payments']>;

/** A payments-only workload config, with the schema's defaults spelled out. */
export const payments = (
  over: Partial<Omit<WorkloadConfig, 'payments'>> = {},
  section: Partial<Payments> = {},
): WorkloadConfig => ({
  accounts: 1000,
  initialBalance: 1_000_000,
  sampler: { kind: 'uniform' },
  fee: { mode: 'none', amount: 1 },
  costUs: 0,
  ...over,
  payments: {
    weight: 1,
    amount: { min: 1, max: 100 },
    merchants: 10,
    merchantCredit: 'rmw',
    currencies: 4,
    corridorPopularity: 1,
    ...section,
  },
});

/** A payments workload at a constant rate over warm-up + duration. */
export function plan(rate: number, durationMs: number, warmupMs = 0, seed = 1): { workload: Workload; schedule: Schedule } {
  return {
    workload: createWorkload(payments(), seed),
    schedule: createSchedule({ kind: 'constant-rate', rate }, warmupMs + durationMs),
  };
}
