import { ParabenchError } from '../core/errors.js';
import type { Executor, ExecutorFactory, ExecutorOptions } from './executor.js';
import { createAccessList } from './access-list/index.js';
import { createBlockStm } from './block-stm/index.js';
import { createSequential } from './sequential/index.js';
import { createSharded } from './sharded/index.js';

/** Every executor that ships with parabench, by the name profiles and `--executor` use. A new executor is one folder and one line here. */
const registry: Record<string, ExecutorFactory> = {
  sequential: createSequential,
  'block-stm': createBlockStm,
  'access-list': createAccessList,
  sharded: createSharded,
};

/** The names the registry knows (a live list: `registerExecutor` adds to it). */
export const executorNames: string[] = Object.keys(registry);

/**
 * Adds an executor at run time, for a program that embeds parabench (and for tests that need a
 * deliberately broken one). It must run the same state machine: the verification will tell.
 */
export function registerExecutor(name: string, factory: ExecutorFactory): void {
  if (registry[name] !== undefined) throw new Error(`an executor named ${JSON.stringify(name)} is already registered`);
  registry[name] = factory;
  executorNames.push(name);
}

export function createExecutor(name: string, options: ExecutorOptions): Promise<Executor> {
  const factory = registry[name];
  if (factory === undefined) {
    throw new ParabenchError('PROFILE_INVALID', `unknown executor ${JSON.stringify(name)}`, {
      hint: `Known executors: ${executorNames.join(', ')}.`,
    });
  }
  return factory(options);
}
