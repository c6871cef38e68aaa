/**
 * The contracts a run's traffic calls, deployed in the prepare phase by a deterministic deployer
 * account: tokens (with the balances the traders start with), the exchange and its pools, the NFT
 * collections, the DAO and its open proposals, as the workload's genesis describes them. Only
 * what the traffic uses is deployed. Addresses follow from the deployer's nonces, so they are
 * known before anything is mined, and the same on every fresh chain.
 */
import { encodeDeployData, encodeFunctionData, getContractAddress, type Address, type Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import type { GenesisSpec } from '../../../core/genesis.js';
import { Collection, Dao, Exchange, Token } from './contracts/artifacts.js';
import type { SetupTx } from './setup.js';
import { eip1559, type Asset, type Deployment } from './transactions.js';

export interface DeploymentPlan {
  readonly genesis: GenesisSpec;
  /** The kinds the run's traffic holds. */
  readonly kinds: ReadonlySet<string>;
  readonly asset: Asset;
  /** Who must hold every token (swappers), and who token 1 only (ERC-20 payers). */
  readonly traders: readonly Address[];
  readonly payers: readonly Address[];
  /** Each collection's creator, who gets the royalties. */
  readonly creator: (collection: number) => Address;
}

interface Step {
  readonly label: string;
  readonly to?: Address;
  readonly data: Hex;
  readonly value: bigint;
  readonly gas: bigint;
}

/** Holders per minting call: ~25,000 gas each, so a call stays near 5 M gas, under any block's limit. */
const MINT_CHUNK = 200;
const DEPLOY_GAS = 3_000_000n;

/** The steps, in nonce order from `nonce`, and the addresses the contracts will have. */
export function planDeployment(plan: DeploymentPlan, deployer: Address, nonce: number): { deployment: Deployment; steps: Step[] } {
  const { genesis, kinds } = plan;
  const steps: Step[] = [];
  const next = (): Address => getContractAddress({ from: deployer, nonce: BigInt(nonce + steps.length) });
  const swaps = kinds.has('swap');
  const erc20 = plan.asset === 'erc20' && (kinds.has('transfer') || kinds.has('micropay'));

  let exchange: Address | undefined;
  if (swaps) {
    exchange = next();
    steps.push({ label: 'deploy Exchange', data: encodeDeployData({ abi: Exchange.abi, bytecode: Exchange.bytecode }), value: 0n, gas: DEPLOY_GAS });
  }
  const tokens: Address[] = [];
  const tokenCount = swaps ? (genesis.tokens?.count ?? 0) : erc20 ? 1 : 0;
  for (let t = 1; t <= tokenCount; t++) {
    tokens.push(next());
    const args = [`parabench token ${t}`, `PB${t}`, exchange ?? '0x0000000000000000000000000000000000000000'] as const;
    steps.push({ label: `deploy Token ${t}`, data: encodeDeployData({ abi: Token.abi, bytecode: Token.bytecode, args }), value: 0n, gas: DEPLOY_GAS });
  }
  const collections: Address[] = [];
  if (['nft-mint', 'nft-transfer', 'nft-list', 'nft-buy'].some((k) => kinds.has(k)) && genesis.nft) {
    for (let c = 0; c < genesis.nft.collections; c++) {
      collections.push(next());
      const args = [`parabench collection ${c}`, `PBC${c}`, BigInt(genesis.nft.maxSupply), plan.creator(c)] as const;
      steps.push({ label: `deploy Collection ${c}`, data: encodeDeployData({ abi: Collection.abi, bytecode: Collection.bytecode, args }), value: 0n, gas: DEPLOY_GAS });
    }
  }
  let dao: Address | undefined;
  if ((kinds.has('vote') || kinds.has('propose') || kinds.has('execute-proposal')) && genesis.dao) {
    dao = next();
    const { open, quorum, treasury } = genesis.dao;
    steps.push({
      label: 'deploy Dao',
      data: encodeDeployData({ abi: Dao.abi, bytecode: Dao.bytecode, args: [BigInt(open), BigInt(quorum)] }),
      value: BigInt(Math.round(treasury)),
      gas: 1_500_000n + 30_000n * BigInt(open),
    });
  }

  // Balances: the traders hold every token, the ERC-20 payers token 1; the exchange the reserves.
  const holding = BigInt(Math.round(Math.max(genesis.tokens?.balance ?? 0, genesis.initialBalance)));
  const mint = (token: Address, t: number, to: readonly Address[], value: bigint): void => {
    for (let from = 0; from < to.length; from += MINT_CHUNK) {
      const chunk = to.slice(from, from + MINT_CHUNK);
      steps.push({
        label: `mint token ${t} to ${chunk.length} holders`,
        to: token,
        data: encodeFunctionData({ abi: Token.abi, functionName: 'mintMany', args: [chunk, value] }),
        value: 0n,
        gas: 400_000n + 30_000n * BigInt(chunk.length),
      });
    }
  };
  tokens.forEach((token, i) => {
    const t = i + 1;
    const holders = swaps ? [...new Set([...plan.traders, ...(t === 1 ? plan.payers : [])])] : plan.payers;
    mint(token, t, holders, holding);
  });
  if (swaps && exchange && genesis.pools) {
    const { pairs, reserve } = genesis.pools;
    const r = BigInt(Math.round(reserve));
    tokens.forEach((token, i) => {
      const pools = pairs.filter((p) => p[0] === i + 1 || p[1] === i + 1).length;
      if (pools > 0) mint(token, i + 1, [exchange], r * BigInt(pools));
    });
    pairs.forEach(([a, b], p) => {
      const token0 = tokens[a - 1];
      const token1 = tokens[b - 1];
      if (!token0 || !token1) throw new Error(`pool ${p} pairs tokens ${a} and ${b}: not deployed`);
      steps.push({ label: `create pool ${p}`, to: exchange, data: encodeFunctionData({ abi: Exchange.abi, functionName: 'createPool', args: [token0, token1, r, r] }), value: 0n, gas: 300_000n });
    });
  }
  return { deployment: { ...(exchange ? { exchange } : {}), tokens, collections, ...(dao ? { dao } : {}) }, steps };
}

/** The steps signed by the deployer, from `nonce`. */
export async function signSteps(steps: readonly Step[], deployer: PrivateKeyAccount, nonce: number, chainId: number, maxFeePerGas: bigint): Promise<SetupTx[]> {
  const signed: SetupTx[] = [];
  for (const [i, s] of steps.entries()) {
    const raw = await deployer.signTransaction({ ...eip1559(chainId, maxFeePerGas), nonce: nonce + i, ...(s.to ? { to: s.to } : {}), data: s.data, value: s.value, gas: s.gas });
    signed.push({ label: s.label, raw, gas: s.gas });
  }
  return signed;
}

/** Gas and value the deployer must hold for its steps. */
export function stepsCost(steps: readonly Step[], maxFeePerGas: bigint): bigint {
  return steps.reduce((sum, s) => sum + s.gas * maxFeePerGas + s.value, 0n);
}
