import type { Target, TargetDescription, TargetInit } from '../../core/target.js';
import type { Receipt, Tx } from '../../core/tx.js';

/**
 * A target that executes nothing: every batch becomes a block at once, every transaction in it
 * committed. Behind `parabench serve --noop` it measures the harness and the wire alone (what the
 * load side sustains when the target costs nothing); its results are not a ledger's, so a run
 * against it is not verified.
 */
export class NoopTarget implements Target {
  readonly description: TargetDescription = { kind: 'noop', executor: 'noop', threads: 1 };
  private init: TargetInit | undefined;
  private next = 1;
  private readonly stats = { executions: 0, reexecutions: 0, validations: 0, aborts: 0, waits: 0, crossShard: 0, fallbacks: 0, execMs: 0, prepareMs: 0, commitMs: 0 };

  async open(init: TargetInit): Promise<void> {
    this.init = init;
  }

  submit(txs: readonly Tx[]): void {
    const init = this.init;
    if (!init || txs.length === 0) return;
    const number = this.next++;
    const now = init.clock.now();
    init.onBlock?.({ number, txs: txs.length, stateRoot: '', stats: this.stats });
    const receipts: Receipt[] = new Array(txs.length);
    for (let i = 0; i < txs.length; i++) receipts[i] = { id: txs[i]!.id, status: 'committed', block: number, position: i, commitMs: now };
    init.onReceipts(receipts);
  }

  async close(): Promise<void> {}
}
