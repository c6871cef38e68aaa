import { addLiquidity, removeLiquidity, swap } from './amm.js';
import { executeProposal, propose, vote } from './dao.js';
import { craft, itemTrade } from './game.js';
import type { Kind } from './kind.js';
import { borrow, deposit, liquidate, oracleUpdate, repay } from './lending.js';
import { nftBuy, nftList, nftMint, nftTransfer } from './nft.js';
import { fxTransfer, micropay, transfer } from './payments.js';

const all: readonly Kind[] = [
  transfer,
  micropay,
  fxTransfer,
  swap,
  addLiquidity,
  removeLiquidity,
  deposit,
  borrow,
  repay,
  liquidate,
  oracleUpdate,
  nftMint,
  nftTransfer,
  nftList,
  nftBuy,
  craft,
  itemTrade,
  propose,
  vote,
  executeProposal,
];

/** Every transaction kind the state machine knows, by name. A new kind is one file entry and one line here. */
export const kinds: Readonly<Record<string, Kind>> = Object.fromEntries(all.map((k) => [k.name, k]));

/** Kinds numbered in a fixed order, for compact encodings (traces, the wire). Append only. */
export const kindIds: readonly string[] = all.map((k) => k.name);

export type { Chain, Declared, Family, Kind } from './kind.js';
export { COMMITTED, fail, NONE, REASONS, outcomeCode, outcomeOf, type Reason } from './kind.js';
export { swapOut, SWAP_FEE_BPS } from './amm.js';
export { LTV_BPS, LIQUIDATION_BPS } from './lending.js';
export { ROYALTY_BPS } from './nft.js';
