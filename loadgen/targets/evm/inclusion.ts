/**
 * Inclusion, as the chain says it: new blocks are read as they come, and each transaction hash in
 * them is matched to what was sent. A transaction counts as mined when it is in a block; the time
 * it was seen is its inclusion time. Sent and mined are different figures, and are kept apart.
 */
import type { Hex } from 'viem';
import type { Rpc } from './rpc.js';

export interface Inclusion {
  readonly id: number;
  readonly block: number;
  readonly position: number;
  /** When the block was seen, ms (the caller's clock). */
  readonly atMs: number;
}

interface BlockHeader {
  readonly number: Hex;
  readonly transactions: readonly Hex[];
  readonly gasUsed: Hex;
}

export class InclusionTracker {
  private readonly rpc: Rpc;
  private readonly now: () => number;
  private readonly awaited = new Map<string, number>();
  private next = -1;
  /** Every block read: its number, transaction count and gas used. */
  readonly blocks: { number: number; txs: number; ours: number; gasUsed: number }[] = [];

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
      const block = await this.rpc.call<BlockHeader | null>('eth_getBlockByNumber', [`0x${this.next.toString(16)}`, false]);
      if (!block) break;
      const atMs = this.now();
      let ours = 0;
      block.transactions.forEach((hash, position) => {
        const id = this.awaited.get(hash.toLowerCase());
        if (id === undefined) return;
        this.awaited.delete(hash.toLowerCase());
        ours++;
        found.push({ id, block: this.next, position, atMs });
      });
      this.blocks.push({ number: this.next, txs: block.transactions.length, ours, gasUsed: Number(block.gasUsed) });
    }
    return found;
  }
}
