/**
 * What a network target's adapter learns about the blocks behind the wire: the receipts say where
 * each transaction landed (block, position), the block reports give each block's size, state root
 * and executor statistics. From them the adapter rebuilds the blocks the target executed, so that
 * a remote executor is checked against sequential execution exactly as an embedded one is.
 *
 * At 100k tx/s the check must not cost the run its memory or its pauses: transactions are kept as
 * the binary frames they travelled in (~55 bytes each, decoded only when the check runs), and
 * where each one landed in typed arrays indexed by id.
 */
import type { GenesisSpec } from '../../core/genesis.js';
import type { BlockReport, BoundSummary, ExecutorStats, RecordedBlock, RecordedBlockChecks, Verification } from '../../core/target.js';
import type { Receipt, Tx, TxOutcome } from '../../core/tx.js';
import { decodeFrame, FrameEncoder } from '../../core/wire.js';
import { kindIds } from '../../ledger/index.js';

const kindIndex = new Map(kindIds.map((k, i) => [k, i]));

export class RemoteBlocks {
  /** Transactions with ids below this are kept (ids count up from 0 in a run). */
  private readonly capacity: number;
  private readonly checks: RecordedBlockChecks | undefined;
  private readonly frames: Buffer[] = [];
  private readonly encoder = new FrameEncoder();
  private readonly blockOf: Int32Array;
  private readonly positionOf: Int32Array;
  /** 0 not answered, 1 committed, 2 + k failed for reasons[k]. */
  private readonly outcomeOf: Uint16Array;
  private readonly reasons: string[] = [];
  private readonly reasonIds = new Map<string, number>();
  private readonly blocks: BlockReport[] = [];
  private readonly seen = new Set<number>();
  private readonly stats = { blocks: 0, txs: 0, executions: 0, reexecutions: 0, validations: 0, aborts: 0, waits: 0, crossShard: 0, fallbacks: 0, execMs: 0, prepareMs: 0, commitMs: 0 };
  private lastRoot = '';
  private rebuilt: { blocks: RecordedBlock[]; skipped: number } | undefined;
  private genesis: GenesisSpec | undefined;

  /** `budget`: most transactions kept for the check (0 turns it off). */
  constructor(budget: number, checks: RecordedBlockChecks | undefined) {
    this.capacity = checks ? budget : 0;
    this.checks = checks;
    this.blockOf = new Int32Array(this.capacity).fill(-1);
    this.positionOf = new Int32Array(this.capacity);
    this.outcomeOf = new Uint16Array(this.capacity);
  }

  /** Transactions on their way; `frame`, when given, is the binary frame they travel in. */
  sent(txs: readonly Tx[], frame?: Buffer): void {
    if (txs.length === 0 || txs[0]!.id >= this.capacity) return;
    const kept = txs[txs.length - 1]!.id < this.capacity ? txs : txs.filter((t) => t.id < this.capacity);
    this.frames.push(frame && kept === txs ? frame : this.encoder.txs(kept, kindIndex));
  }

  receipt(r: Receipt): void {
    const id = r.id;
    if (id >= this.capacity) return;
    this.blockOf[id] = r.block;
    this.positionOf[id] = r.position ?? -1;
    if (r.status === 'committed') this.outcomeOf[id] = 1;
    else {
      const reason = r.reason ?? '';
      let k = this.reasonIds.get(reason);
      if (k === undefined) {
        k = this.reasons.push(reason) - 1;
        this.reasonIds.set(reason, k);
      }
      this.outcomeOf[id] = 2 + k;
    }
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
    if (this.capacity > 0) this.blocks.push(report);
  }

  executorStats(): ExecutorStats {
    return this.lastRoot ? { ...this.stats, stateRoot: this.lastRoot } : { ...this.stats };
  }

  private outcome(id: number): TxOutcome {
    const o = this.outcomeOf[id]!;
    return o === 1 ? { status: 'committed' } : { status: 'failed', reason: this.reasons[o - 2] ?? 'unknown' };
  }

  /**
   * The blocks whose every transaction is known, in order from the first. A block with a hole (a
   * receipt lost with a dropped connection, a transaction beyond the budget) ends the prefix:
   * nothing after it can be re-executed faithfully.
   */
  private recorded(): { blocks: RecordedBlock[]; skipped: number } {
    this.rebuilt ??= this.rebuild();
    return this.rebuilt;
  }

  private rebuild(): { blocks: RecordedBlock[]; skipped: number } {
    const byBlock = new Map<number, { tx: Tx; position: number }[]>();
    for (const frame of this.frames) {
      const m = decodeFrame(frame, { kinds: kindIds, reasons: [] });
      if (m.type !== 'txs') continue;
      for (const tx of m.txs) {
        const block = this.blockOf[tx.id]!;
        if (block < 0 || this.outcomeOf[tx.id] === 0) continue;
        let list = byBlock.get(block);
        if (!list) byBlock.set(block, (list = []));
        list.push({ tx, position: this.positionOf[tx.id]! });
      }
    }
    const reports = [...this.blocks].sort((a, b) => a.number - b.number);
    const blocks: RecordedBlock[] = [];
    for (const [i, report] of reports.entries()) {
      const list = (byBlock.get(report.number) ?? []).sort((a, b) => a.position - b.position);
      const whole = list.length === report.txs && list.every((e, p) => e.position === p) && report.number === (i === 0 ? 1 : reports[i - 1]!.number + 1);
      if (!whole) return { blocks, skipped: reports.length - i };
      blocks.push({ block: { number: report.number, txs: list.map((e) => e.tx) }, outcomes: list.map((e) => this.outcome(e.tx.id)), stateRoot: report.stateRoot });
    }
    return { blocks, skipped: 0 };
  }

  /** The chain the run started from: what its blocks are re-executed on. */
  start(genesis: GenesisSpec): void {
    this.genesis = genesis;
  }

  private started(what: string): GenesisSpec {
    if (!this.genesis) throw new Error(`${what} before open()`);
    return this.genesis;
  }

  verify(): Verification {
    const genesis = this.started('verify()');
    if (!this.checks || this.capacity === 0) {
      return { checked: false, blocks: 0, txs: 0, blocksSkipped: this.stats.blocks, stateRootMatches: false, rootsCompared: 0, receiptsMatch: false };
    }
    const { blocks, skipped } = this.recorded();
    return this.checks.verify(genesis, blocks, skipped);
  }

  blockAnalysis(threads: number): BoundSummary {
    const genesis = this.started('blockAnalysis()');
    if (!this.checks) throw new Error('blockAnalysis() without checks');
    // With the check off nothing is kept: the bound is then of no blocks, as the in-process target's.
    return this.checks.bound(genesis, this.capacity === 0 ? [] : this.recorded().blocks, threads);
  }
}
