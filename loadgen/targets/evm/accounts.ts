/**
 * The run's accounts on an EVM chain: deterministic keys (the same seed, the same accounts, so a
 * prepared chain and cached signed transactions can be reused), funded in the prepare phase.
 */
import { keccak256, toHex, type Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { Rpc } from './rpc.js';

/** Account `index` of the run seeded `seed`: its key is keccak256("parabench:<seed>:<index>"). */
export function accountOf(seed: number, index: number): PrivateKeyAccount {
  return privateKeyToAccount(keccak256(toHex(`parabench:${seed}:${index}`)));
}

export function accounts(seed: number, count: number): PrivateKeyAccount[] {
  return Array.from({ length: count }, (_, i) => accountOf(seed, i));
}

/**
 * Gives every address `wei`, with anvil's (or hardhat's) set-balance method: instant, and outside
 * any measured window. Nodes without it need funding by transfers from a funded account, which is
 * not done here yet.
 */
export async function fundAccounts(rpc: Rpc, addresses: readonly Hex[], wei: bigint): Promise<void> {
  const value = toHex(wei);
  for (let from = 0; from < addresses.length; from += 500) {
    const answers = await rpc.batch(addresses.slice(from, from + 500).map((a) => ({ method: 'anvil_setBalance', params: [a, value] })));
    const failed = answers.find((a) => 'error' in a);
    if (failed && 'error' in failed) throw new Error(`funding the accounts with anvil_setBalance failed: ${failed.error.message} (a node without it needs funding by transfers, not supported yet)`);
  }
}

/** True when the node mines a block per transaction: its throughput then says nothing about blocks. */
export async function automines(rpc: Rpc): Promise<boolean | undefined> {
  try {
    return await rpc.call<boolean>('anvil_getAutomine');
  } catch {
    return undefined;
  }
}
