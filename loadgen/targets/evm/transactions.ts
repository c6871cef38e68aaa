/**
 * parabench transactions as Ethereum transactions, signed in advance in the prepare phase (a
 * signature costs ~0.7 ms here: at send time it would cap a run near 1,500 tx/s), with the nonces
 * the workload gave each sender, so the same seed signs the same bytes.
 *
 * Each family maps onto what a chain really runs (contracts/*.sol):
 * - payments: `transfer` and `micropay` move the native coin, or token 1 (ERC-20) with
 *   `target.asset: erc20`; a micropayment goes to one of the merchants' addresses;
 * - DeFi: `swap` along its route of constant-product pools (Exchange.sol);
 * - NFT: `nft-mint` takes the collection's shared counter (or mints its pre-assigned id),
 *   `nft-transfer` moves a token, `nft-list` and `nft-buy` trade it on the collection's market,
 *   a royalty to its creator on every sale (Collection.sol, ERC-721);
 * - DAO: `vote`, `propose` and `execute-proposal` (Dao.sol).
 */
import { encodeFunctionData, keccak256, type Address, type Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import type { Tx } from '../../../core/tx.js';
import { Collection, Dao, Exchange, Token } from './contracts/artifacts.js';

export interface SignedTx {
  readonly id: number;
  readonly hash: Hex;
  readonly raw: Hex;
}

/** Where the contracts of a run live, once deployed (deploy.ts). */
export interface Deployment {
  readonly exchange?: Address;
  /** Token t (1-based, as the workload numbers them) at tokens[t - 1]. */
  readonly tokens: readonly Address[];
  readonly collections: readonly Address[];
  readonly dao?: Address;
}

export type Asset = 'native' | 'erc20';

export interface SigningOptions {
  readonly chainId: number;
  /** Keys by the workload's account index. */
  readonly account: (index: number) => PrivateKeyAccount;
  readonly merchant: (index: number) => Address;
  readonly maxFeePerGas: bigint;
  readonly deployment: Deployment;
  readonly asset: Asset;
  /** What a purchase sends (at most what it pays: the rest comes back), by transaction id: buyValues(). */
  readonly buyValue?: (id: number) => bigint;
}

/** The fee fields every transaction of a run is signed with: a fixed cap (evm-target's feeCap), no tip. */
export function eip1559(chainId: number, maxFeePerGas: bigint) {
  return { type: 'eip1559', chainId, maxFeePerGas, maxPriorityFeePerGas: 0n } as const;
}

/** What a kind becomes: a call (or a plain transfer) and the gas it may use. */
export interface Call {
  readonly to: Address;
  readonly value: bigint;
  readonly data?: Hex;
  readonly gas: bigint;
}

/**
 * Gas limits, fixed so that signing needs no estimate from the node: generous against what each
 * call uses on a cold account (measured against anvil, test/loadgen/evm-families.test.ts). Only the
 * gas used is paid; the limit only has to fit.
 */
export const GAS = {
  native: 21_000n,
  erc20: 80_000n,
  swapBase: 100_000n,
  swapPerHop: 60_000n,
  mint: 150_000n,
  nftTransfer: 100_000n,
  nftList: 100_000n,
  nftBuy: 200_000n,
  vote: 100_000n,
  propose: 100_000n,
  execute: 100_000n,
} as const;

/** The kinds an EVM chain can run, per family: the rest have no contract here yet. */
export const EVM_KINDS = ['transfer', 'micropay', 'swap', 'nft-mint', 'nft-transfer', 'nft-list', 'nft-buy', 'vote', 'propose', 'execute-proposal'] as const;

export function hasEvmForm(kind: string): boolean {
  return (EVM_KINDS as readonly string[]).includes(kind);
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no ${what} deployed`);
  return value;
}

function pay(asset: Asset, d: Deployment, to: Address, amount: bigint): Call {
  if (asset === 'native') return { to, value: amount, gas: GAS.native };
  return { to: need(d.tokens[0], 'token 1'), value: 0n, data: encodeFunctionData({ abi: Token.abi, functionName: 'transfer', args: [to, amount] }), gas: GAS.erc20 };
}

export function callOf(tx: Tx, o: SigningOptions): Call {
  const d = o.deployment;
  const a = tx.args;
  const n = (i: number): number => a[i] ?? 0;
  const big = (i: number): bigint => BigInt(Math.max(0, Math.round(n(i))));
  switch (tx.kind) {
    case 'transfer':
      return pay(o.asset, d, o.account(n(0)).address, big(1));
    case 'micropay':
      return pay(o.asset, d, o.merchant(n(0)), big(1));
    case 'swap': {
      const route = a.slice(2).map((x) => BigInt(x));
      const data = encodeFunctionData({ abi: Exchange.abi, functionName: 'swap', args: [big(0), big(1), route] });
      return { to: need(d.exchange, 'exchange'), value: 0n, data, gas: GAS.swapBase + GAS.swapPerHop * BigInt(route.length / 2) };
    }
    case 'nft-mint': {
      const collection = need(d.collections[n(0)], `collection ${n(0)}`);
      // [c, -1, guess]: the counter's next id; [c, id]: an id chosen in advance.
      const data = n(1) < 0 ? encodeFunctionData({ abi: Collection.abi, functionName: 'mint' }) : encodeFunctionData({ abi: Collection.abi, functionName: 'mintId', args: [big(1)] });
      return { to: collection, value: 0n, data, gas: GAS.mint };
    }
    case 'nft-transfer': {
      const data = encodeFunctionData({ abi: Collection.abi, functionName: 'transferFrom', args: [o.account(tx.sender).address, o.account(n(2)).address, big(1)] });
      return { to: need(d.collections[n(0)], `collection ${n(0)}`), value: 0n, data, gas: GAS.nftTransfer };
    }
    case 'nft-list': {
      const data = encodeFunctionData({ abi: Collection.abi, functionName: 'list', args: [big(1), big(2)] });
      return { to: need(d.collections[n(0)], `collection ${n(0)}`), value: 0n, data, gas: GAS.nftList };
    }
    case 'nft-buy': {
      const data = encodeFunctionData({ abi: Collection.abi, functionName: 'buy', args: [big(1), o.account(n(2)).address] });
      return { to: need(d.collections[n(0)], `collection ${n(0)}`), value: o.buyValue?.(tx.id) ?? 0n, data, gas: GAS.nftBuy };
    }
    case 'vote':
      return { to: need(d.dao, 'DAO'), value: 0n, data: encodeFunctionData({ abi: Dao.abi, functionName: 'vote', args: [big(0), n(1) === 1] }), gas: GAS.vote };
    case 'propose':
      return { to: need(d.dao, 'DAO'), value: 0n, data: encodeFunctionData({ abi: Dao.abi, functionName: 'propose' }), gas: GAS.propose };
    case 'execute-proposal':
      return { to: need(d.dao, 'DAO'), value: 0n, data: encodeFunctionData({ abi: Dao.abi, functionName: 'execute', args: [big(0), o.account(n(1)).address, big(2)] }), gas: GAS.execute };
    default:
      throw new Error(`transaction ${tx.id}: kind "${tx.kind}" has no EVM form (these do: ${EVM_KINDS.join(', ')})`);
  }
}

/** Signs `tx` as `call` (its callOf, passed in where the caller has it already). */
export async function signTx(tx: Tx, o: SigningOptions, call: Call = callOf(tx, o)): Promise<SignedTx> {
  const raw = await o.account(tx.sender).signTransaction({
    ...eip1559(o.chainId, o.maxFeePerGas),
    nonce: tx.nonce,
    to: call.to,
    value: call.value,
    gas: call.gas,
    ...(call.data ? { data: call.data } : {}),
  });
  return { id: tx.id, hash: keccak256(raw), raw };
}

/** The most a transaction may cost its sender in gas, and the value it sends: what funding must cover. */
export function costOf(call: Call, maxFeePerGas: bigint): bigint {
  return call.gas * maxFeePerGas + call.value;
}

/**
 * What each purchase sends: the price of the token's latest listing before it in the run (a buyer
 * pays what the listing asks, and a signed transaction must carry its value). A purchase with no
 * listing before it sends nothing, and fails as `not listed`, as it would on the ledger.
 */
export function buyValues(txs: readonly Tx[]): Map<number, bigint> {
  const listed = new Map<string, number>();
  const out = new Map<number, bigint>();
  for (const tx of txs) {
    const [c = 0, id = 0, price = 0] = tx.args;
    if (tx.kind === 'nft-list') listed.set(`${c}:${id}`, price);
    else if (tx.kind === 'nft-buy') out.set(tx.id, BigInt(Math.round(listed.get(`${c}:${id}`) ?? 0)));
  }
  return out;
}
