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
}

interface ReceiptFields {
  readonly status: Hex;
  readonly gasUsed: Hex;
}

export class SetupFailed extends Error {}

/** Sends the transactions in order, waits for all of them to be mined; returns the gas they used. */
export async function sendAndConfirm(rpc: Rpc, txs: readonly SetupTx[], timeoutMs = 120_000): Promise<bigint> {
  const hashes = txs.map((t) => keccak256(t.raw));
  for (let from = 0; from < txs.length; from += 100) {
    const chunk = txs.slice(from, from + 100);
    const answers = await rpc.batch(chunk.map((t) => ({ method: 'eth_sendRawTransaction', params: [t.raw] })));
    answers.forEach((a, i) => {
      if ('error' in a && !/already known/i.test(a.error.message)) throw new SetupFailed(`${chunk[i]!.label}: the node refused it: ${a.error.message}`);
    });
  }
  let gas = 0n;
  const waiting = new Map(hashes.map((h, i) => [h, i]));
  const deadline = Date.now() + timeoutMs;
  while (waiting.size > 0) {
    const asked = [...waiting.keys()].slice(0, 500);
    const answers = await rpc.batch(asked.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })));
    answers.forEach((a, i) => {
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
    if (Date.now() > deadline) throw new SetupFailed(`${waiting.size} of the prepare phase's ${txs.length} transactions were not mined within ${timeoutMs / 1000} s (is the node mining?)`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return gas;
}
