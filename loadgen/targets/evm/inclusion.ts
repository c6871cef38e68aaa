/**
 * Inclusion, as the chain says it: new blocks are read as they come, and each transaction hash in
 * them is matched to what was sent. The time a block was seen is its transactions' inclusion time.
 * A transaction in a block is confirmed by its receipt: status 1 committed, 0 reverted (failed).
 * Receipts come a block at a time (eth_getBlockReceipts) where the node has that; elsewhere a
 * sample of each block's transactions is asked one by one, and the rest count as committed on
 * inclusion alone (the summary says how many were checked).
 */
import type { Hex } from 'viem';
import type { Rpc } from './rpc.js';

export interface Inclusion {
  readonly id: number;
  readonly block: number;
  readonly position: number;
  /** When the block was seen, ms (the caller's clock). */
  readonly atMs: number;
  /** From its receipt: false when it reverted; undefined when its receipt was not read. */
  readonly succeeded?: boolean;
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

/** Receipts asked per block when they cannot be had a block at a time. */
export const RECEIPT_SAMPLE = 64;

export class InclusionTracker {
  private readonly rpc: Rpc;
  private readonly now: () => number;
  private readonly awaited = new Map<string, number>();
  private next = -1;
  private blockReceipts = true;
  /** Every block read: its number, transaction count and gas used. */
  readonly blocks: { number: number; txs: number; ours: number; gasUsed: number }[] = [];
  /** The run's transactions whose receipts were read, and how many of them reverted. */
  readonly receipts = { checked: 0, reverted: 0, byBlock: true };

  constructor(rpc: Rpc, now: () => number) {
    this.rpc = rpc;
    this.now = now;
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
      const statuses = ours.length > 0 ? await this.statuses(number, ours.map((o) => o.hash)) : new Map<string, boolean>();
      for (const o of ours) {
        const succeeded = statuses.get(o.hash);
        found.push({ id: o.id, block: number, position: o.position, atMs, ...(succeeded === undefined ? {} : { succeeded }) });
      }
      this.blocks.push({ number, txs: block.transactions.length, ours: ours.length, gasUsed: Number(block.gasUsed) });
    }
    return found;
  }

  /** Success or revert of the run's transactions in a block, from their receipts (all, or a sample). */
  private async statuses(block: number, hashes: readonly string[]): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    let receipts: readonly (ReceiptFields | null)[] | undefined;
    if (this.blockReceipts) {
      try {
        receipts = await this.rpc.call<ReceiptFields[]>('eth_getBlockReceipts', [`0x${block.toString(16)}`]);
      } catch {
        this.blockReceipts = false;
        this.receipts.byBlock = false;
      }
    }
    if (!receipts) {
      const sample = hashes.length <= RECEIPT_SAMPLE ? hashes : hashes.filter((_, i) => i % Math.ceil(hashes.length / RECEIPT_SAMPLE) === 0);
      const answers = await this.rpc.batch(sample.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })));
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
}
