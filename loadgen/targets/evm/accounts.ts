/**
 * The run's accounts on an EVM chain: deterministic keys (the same seed, the same accounts, so a
 * fresh chain gets the same addresses and cached signed transactions can be reused), funded in
 * the prepare phase: by anvil's (or hardhat's) set-balance method where the node has it, else by
 * transfers from a funded account whose key the user gives (PARABENCH_FUNDER_KEY), 200 accounts a
 * transaction through a disperse contract (Disperse.sol).
 */
import { encodeDeployData, encodeFunctionData, getContractAddress, keccak256, toHex, type Address, type Hex } from 'viem';
import { Disperse } from './contracts/artifacts.js';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { batchChunked, type Rpc } from './rpc.js';
import { sendAndConfirm, type SetupTx } from './setup.js';
import { eip1559 } from './transactions.js';

/** Account `index` of the run seeded `seed`: its key is keccak256("parabench:<seed>:<index>"). */
export function accountOf(seed: number, index: number | string): PrivateKeyAccount {
  return privateKeyToAccount(keccak256(toHex(`parabench:${seed}:${index}`)));
}

/** The funder's account from PARABENCH_FUNDER_KEY's value, or undefined when it is not a private key. */
export function accountFromKey(key: string): PrivateKeyAccount | undefined {
  const hex = key.trim().startsWith('0x') ? key.trim() : `0x${key.trim()}`;
  return /^0x[0-9a-fA-F]{64}$/.test(hex) ? privateKeyToAccount(hex as Hex) : undefined;
}

export function accounts(seed: number, count: number): PrivateKeyAccount[] {
  return Array.from({ length: count }, (_, i) => accountOf(seed, i));
}

export type Funding = 'auto' | 'set-balance' | 'transfers';

export interface FundingOptions {
  readonly mode: Funding;
  readonly chainId: number;
  readonly maxFeePerGas: bigint;
  /** Pays the transfers (mode transfers, or auto on a node without set-balance). */
  readonly funder?: PrivateKeyAccount;
}

/** What the user must do about funding; the caller turns it into exit 2. */
export class FundingImpossible extends Error {}

/** Accounts paid by one disperse call, and the gas each payment may take (a new account: ~37,000). */
const PER_DISPERSE = 200;
const PAY_GAS = 45_000n;
const DISPERSE_DEPLOY_GAS = 1_000_000n;

/** With set-balance, every account gets this much: far beyond any run's needs. */
const SET_BALANCE = 10n ** 24n;

/**
 * Gives every address at least what it needs (wei). Returns how it was done, and the transfers it took. Accounts already
 * holding enough (an earlier run on the same chain) get nothing more.
 */
export async function fundAccounts(rpc: Rpc, needs: ReadonlyMap<Address, bigint>, o: FundingOptions): Promise<{ method: 'set-balance' | 'transfers'; transfers: number }> {
  const addresses = [...needs.keys()];
  if (o.mode !== 'transfers') {
    const value = toHex(SET_BALANCE);
    const answers = await batchChunked(rpc, addresses.map((a) => ({ method: 'anvil_setBalance', params: [a, value] })));
    const failed = answers.find((a) => 'error' in a);
    if (!failed) return { method: 'set-balance', transfers: 0 };
    // auto on a node without the method (every call refused): fund by transfers instead.
    if (o.mode === 'set-balance' || answers.some((a) => !('error' in a))) {
      throw new Error(`funding the accounts with anvil_setBalance failed: ${'error' in failed ? failed.error.message : ''}`);
    }
  }
  const funder = o.funder;
  if (!funder) {
    throw new FundingImpossible(
      `${rpc.url} cannot set balances (anvil_setBalance)${o.mode === 'transfers' ? ' or was told not to' : ''}: set PARABENCH_FUNDER_KEY to the private key of an account holding enough to fund the run's ${addresses.length} accounts`,
    );
  }
  const balances = await readBalances(rpc, addresses);
  const short = addresses.flatMap((a, i) => {
    const need = needs.get(a) ?? 0n;
    const have = balances[i] ?? 0n;
    return have >= need ? [] : [{ to: a, value: need - have }];
  });
  if (short.length === 0) return { method: 'transfers', transfers: 0 };
  // A disperse contract the funder deploys pays PER_DISPERSE accounts a transaction.
  const calls = Math.ceil(short.length / PER_DISPERSE);
  const gasOf = (n: number): bigint => 100_000n + PAY_GAS * BigInt(n);
  const total = short.reduce((sum, s) => sum + s.value, 0n) + (DISPERSE_DEPLOY_GAS + gasOf(PER_DISPERSE) * BigInt(calls)) * o.maxFeePerGas;
  const [held = 0n] = await readBalances(rpc, [funder.address]);
  if (held < total) throw new FundingImpossible(`PARABENCH_FUNDER_KEY's account ${funder.address} holds ${held} wei; funding the run's accounts needs ${total}`);
  const nonce = Number(await rpc.call<Hex>('eth_getTransactionCount', [funder.address, 'pending']));
  const disperse = getContractAddress({ from: funder.address, nonce: BigInt(nonce) });
  const fee = eip1559(o.chainId, o.maxFeePerGas);
  const txs: SetupTx[] = [
    { label: 'deploy Disperse (funding)', raw: await funder.signTransaction({ ...fee, nonce, data: encodeDeployData({ abi: Disperse.abi, bytecode: Disperse.bytecode }), gas: DISPERSE_DEPLOY_GAS }), gas: DISPERSE_DEPLOY_GAS },
  ];
  for (let c = 0; c < calls; c++) {
    const part = short.slice(c * PER_DISPERSE, (c + 1) * PER_DISPERSE);
    const value = part.reduce((sum, p) => sum + p.value, 0n);
    const data = encodeFunctionData({ abi: Disperse.abi, functionName: 'disperse', args: [part.map((p) => p.to), part.map((p) => p.value)] });
    const gas = gasOf(part.length);
    txs.push({ label: `fund ${part.length} accounts`, raw: await funder.signTransaction({ ...fee, nonce: nonce + 1 + c, to: disperse, value, data, gas }), gas });
  }
  await sendAndConfirm(rpc, txs);
  return { method: 'transfers', transfers: txs.length };
}

async function readBalances(rpc: Rpc, addresses: readonly Address[]): Promise<bigint[]> {
  const answers = await batchChunked(rpc, addresses.map((a) => ({ method: 'eth_getBalance', params: [a, 'pending'] })));
  return answers.map((a) => ('error' in a ? 0n : BigInt(a.result as Hex)));
}

/** True when the node mines a block per transaction: its throughput then says nothing about blocks. */
export async function automines(rpc: Rpc): Promise<boolean | undefined> {
  try {
    return await rpc.call<boolean>('anvil_getAutomine');
  } catch {
    return undefined;
  }
}
