import type { Block } from '../../core/tx.js';
import type { StateLayout } from '../../ledger/index.js';
import type { ExecutorFactory } from '../executor.js';
import { ParallelExecutor } from '../pool/parallel.js';
import { C, MODE, R, REC, type SharedMemory } from '../pool/shared.js';

/** The shard a key lives in: with its account when it has one (so an account's keys stay together), else by its number. */
export function shardOf(layout: StateLayout, key: number, shards: number): number {
  const account = layout.ownerAccount(key);
  return (account >= 0 ? account : key) % shards;
}

/**
 * Which shards each transaction involves, as a bit mask. Commutative adds do not involve a shard
 * (they are applied under the key's lock from any shard), but then a transaction that reads or
 * writes a key that something in the block adds to must see exactly the adds before it: it
 * involves every shard, as does a transaction whose declared sets are not exact.
 */
function prepare(mem: SharedMemory, block: Block, layout: StateLayout, workers: number): boolean {
  if (workers > 31) return false;
  const txs = block.txs;
  const n = txs.length;
  const all = workers >= 31 ? 0x7fffffff : (1 << workers) - 1;
  const added = new Set<number>();
  for (const tx of txs) for (const k of tx.deltas) added.add(k);
  for (let i = 0; i < n; i++) {
    const tx = txs[i]!;
    let mask = 0;
    let barrier = !tx.exact;
    for (const keys of [tx.reads, tx.writes]) {
      for (const k of keys) {
        mask |= 1 << shardOf(layout, k, workers);
        if (added.size > 0 && added.has(k)) barrier = true;
      }
    }
    mem.rec[i * REC + R.MASK] = barrier ? all : mask === 0 ? 1 << shardOf(layout, layout.nonce(tx.sender), workers) : mask;
    mem.rec[i * REC + R.ARRIVED] = 0;
    mem.rec[i * REC + R.COMMITTED] = 0;
  }
  mem.control[C.SHARDS] = workers;
  return true;
}

/** Sharded: state split over one shard per thread, cross-shard transactions by prepare/commit. See worker.ts. */
export const createSharded: ExecutorFactory = (options) =>
  ParallelExecutor.create({ name: 'sharded', mode: MODE.SHARDED, prepare }, options);
