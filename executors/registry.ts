import { ParabenchError } from '../core/errors.js';
import type { Executor, ExecutorFactory, ExecutorOptions } from './executor.js';
import { createAccessList } from './access-list/index.js';
import { createBlockStm } from './block-stm/index.js';
import { createSequential } from './sequential/index.js';
import { createSharded } from './sharded/index.js';

/** Every executor that ships with parabench, by the name profiles and `--executor` use. */
const registry = {
  sequential: createSequential,
  'block-stm': createBlockStm,
  'access-list': createAccessList,
  sharded: createSharded,
} as const satisfies Record<string, ExecutorFactory>;

export const executorNames: readonly string[] = Object.keys(registry);

export function createExecutor(name: string, options: ExecutorOptions): Promise<Executor> {
  const factory = (registry as Record<string, ExecutorFactory>)[name];
  if (factory === undefined) {
    throw new ParabenchError('PROFILE_INVALID', `unknown executor ${JSON.stringify(name)}`, {
      hint: `Known executors: ${executorNames.join(', ')}.`,
    });
  }
  return factory(options);
}
