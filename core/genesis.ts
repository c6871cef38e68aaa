/**
 * How big the initial state is and how it is funded. Plain data, so it can travel to any target
 * (in-process now, over the wire later); `ledger/genesis.ts` turns it into state deterministically.
 */
export interface GenesisSpec {
  /** Number of accounts, each with a balance and a nonce. */
  readonly accounts: number;
  /** Balance every account starts with, in integer units. */
  readonly initialBalance: number;
}
