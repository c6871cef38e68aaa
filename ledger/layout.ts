import type { GenesisSpec } from '../core/genesis.js';
import type { StateKey } from '../core/tx.js';

interface Namespace {
  readonly name: string;
  readonly offset: number;
  /** Sizes of the dimensions, outermost first: balance is [tokens+1, accounts]. */
  readonly dims: readonly number[];
  readonly size: number;
}

/**
 * Where every piece of state lives in the integer key space. Each namespace is a contiguous
 * range sized by the genesis, so the whole state is one typed array and a key's range names it.
 *
 * Accounts: ordinary accounts 0…accounts-1 (the ones workloads sample), then special ones: the
 * coinbase, the oracle operator, the DAO treasury, merchants, and one creator per NFT collection.
 */
export class StateLayout {
  readonly accounts: number;
  /** Every account, special ones included. */
  readonly allAccounts: number;
  readonly coinbase: number;
  readonly oracleOperator: number;
  readonly treasury: number;
  private readonly merchantBase: number;
  private readonly creatorBase: number;
  readonly tokens: number;
  readonly pairs: readonly (readonly [number, number])[];
  readonly size: number;
  private readonly spaces: Namespace[] = [];

  private readonly nsBalance: Namespace;
  private readonly nsNonce: Namespace;
  private readonly nsReserve: Namespace;
  private readonly nsPoolShares: Namespace;
  private readonly nsLpShares: Namespace;
  private readonly nsMarket: Namespace;
  private readonly nsOracle: Namespace;
  private readonly nsSupplied: Namespace;
  private readonly nsBorrowed: Namespace;
  private readonly nsNftCounter: Namespace;
  private readonly nsNftOwner: Namespace;
  private readonly nsNftPrice: Namespace;
  private readonly nsInventory: Namespace;
  private readonly nsWorldSupply: Namespace;
  private readonly nsProposalCount: Namespace;
  private readonly nsProposal: Namespace;
  private readonly nsVoted: Namespace;
  private readonly nftMaxSupply: number;
  private readonly itemTypes: number;
  private readonly daoCapacity: number;

  constructor(spec: GenesisSpec) {
    this.accounts = spec.accounts;
    this.coinbase = spec.accounts;
    this.oracleOperator = spec.accounts + 1;
    this.treasury = spec.accounts + 2;
    this.merchantBase = spec.accounts + 3;
    this.creatorBase = this.merchantBase + (spec.merchants ?? 0);
    this.allAccounts = this.creatorBase + (spec.nft?.collections ?? 0);
    this.tokens = spec.tokens?.count ?? 0;
    this.pairs = spec.pools?.pairs ?? [];
    const pools = this.pairs.length;
    const markets = spec.lending?.markets ?? 0;
    const lendingUsers = spec.lending?.users ?? 0;
    const collections = spec.nft?.collections ?? 0;
    this.nftMaxSupply = spec.nft?.maxSupply ?? 0;
    const players = spec.game?.players ?? 0;
    this.itemTypes = spec.game?.itemTypes ?? 0;
    this.daoCapacity = spec.dao?.capacity ?? 0;

    let offset = 0;
    const ns = (name: string, ...dims: number[]): Namespace => {
      const size = dims.reduce((a, b) => a * b, 1);
      const space = { name, offset, dims, size };
      offset += size;
      this.spaces.push(space);
      return space;
    };
    this.nsBalance = ns('balance', this.tokens + 1, this.allAccounts);
    this.nsNonce = ns('nonce', this.allAccounts);
    this.nsReserve = ns('reserve', pools, 2);
    this.nsPoolShares = ns('poolShares', pools);
    this.nsLpShares = ns('lpShares', pools, spec.pools?.providers ?? 0);
    this.nsMarket = ns('market', markets, 2);
    this.nsOracle = ns('oracle', this.tokens + 1);
    this.nsSupplied = ns('supplied', markets, lendingUsers);
    this.nsBorrowed = ns('borrowed', markets, lendingUsers);
    this.nsNftCounter = ns('nftCounter', collections);
    this.nsNftOwner = ns('nftOwner', collections, this.nftMaxSupply);
    this.nsNftPrice = ns('nftPrice', collections, this.nftMaxSupply);
    this.nsInventory = ns('inventory', players, this.itemTypes);
    this.nsWorldSupply = ns('worldSupply', this.itemTypes);
    this.nsProposalCount = ns('proposalCount', spec.dao ? 1 : 0);
    this.nsProposal = ns('proposal', this.daoCapacity, 3);
    this.nsVoted = ns('voted', this.daoCapacity, spec.dao ? spec.accounts : 0);
    this.size = offset;
  }

  merchant(i: number): number {
    return this.merchantBase + i;
  }

  creator(collection: number): number {
    return this.creatorBase + collection;
  }

  /** Balance of `token` (0 is the native coin) held by `account`. */
  balance(account: number, token = 0): StateKey {
    return this.nsBalance.offset + token * this.allAccounts + account;
  }

