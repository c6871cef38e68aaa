import type { Clock } from '../../core/clock.js';
import type { Target, TargetDescription, TargetInit } from '../../core/target.js';
import type { Receipt, Tx } from '../../core/tx.js';

/** What a scripted target does with one transaction. */
export type Behaviour =
  | { readonly do: 'commit' | 'fail'; readonly afterMs?: number }
  | { readonly do: 'error'; readonly message?: string }
  | { readonly do: 'ignore' }
  | { readonly do: 'answer-twice' };

/**
 * A real target whose answer to each transaction is chosen by a function: faults on demand, so
 * the runner's accounting can be checked against every way a target can misbehave.
 */
export class ScriptedTarget implements Target {
  readonly description: TargetDescription = { kind: 'scripted' };
  submitted = 0;
  private init: TargetInit | undefined;
  private clock: Clock | undefined;
  private readonly behave: (tx: Tx, nowMs: number) => Behaviour;
  private readonly throwOnSubmit: ((nowMs: number) => boolean) | undefined;

  constructor(behave: (tx: Tx, nowMs: number) => Behaviour, throwOnSubmit?: (nowMs: number) => boolean) {
    this.behave = behave;
    this.throwOnSubmit = throwOnSubmit;
  }

  async open(init: TargetInit): Promise<void> {
    this.init = init;
    this.clock = init.clock;
  }

  submit(txs: readonly Tx[]): void {
    const init = this.init;
    const clock = this.clock;
    if (!init || !clock) throw new Error('submit before open');
    if (this.throwOnSubmit?.(clock.now())) throw new Error('target refused the batch');
    this.submitted += txs.length;
    for (const tx of txs) {
      const b = this.behave(tx, clock.now());
      const receipt = (status: 'committed' | 'failed'): Receipt => ({ id: tx.id, block: 1, status, commitMs: clock.now() });
      switch (b.do) {
        case 'commit':
        case 'fail': {
          const r = receipt(b.do === 'commit' ? 'committed' : 'failed');
          if (b.afterMs === undefined) init.onReceipts([r]);
          else clock.setTimeout(() => init.onReceipts([{ ...r, commitMs: clock.now() }]), b.afterMs);
          break;
        }
        case 'error':
          init.onErrors([tx.id], new Error(b.message ?? 'scripted error'));
          break;
        case 'answer-twice':
          init.onReceipts([receipt('committed'), receipt('committed')]);
          break;
        case 'ignore':
          break;
      }
    }
  }

  async close(): Promise<void> {}
}
