import type { TargetConfig } from '../core/profile/schema.js';
import type { Target } from '../core/target.js';
import { InprocTarget } from '../executors/index.js';

export interface TargetOptions {
  /** Re-execute what the target committed on the sequential reference after the run. */
  readonly verify: boolean;
}

/** The target a profile names. Network targets (ws, http, evm) will join here, each from its own folder. */
export function createTarget(config: TargetConfig, options: TargetOptions = { verify: true }): Target {
  switch (config.kind) {
    case 'inproc':
      return new InprocTarget({
        executor: config.executor,
        threads: config.threads,
        blockSize: config.blockSize,
        blockTimeMs: config.blockTime,
        ...(options.verify ? {} : { verifyMaxTxs: 0 }),
      });
  }
}