  nonce(account: number): StateKey {
    return this.nsNonce.offset + account;
  }

  /** Reserve of side 0 or 1 (the pair's first or second token) of a pool. */
  reserve(pool: number, side: number): StateKey {
    return this.nsReserve.offset + pool * 2 + side;
  }

  poolShares(pool: number): StateKey {
    return this.nsPoolShares.offset + pool;
  }

  lpShares(pool: number, provider: number): StateKey {
    return this.nsLpShares.offset + pool * (this.nsLpShares.dims[1] ?? 0) + provider;
  }

  /** Market totals: 0 supplied, 1 borrowed. */
  marketTotal(market: number, which: 0 | 1): StateKey {
    return this.nsMarket.offset + market * 2 + which;
  }

  /** Price of a token in native units, fixed point (PRICE_ONE is 1.0). */
  oracle(token: number): StateKey {
    return this.nsOracle.offset + token;
  }

  supplied(market: number, user: number): StateKey {
    return this.nsSupplied.offset + market * (this.nsSupplied.dims[1] ?? 0) + user;
  }

  borrowed(market: number, user: number): StateKey {
    return this.nsBorrowed.offset + market * (this.nsBorrowed.dims[1] ?? 0) + user;
  }

  nftCounter(collection: number): StateKey {
    return this.nsNftCounter.offset + collection;
  }

  /** The owner of an NFT, as account + 1 (0: not minted). */
  nftOwner(collection: number, id: number): StateKey {
    return this.nsNftOwner.offset + collection * this.nftMaxSupply + id;
  }

  /** The asking price of a listed NFT (0: not for sale). */
  nftPrice(collection: number, id: number): StateKey {
    return this.nsNftPrice.offset + collection * this.nftMaxSupply + id;
  }

  inventory(player: number, itemType: number): StateKey {
    return this.nsInventory.offset + player * this.itemTypes + itemType;
  }

  worldSupply(itemType: number): StateKey {
    return this.nsWorldSupply.offset + itemType;
  }

  proposalCount(): StateKey {
    return this.nsProposalCount.offset;
  }

  /** A proposal's fields: 0 state (0 none, 1 open, 2 executed), 1 yes tally, 2 no tally. */
  proposal(id: number, field: 0 | 1 | 2): StateKey {
    return this.nsProposal.offset + id * 3 + field;
  }

  voted(proposal: number, voter: number): StateKey {
    return this.nsVoted.offset + proposal * this.accounts + voter;
  }

  /** An account as reports show it: its number, or what a special account is. */
  accountName(account: number): string {
    if (account < this.accounts) return String(account);
    if (account === this.coinbase) return 'coinbase';
    if (account === this.oracleOperator) return 'oracle';
    if (account === this.treasury) return 'treasury';
    if (account < this.creatorBase) return `merchant ${account - this.merchantBase}`;
    return `creator ${account - this.creatorBase}`;
  }

  /**
   * The account a key belongs to (its balances, nonce, positions, inventory, votes, LP shares),
   * or -1 for keys that belong to no account (pools, markets, oracles, counters, tallies, NFTs).
   * Sharded execution places keys by it, so an account's keys live together.
   */
  ownerAccount(key: StateKey): number {
    for (const ns of [this.nsBalance, this.nsNonce, this.nsSupplied, this.nsBorrowed, this.nsLpShares, this.nsInventory, this.nsVoted]) {
      if (key < ns.offset || key >= ns.offset + ns.size) continue;
      const rest = key - ns.offset;
      // The account is the last index, except for inventories, where it is the first.
      if (ns === this.nsInventory) return Math.floor(rest / (ns.dims[1] ?? 1));
      return rest % (ns.dims[ns.dims.length - 1] ?? 1);
    }
    return -1;
  }

  /** `balance[1][17]`: for messages and reports about a key. */
  describe(key: StateKey): string {
    for (const ns of this.spaces) {
      if (key < ns.offset || key >= ns.offset + ns.size) continue;
      let rest = key - ns.offset;
      const idx: number[] = [];
      for (let d = ns.dims.length - 1; d >= 0; d--) {
        const dim = ns.dims[d] ?? 1;
        idx.unshift(rest % dim);
        rest = Math.floor(rest / dim);
      }
      // The last index of balances and nonces is an account: name the special ones.
      const last = idx.length - 1;
      const shown = idx.map((i, d) => (d === last && (ns === this.nsBalance || ns === this.nsNonce) ? this.accountName(i) : String(i)));
      return `${ns.name}${shown.map((i) => `[${i}]`).join('')}`;
    }
    return `key ${key} (outside the state)`;
  }

  /** The namespace a key belongs to, or undefined. */
  namespaceOf(key: StateKey): string | undefined {
    return this.spaces.find((ns) => key >= ns.offset && key < ns.offset + ns.size)?.name;
  }
}

/** Fixed-point 1.0 for oracle prices. */
export const PRICE_ONE = 1_000_000;
