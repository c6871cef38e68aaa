/**
 * The chain a run starts from: how big each part of the state is, how it is funded, and the
 * chain's fee rule. Plain data, so it travels to any target (in-process, over the wire, inside a
 * trace header); `ledger/genesis.ts` turns it into state deterministically. A section left out
 * means that part of the state does not exist.
 */
import { z } from 'zod';

/** How every transaction pays its fee to the block's coinbase account. */
export type FeeMode =
  /** No fee. */
  | 'none'
  /** Read-modify-write of the coinbase balance: every transaction conflicts with every other (the classic EVM pitfall). */
  | 'coinbase'
  /** A commutative add to the coinbase balance: fees no longer create dependencies. */
  | 'coinbase-delta';

export interface GenesisSpec {
  /** Ordinary accounts: the ones workloads sample. Special accounts (coinbase, merchants, creators…) come after them. */
  readonly accounts: number;
  /** Native-coin balance every ordinary account starts with. */
  readonly initialBalance: number;
  readonly fee?: { readonly mode: FeeMode; readonly amount: number };
  /** Tokens 1…count besides the native coin (0); every ordinary account holds `balance` of each. */
  readonly tokens?: { readonly count: number; readonly balance: number };
  /** Constant-product pools, each a pair of tokens, with `reserve` of each side; `providers` accounts hold their LP shares. */
  readonly pools?: { readonly pairs: readonly (readonly [number, number])[]; readonly reserve: number; readonly providers: number };
  /** Merchant accounts that receive micropayments. */
  readonly merchants?: number;
  /**
   * Lending markets: market m lends token m+1, priced by its oracle. The first `users` accounts
   * have supplied `supply` of every market's token and borrowed `debt` in each; the first
   * `atRisk` of them borrowed right up to the liquidation threshold.
   */
  readonly lending?: { readonly markets: number; readonly users: number; readonly supply: number; readonly debt: number; readonly atRisk: number };
  /** NFT collections of up to `maxSupply` tokens each, minted for `price`; each has its creator account. */
  readonly nft?: { readonly collections: number; readonly maxSupply: number; readonly price: number };
  /** Game items: the first `players` accounts, in `guilds` guilds, each holding `items` of every base item type. */
  readonly game?: { readonly players: number; readonly guilds: number; readonly itemTypes: number; readonly items: number };
  /** Governance: room for `capacity` proposals, the first `open` of them open at genesis; `quorum` yes votes pass one. */
  readonly dao?: { readonly capacity: number; readonly open: number; readonly quorum: number; readonly treasury: number };
}

const count = z.int().min(0);
const amount = z.number().min(0);

/** The same shape, checked: for a genesis that arrives from outside (a hello over the wire). */
export const genesisSchema = z.strictObject({
  accounts: z.int().min(1),
  initialBalance: amount,
  fee: z.strictObject({ mode: z.enum(['none', 'coinbase', 'coinbase-delta']), amount }).optional(),
  tokens: z.strictObject({ count, balance: amount }).optional(),
  pools: z.strictObject({ pairs: z.array(z.tuple([count, count])), reserve: amount, providers: count }).optional(),
  merchants: count.optional(),
  lending: z.strictObject({ markets: count, users: count, supply: amount, debt: amount, atRisk: count }).optional(),
  nft: z.strictObject({ collections: count, maxSupply: count, price: amount }).optional(),
  game: z.strictObject({ players: count, guilds: count, itemTypes: count, items: count }).optional(),
  dao: z.strictObject({ capacity: count, open: count, quorum: count, treasury: amount }).optional(),
}) satisfies z.ZodType<GenesisSpec>;
