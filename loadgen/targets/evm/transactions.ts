/**
 * parabench transactions as signed Ethereum transactions. Signed in advance, in the prepare phase
 * (a signature costs ~0.7 ms here: at send time it would cap a run near 1,500 tx/s), with the
 * nonces the workload gave each sender, so the same seed signs the same bytes.
 */
import { keccak256, type Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import type { Tx } from '../../../core/tx.js';

export interface SignedTx {
  readonly id: number;
  readonly hash: Hex;
  readonly raw: Hex;
}

export interface SigningOptions {
  readonly chainId: number;
  /** Keys by the workload's account index. */
  readonly account: (index: number) => PrivateKeyAccount;
  readonly maxFeePerGas: bigint;
}

/** Only native transfers so far: payments' `transfer` (args [to, amount]) becomes a value transfer. */
export async function signTx(tx: Tx, o: SigningOptions): Promise<SignedTx> {
  if (tx.kind !== 'transfer') throw new Error(`transaction ${tx.id}: kind "${tx.kind}" has no EVM form yet (only payments' transfer)`);
  const [to = 0, amount = 0] = tx.args;
  const raw = await o.account(tx.sender).signTransaction({
    type: 'eip1559',
    chainId: o.chainId,
    nonce: tx.nonce,
    to: o.account(to).address,
    value: BigInt(Math.round(amount)),
    gas: 21_000n,
    maxFeePerGas: o.maxFeePerGas,
    maxPriorityFeePerGas: 0n,
  });
  return { id: tx.id, hash: keccak256(raw), raw };
}
