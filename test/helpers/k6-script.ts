/**
 * Loading an exported k6 script in Node, to run its pure parts (transactionAt, phaseOf,
 * outcomeOf, the request bodies, the options it computes) against parabench's own code. k6's
 * modules are replaced by inert stand-ins: SharedArray runs its callback and keeps the array;
 * metrics ignore what is added; http refuses to be called. It is not k6 and runs no scenario.
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const STUBS: Record<string, string> = {
  k6: 'export function check() { return true; } export function sleep() {}',
  'k6/http': 'export default { post() { throw new Error("k6/http: not in k6"); } };',
  'k6/execution': 'export default { scenario: { iterationInTest: 0 }, test: { options: { tags: {} } } };',
  'k6/data': 'export class SharedArray { constructor(name, make) { return Object.freeze(make()); } }',
  'k6/metrics': 'class Metric { add() {} } export class Counter extends Metric {} export class Rate extends Metric {} export class Trend extends Metric {} export class Gauge extends Metric {}',
};

const HOOKS = `
const STUBS = ${JSON.stringify(STUBS)};
export async function resolve(specifier, context, next) {
  if (Object.hasOwn(STUBS, specifier)) return { url: 'data:text/javascript,' + encodeURIComponent(STUBS[specifier]), shortCircuit: true };
  return next(specifier, context);
}`;

let registered = false;
let loads = 0;

export interface ExportedTx {
  id: number;
  kind: string;
  sender: number;
  nonce: number;
  args: number[];
  costUs: number;
  reads: number[];
  writes: number[];
  deltas: number[];
  exact: boolean;
}

export interface K6ScriptModule {
  readonly PLAN: { profile: string; file: string; target: string; transactions: number; warmupTransactions: number; hello: { kinds: string[] } };
  readonly options: { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, unknown[]> };
  transactionAt(i: number): ExportedTx;
  phaseOf(i: number): 'warmup' | 'measured';
  outcomeOf(status: number, body: string | null, errorCode: number): { outcome: string; reason: string };
  helloBody(session: string): string;
  txBody(session: string, i: number): string;
}

/** Imports `script` as k6 would run it from its directory, with `env` as __ENV. */
export async function importK6Script(script: string, env: Record<string, string> = {}): Promise<K6ScriptModule> {
  if (!registered) {
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
    registered = true;
  }
  const g = globalThis as Record<string, unknown>;
  g.__ENV = env;
  // k6's open() reads relative to the script.
  g.open = (path: string): string => readFileSync(join(dirname(script), path), 'utf8');
  // A fresh URL each time: the module runs its init code (options, SharedArray) again.
  return (await import(`${pathToFileURL(script).href}?load=${++loads}`)) as K6ScriptModule;
}
