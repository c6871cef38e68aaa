import { ParabenchError } from '../core/errors.js';
import type { TargetConfig } from '../core/profile/schema.js';
import type { RecordedBlockChecks, Target } from '../core/target.js';
import { BoundAccumulator, InprocTarget, verifyAgainstSequential } from '../executors/index.js';
import { StateLayout } from '../ledger/index.js';
import { accountFromKey, cacheDir, EvmTarget, HttpTarget, WsTarget } from '../loadgen/index.js';
import { version } from './version.js';

export interface TargetOptions {
  /** Re-execute what the target committed on the sequential reference after the run. */
  readonly verify: boolean;
  /** Seeds an EVM target's account keys (the profile's seed). */
  readonly seed?: number;
  /** An EVM target reads PARABENCH_FUNDER_KEY and PARABENCH_CACHE from here. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** An EVM target's prepare phase, a line at a time. */
  readonly log?: (line: string) => void;
}

/** How a network target's blocks are checked: the same oracle and bound as the in-process target's. */
export const recordedBlockChecks: RecordedBlockChecks = {
  verify: verifyAgainstSequential,
  bound(genesis, blocks, threads) {
    const layout = new StateLayout(genesis);
    const acc = new BoundAccumulator(threads, (k) => layout.describe(k));
    for (const { block } of blocks) acc.add(block.txs);
    return acc.summary();
  },
};

/** The target a profile names. */
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
    case 'ws':
      return new WsTarget({
        url: config.url ?? '',
        encoding: config.encoding,
        connections: config.connections ?? 1,
        checks: recordedBlockChecks,
        client: `parabench ${version}`,
        ...(options.verify ? {} : { verifyMaxTxs: 0 }),
      });
    case 'http':
      return new HttpTarget({
        url: config.url ?? '',
        connections: config.connections ?? 256,
        checks: recordedBlockChecks,
        client: `parabench ${version}`,
        ...(options.verify ? {} : { verifyMaxTxs: 0 }),
      });
    case 'evm':
      return evmTarget(config, options);
  }
}

function evmTarget(config: TargetConfig, options: TargetOptions): EvmTarget {
  const env = options.env ?? {};
  const key = env.PARABENCH_FUNDER_KEY?.trim();
  const funder = key ? accountFromKey(key) : undefined;
  if (key && !funder) throw new ParabenchError('USAGE', 'PARABENCH_FUNDER_KEY: expected a private key of 64 hex digits (0x optional), found something else (not shown)');
  const cache = cacheDir(env);
  return new EvmTarget({
    url: config.url ?? '',
    seed: options.seed ?? 1,
    asset: config.asset ?? 'native',
    funding: config.funding ?? 'auto',
    ...(config.chainId !== undefined ? { chainId: config.chainId } : {}),
    ...(funder ? { funder } : {}),
    ...(cache ? { cacheDir: cache } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}
