/**
 * What a network target's adapter learns about the blocks behind the wire: the receipts say where
 * each transaction landed (block, position), the block reports give each block's size, state root
 * and executor statistics. From them the adapter rebuilds the blocks the target executed, so that
 * a remote executor is checked against sequential execution exactly as an embedded one is.
 */
import type { GenesisSpec } from '../../core/genesis.js';
import type { BlockReport, BoundSummary, ExecutorStats, RecordedBlock, RecordedBlockChecks, Verification } from '../../core/target.js';
import type { Receipt, Tx, TxOutcome } from '../../core/tx.js';

export class RemoteBlocks {
  private readonly budget: number;
  private readonly checks: RecordedBlockChecks | undefined;
  /** Kept transactions, by id, with where their receipts put them. */
  private readonly txs = new Map<number, { tx: Tx; block: number; position: number; outcome?: TxOutcome }>();
  private kept = 0;
  private readonly blocks: BlockReport[] = [];
  private readonly stats = { blocks: 0, txs: 0, executions: 0, reexecutions: 0, validations: 0, aborts: 0, waits: 0, crossShard: 0, fallbacks: 0, execMs: 0, prepareMs: 0, commitMs: 0 };
  private lastRoot = '';
  private readonly seen = new Set<number>();

  /** `budget`: most transactions kept for the check (0 turns it off). */
  constructor(budget: number, checks: RecordedBlockChecks | undefined) {
    this.budget = checks ? budget : 0;
    this.checks = checks;
  }

  /** A transaction on its way: kept while the budget lasts. */
  sent(tx: Tx): void {
    if (this.kept >= this.budget) return;
    this.kept++;
    this.txs.set(tx.id, { tx, block: -1, position: -1 });
  }

  receipt(r: Receipt): void {
    const k = this.txs.get(r.id);
    if (!k) return;
    k.block = r.block;
    k.position = r.position ?? -1;
    k.outcome = r.reason === undefined ? { status: r.status } : { status: r.status, reason: r.reason };
  }

  block(report: BlockReport): void {
    // Over HTTP a block shared by several requests is reported in each answer: count it once.
    if (this.seen.has(report.number)) return;
    this.seen.add(report.number);
    const s = this.stats;
    s.blocks++;
    s.txs += report.txs;
    for (const f of ['executions', 'reexecutions', 'validations', 'aborts', 'waits', 'crossShard', 'fallbacks', 'execMs', 'prepareMs', 'commitMs'] as const) s[f] += report.stats[f];
    if (report.stateRoot) this.lastRoot = report.stateRoot;
    if (this.budget > 0) this.blocks.push(report);
  }

  executorStats(): ExecutorStats {
    return this.lastRoot ? { ...this.stats, stateRoot: this.lastRoot } : { ...this.stats };
  }

  /**
   * The blocks whose every transaction is known, in order from the first. A block with a hole (a
   * receipt lost with a dropped connection, a transaction beyond the budget) ends the prefix:
   * nothing after it can be re-executed faithfully.
   */
  private recorded(): { blocks: RecordedBlock[]; skipped: number } {
    const byBlock = new Map<number, { tx: Tx; outcome: TxOutcome; position: number }[]>();
    for (const k of this.txs.values()) {
      if (k.block < 0 || !k.outcome) continue;
      let list = byBlock.get(k.block);
      if (!list) byBlock.set(k.block, (list = []));
      list.push({ tx: k.tx, outcome: k.outcome, position: k.position });
    }
    const reports = [...this.blocks].sort((a, b) => a.number - b.number);
    const blocks: RecordedBlock[] = [];
    for (const [i, report] of reports.entries()) {
      const list = (byBlock.get(report.number) ?? []).sort((a, b) => a.position - b.position);
      const whole = list.length === report.txs && list.every((e, p) => e.position === p) && (i === 0 ? report.number === 1 : report.number === reports[i - 1]!.number + 1);
      if (!whole) return { blocks, skipped: reports.length - i };
      blocks.push({ block: { number: report.number, txs: list.map((e) => e.tx) }, outcomes: list.map((e) => e.outcome), stateRoot: report.stateRoot });
    }
    return { blocks, skipped: 0 };
  }

  verify(genesis: GenesisSpec): Verification {
    if (!this.checks || this.budget === 0) {
      return { checked: false, blocks: 0, txs: 0, blocksSkipped: this.stats.blocks, stateRootMatches: false, receiptsMatch: false };
    }
    const { blocks, skipped } = this.recorded();
    return this.checks.verify(genesis, blocks, skipped);
  }

  bound(genesis: GenesisSpec, threads: number): BoundSummary | undefined {
    if (!this.checks) return undefined;
    // With the check off nothing is kept: the bound is then of no blocks, as the in-process target's.
    return this.checks.bound(genesis, this.budget === 0 ? [] : this.recorded().blocks, threads);
  }
}
