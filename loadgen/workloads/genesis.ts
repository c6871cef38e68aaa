import type { GenesisSpec } from '../../core/genesis.js';
import type { WorkloadConfig } from '../../core/profile/schema.js';

/** Lending positions every lending user starts with, in each market. */
export const LENDING_SUPPLY = 1_000_000;
export const LENDING_DEBT = 200_000;

/** Where each family's tokens and pools sit in the genesis' numbering. */
export interface World {
  readonly genesis: GenesisSpec;
  /** DeFi tokens are 1…defiTokens; FX currencies follow them. */
  readonly defiTokens: number;
  readonly firstCurrency: number;
  /** DeFi pools are 0…defiPools-1; FX pools (hub currency against each other one) follow. */
  readonly defiPools: number;
  readonly fxPools: number;
}

/**
 * The genesis a workload needs, sized from its config: only the families present get state.
 * DeFi pools pair every token with token 1 (the hub, like WETH) first, then the other pairs in
 * order, so pool 0 is the most popular under Zipf popularity; past the distinct pairs, pairs
 * repeat (split pools of the same pair).
 */
export function worldFor(config: WorkloadConfig): World {
  const defiTokens = config.defi?.tokens ?? 0;
  const currencies = config.payments ? config.payments.currencies : 0;
  const pairs: (readonly [number, number])[] = [];
  if (config.defi) {
    const distinct: [number, number][] = [];
    for (let t = 2; t <= defiTokens; t++) distinct.push([1, t]);
    for (let a = 2; a <= defiTokens; a++) for (let b = a + 1; b <= defiTokens; b++) distinct.push([a, b]);
    for (let p = 0; p < config.defi.pools; p++) pairs.push(distinct[p % distinct.length] ?? [1, 2]);
  }
  const defiPools = pairs.length;
  const firstCurrency = defiTokens + 1;
  if (currencies > 0) for (let c = 1; c < currencies; c++) pairs.push([firstCurrency, firstCurrency + c]);
  const tokens = defiTokens + currencies;

  const d = config.defi;
  const n = config.nft;
  const genesis: GenesisSpec = {
    accounts: config.accounts,
    initialBalance: config.initialBalance,
    ...(config.fee.mode === 'none' ? {} : { fee: { mode: config.fee.mode, amount: config.fee.amount } }),
    ...(tokens > 0 ? { tokens: { count: tokens, balance: d?.tokenBalance ?? 1_000_000_000 } } : {}),
    ...(pairs.length > 0 ? { pools: { pairs, reserve: d?.poolReserve ?? 1_000_000_000, providers: d?.providers ?? 0 } } : {}),
    ...(config.payments ? { merchants: config.payments.merchants } : {}),
    ...(d ? { lending: { markets: d.markets, users: d.lendingUsers, supply: LENDING_SUPPLY, debt: LENDING_DEBT, atRisk: d.atRisk } } : {}),
    ...(n
      ? {
          nft: { collections: n.collections, maxSupply: n.maxSupply, price: n.mintPrice },
          game: { players: n.players, guilds: n.guilds, itemTypes: n.itemTypes, items: n.items },
        }
      : {}),
    ...(config.dao
      ? { dao: { capacity: config.dao.capacity, open: config.dao.proposals, quorum: config.dao.quorum, treasury: config.dao.treasury } }
      : {}),
  };
  return { genesis, defiTokens, firstCurrency, defiPools, fxPools: Math.max(0, currencies - 1) };
}
