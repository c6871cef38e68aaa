/**
 * The prepare phase's own transactions (funding, deployment, minting): sent, then waited for until
 * each is mined and succeeded. They happen before the clock starts; a failure stops the run with
 * the step that failed named.
 */
import { keccak256, type Hex } from 'viem';
import type { Rpc } from './rpc.js';

export interface SetupTx {
  /** What it does, for messages: "deploy Exchange", "fund 0x12…". */
  readonly label: string;
  readonly raw: Hex;
  /** Its gas limit: a wave must fit in a block. */
  readonly gas: bigint;
}

interface ReceiptFields {
  readonly status: Hex;
  readonly gasUsed: Hex;
}

export class SetupFailed extends Error {}

/**
 * Transactions sent at once: nodes hold only so many of one sender's pending transactions (geth
 * 16 executable and 64 queued by default; anvil was seen dropping a tail of 113), so they go in
 * waves, each waited for before the next.
 */
const WAVE = 48;

/** Sends the transactions in order, in waves that fit in half a block; returns the gas they used. */
export async function sendAndConfirm(rpc: Rpc, txs: readonly SetupTx[], timeoutMs = 120_000): Promise<bigint> {
  const latest = await rpc.call<{ gasLimit: Hex } | null>('eth_getBlockByNumber', ['latest', false]);
  const room = latest ? BigInt(latest.gasLimit) / 2n : 15_000_000n;
  let gas = 0n;
  for (let from = 0; from < txs.length; ) {
    let to = from;
    let wanted = 0n;
    while (to < txs.length && to - from < WAVE && (to === from || wanted + txs[to]!.gas <= room)) wanted += txs[to++]!.gas;
    gas += await sendWave(rpc, txs.slice(from, to), timeoutMs);
    from = to;
  }
  return gas;
}

async function sendWave(rpc: Rpc, txs: readonly SetupTx[], timeoutMs: number): Promise<bigint> {
  const hashes = txs.map((t) => keccak256(t.raw));
  const answers = await rpc.batch(txs.map((t) => ({ method: 'eth_sendRawTransaction', params: [t.raw] })));
  answers.forEach((a, i) => {
    if ('error' in a && !/already known/i.test(a.error.message)) throw new SetupFailed(`${txs[i]!.label}: the node refused it: ${a.error.message}`);
  });
  let gas = 0n;
  const waiting = new Map(hashes.map((h, i) => [h, i]));
  const deadline = Date.now() + timeoutMs;
  while (waiting.size > 0) {
    const asked = [...waiting.keys()];
    const receipts = await rpc.batch(asked.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })));
    receipts.forEach((a, i) => {
      if ('error' in a) return;
      const receipt = a.result as ReceiptFields | null;
      if (!receipt) return;
      const hash = asked[i]!;
      const label = txs[waiting.get(hash)!]!.label;
      waiting.delete(hash);
      if (receipt.status !== '0x1') throw new SetupFailed(`${label}: reverted (transaction ${hash})`);
      gas += BigInt(receipt.gasUsed);
    });
    if (waiting.size === 0) break;
    if (Date.now() > deadline) throw new SetupFailed(`${waiting.size} of the prepare phase's transactions were not mined within ${timeoutMs / 1000} s (is the node mining?), the first: ${txs[waiting.values().next().value ?? 0]!.label}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return gas;
}
