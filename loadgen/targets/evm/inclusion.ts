/**
 * Inclusion, as the chain says it: new blocks are read as they come, and each transaction hash in
 * them is matched to what was sent. The time a block was seen is its transactions' inclusion time.
 * A transaction in a block is confirmed by its receipt: status 1 committed, 0 reverted (failed).
 * A small block's receipts come at once (eth_getBlockReceipts, where the node has it); a large
 * block's, for a sample only: anvil took 21 s to answer eth_getBlockReceipts for a block of a few
 * thousand transactions, stalling everything else it was asked meanwhile. Transactions whose
 * receipts were not read count as committed on inclusion alone; the summary says how many were read.
 */
import type { Hex } from 'viem';
import { RpcError, type Rpc } from './rpc.js';

export interface Inclusion {
  readonly id: number;
  readonly block: number;
  readonly position: number;
  /** When the block was seen, ms (the caller's clock). */
  readonly atMs: number;
  /** From its receipt: false when it reverted; undefined when its receipt was not read. */
  readonly succeeded?: boolean;
  /** Why it reverted, where the node could say (the contract's require message). */
  readonly revertReason?: string;
}

interface BlockHeader {
  readonly number: Hex;
  readonly transactions: readonly Hex[];
  readonly gasUsed: Hex;
}

interface ReceiptFields {
  readonly transactionHash: Hex;
  readonly status: Hex;
}

/** Receipts asked of a large block (or of any block, where the node cannot give a block's at once). */
export const RECEIPT_SAMPLE = 64;
/** The most transactions in a block whose receipts are all read. */
export const SMALL_BLOCK = 256;
/**
 * Reverted transactions a run asks the node why about, a trace each: enough to name the causes.
 * Only in small blocks (at most 64 a block): anvil re-executes a block up to the transaction to
 * trace it, and tracing reverts in blocks of 2,000 mints stalled it (1,400 of 2,000 tx/s mined,
 * 12,822 timed out; 1,992 without the traces).
 */
export const REVERT_REASONS = 100;
const REVERT_REASONS_PER_BLOCK = 64;

export class InclusionTracker {
  private readonly rpc: Rpc;
  private readonly now: () => number;
  private readonly awaited = new Map<string, number>();
  private next = -1;
  private blockReceipts = true;
  private reasonsLeft = REVERT_REASONS;
  /** Every block read: its number, transaction count and gas used. */
  readonly blocks: { number: number; txs: number; ours: number; gasUsed: number }[] = [];
  /** The run's transactions whose receipts were read, how many of them reverted, and in how many blocks only a sample was read. */
  readonly receipts = { checked: 0, reverted: 0, sampledBlocks: 0 };
  private readonly smallBlock: number;

  constructor(rpc: Rpc, now: () => number, smallBlock = SMALL_BLOCK) {
    this.rpc = rpc;
    this.now = now;
    this.smallBlock = smallBlock;
  }

  /** Starts after the current head: blocks mined before the run are not its own. */
  async start(): Promise<void> {
    this.next = Number(await this.rpc.call<Hex>('eth_blockNumber')) + 1;
  }

  expect(hash: Hex, id: number): void {
    this.awaited.set(hash.toLowerCase(), id);
  }

  /** Stops waiting for a transaction (the node refused it). */
  forget(hash: Hex): void {
    this.awaited.delete(hash.toLowerCase());
  }

  get pending(): number {
    return this.awaited.size;
  }

  /** Reads every block mined since the last poll; returns the transactions found in them. */
  async poll(): Promise<Inclusion[]> {
    const head = Number(await this.rpc.call<Hex>('eth_blockNumber'));
    const found: Inclusion[] = [];
    for (; this.next <= head; this.next++) {
      const number = this.next;
      const block = await this.rpc.call<BlockHeader | null>('eth_getBlockByNumber', [`0x${number.toString(16)}`, false]);
      if (!block) break;
      const atMs = this.now();
      const ours: { hash: string; id: number; position: number }[] = [];
      block.transactions.forEach((hash, position) => {
        const key = hash.toLowerCase();
        const id = this.awaited.get(key);
        if (id === undefined) return;
        this.awaited.delete(key);
        ours.push({ hash: key, id, position });
      });
      const statuses = ours.length > 0 ? await this.statuses(number, block.transactions.length, ours.map((o) => o.hash)) : new Map<string, boolean>();
      const reverted = block.transactions.length <= this.smallBlock ? [...statuses].filter(([, ok]) => !ok).map(([hash]) => hash) : [];
      const reasons = await this.revertReasons(reverted.slice(0, REVERT_REASONS_PER_BLOCK));
      for (const o of ours) {
        const succeeded = statuses.get(o.hash);
        const revertReason = reasons.get(o.hash);
        found.push({ id: o.id, block: number, position: o.position, atMs, ...(succeeded === undefined ? {} : { succeeded }), ...(revertReason ? { revertReason } : {}) });
      }
      this.blocks.push({ number, txs: block.transactions.length, ours: ours.length, gasUsed: Number(block.gasUsed) });
    }
    return found;
  }

  /** Success or revert of the run's transactions in a block, from their receipts (all, or a sample). */
  private async statuses(block: number, size: number, hashes: readonly string[]): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    let receipts: readonly (ReceiptFields | null)[] | undefined;
    if (this.blockReceipts && size <= this.smallBlock) {
      try {
        receipts = await this.rpc.call<ReceiptFields[]>('eth_getBlockReceipts', [`0x${block.toString(16)}`]);
      } catch (e) {
        // A node without the method is asked for samples from now on; one too busy to answer in
        // time, for this block only.
        if (e instanceof RpcError && e.unsupported) this.blockReceipts = false;
      }
    }
    if (!receipts) {
      if (hashes.length > RECEIPT_SAMPLE) this.receipts.sampledBlocks++;
      const sample = hashes.length <= RECEIPT_SAMPLE ? hashes : hashes.filter((_, i) => i % Math.ceil(hashes.length / RECEIPT_SAMPLE) === 0);
      // The block's inclusions stand even when no receipt can be had: they are then unchecked.
      const answers = await this.rpc.batch(sample.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] }))).catch(() => []);
      receipts = answers.map((a) => ('error' in a ? null : (a.result as ReceiptFields | null)));
    }
    const wanted = new Set(hashes);
    for (const r of receipts) {
      if (!r) continue;
      const hash = r.transactionHash.toLowerCase();
      if (!wanted.has(hash)) continue;
      const ok = r.status === '0x1';
      out.set(hash, ok);
      this.receipts.checked++;
      if (!ok) this.receipts.reverted++;
    }
    return out;
  }

  /**
   * The contract's message for reverted transactions, from the node's call tracer
   * (debug_traceTransaction: geth, reth, anvil and others have it): the first REVERT_REASONS of a
   * run, in small blocks only; a node without it is not asked again.
   */
  private async revertReasons(hashes: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const asked = hashes.slice(0, this.reasonsLeft);
    if (asked.length === 0) return out;
    this.reasonsLeft -= asked.length;
    const answers = await this.rpc.batch(asked.map((h) => ({ method: 'debug_traceTransaction', params: [h, { tracer: 'callTracer' }] }))).catch(() => []);
    answers.forEach((a, i) => {
      if ('error' in a) {
        if (a.error.unsupported) this.reasonsLeft = 0;
        return;
      }
      const trace = a.result as { revertReason?: string } | null;
      if (trace?.revertReason) out.set(asked[i]!, trace.revertReason);
    });
    return out;
  }
}
