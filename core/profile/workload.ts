/**
 * The workload part of the profile schema: which traffic, how much of each kind, how contended.
 * A workload is a mix of families (payments, defi, nft, dao) by weight; inside a family, kinds by
 * weight. A profile with one family section is a single-family workload.
 */
import { z } from 'zod';

const count = (min: number, max: number) => {
  const what = `a whole number from ${min} to ${max}`;
  return z.int({ error: what }).min(min, { error: what }).max(max, { error: what });
};
const share = (what = 'a share from 0 to 1') => z.number({ error: what }).min(0, { error: what }).max(1, { error: what });
const weight = (what = 'a weight ≥ 0') => z.number({ error: what }).min(0, { error: what });
const zipfS = (what = 'a Zipf exponent from 0 to 5') => z.number({ error: what }).min(0, { error: what }).max(5, { error: what });
const mode = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values);

const range = (max = 1e12) =>
  z
    .strictObject({ min: count(1, max), max: count(1, max) })
    .refine((r) => r.min <= r.max, { error: 'min ≤ max', path: ['max'] });

/** Who acts: how the sender (and a payment's recipient) is drawn from the ordinary accounts. */
export const samplerSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('uniform') }).meta({ description: 'Every account equally likely.' }),
    z
      .strictObject({
        kind: z.literal('zipf'),
        s: z
          .number({ error: 'a Zipf exponent above 0, up to 5' })
          .positive({ error: 'a Zipf exponent above 0, up to 5' })
          .max(5, { error: 'a Zipf exponent above 0, up to 5' }),
      })
      .meta({ description: 'Account of rank r with probability ∝ 1/r^s: 0.8 mild, 1.0 strong, 1.2 a few accounts dominate.' }),
    z
      .strictObject({ kind: z.literal('hotspot'), hot: count(1, 10_000_000), probability: share('a probability from 0 to 1') })
      .meta({ description: 'With the given probability one of the `hot` first accounts, otherwise one of the rest.' }),
    z
      .strictObject({ kind: z.literal('groups'), groups: count(1, 5_000_000) })
      .meta({ description: 'Accounts in `groups` groups; a payment goes from a member to its group\'s pivot: a chain per group.' }),
  ])
  .meta({ description: 'How senders and recipients are drawn: the contention dial.' });

const creditMode = mode(['rmw', 'delta']);

const payments = z
  .strictObject({
    weight: weight().default(1),
    kinds: z
      .strictObject({ transfer: weight().optional(), micropay: weight().optional(), 'fx-transfer': weight().optional() })
      .optional()
      .meta({ description: 'Relative weights of the kinds; those left out do not occur. Default: transfers only.' }),
    amount: range().default({ min: 1, max: 1000 }),
    merchants: count(1, 100_000).default(10).meta({ description: 'Merchants receiving micropayments: the hot keys.' }),
    merchantCredit: creditMode.default('rmw').meta({ description: 'rmw: each payment reads and writes the merchant (conflicts); delta: commutative adds.' }),
    currencies: count(2, 64).default(4).meta({ description: 'Currencies for cross-border payments: a hub currency and an FX pool to each other one.' }),
    corridorPopularity: zipfS().default(1).meta({ description: 'Zipf exponent over FX corridors (0: uniform).' }),
    locality: z
      .strictObject({
        groups: count(2, 1_000_000).meta({ description: 'Account groups, by account number modulo groups: match the shard count of a sharded executor.' }),
        crossGroup: share().meta({ description: 'Share of transfers whose recipient is in another group than the sender: the cross-shard dial.' }),
      })
      .optional()
      .meta({ description: 'Keeps transfer recipients in the sender\'s group, but for a share that crosses: the cross-shard share as a dial.' }),
  })
  .meta({ description: 'Transfers, micropayments to a few merchants, and cross-border payments through FX pools.' });

const defi = z
  .strictObject({
    weight: weight().default(1),
    kinds: z
      .strictObject({
        swap: weight().optional(),
        'add-liquidity': weight().optional(),
        'remove-liquidity': weight().optional(),
        deposit: weight().optional(),
        borrow: weight().optional(),
        repay: weight().optional(),
        liquidate: weight().optional().meta({ description: 'Each pick is a burst of `liquidationBurst` liquidations racing for one borrower.' }),
      })
      .optional()
      .meta({ description: 'Relative weights; those left out do not occur. Default: mostly swaps, some liquidity and lending.' }),
    tokens: count(2, 256).default(8),
    pools: count(1, 4096).default(16).meta({ description: 'Constant-product pools: first each token against token 1 (the hub), then the other pairs.' }),
    poolPopularity: zipfS().default(1.1).meta({ description: 'Zipf exponent over pools (0: uniform): the hot pools are the contention.' }),
    hops: z
      .strictObject({ '1': weight().optional(), '2': weight().optional(), '3': weight().optional() })
      .default({ '1': 70, '2': 25, '3': 5 })
      .meta({ description: 'Weights of 1-, 2- and 3-hop routes.' }),
    swapAmount: range().default({ min: 100, max: 10_000 }),
    poolReserve: count(1000, 1e12).default(1_000_000_000),
    tokenBalance: count(1, 1e12).default(1_000_000_000).meta({ description: 'Each account\'s balance of every token.' }),
    providers: count(1, 10_000_000).default(100).meta({ description: 'Accounts (the first ones) that hold LP shares and add or remove liquidity.' }),
    markets: count(1, 255).default(4).meta({ description: 'Lending markets; market m lends token m+1.' }),
    lendingUsers: count(1, 10_000_000).default(1000).meta({ description: 'Accounts (the first ones) with lending positions.' }),
    atRisk: count(0, 10_000_000).default(50).meta({ description: 'Lending users that start right at the liquidation threshold.' }),
    liquidationBurst: count(1, 1000).default(8),
    oracle: z
      .strictObject({
        updatesPerBlock: count(0, 1000).default(1),
        placement: mode(['early', 'late', 'uniform']).default('early'),
        volatilityBps: count(0, 5000).default(200).meta({ description: 'Largest price move of one update, in basis points.' }),
      })
      .prefault({})
      .meta({ description: 'Price updates placed in every block of `target.blockSize` transactions: early ones invalidate speculative readers after them.' }),
  })
  .meta({ description: 'AMM swaps, liquidity, lending with oracle reads, liquidation bursts and oracle updates.' });

const nft = z
  .strictObject({
    weight: weight().default(1),
    kinds: z
      .strictObject({
        'nft-mint': weight().optional(),
        'nft-transfer': weight().optional(),
        'nft-list': weight().optional(),
        'nft-buy': weight().optional(),
        craft: weight().optional(),
        'item-trade': weight().optional(),
      })
      .optional()
      .meta({ description: 'Relative weights; those left out do not occur. Default: mints, transfers and marketplace trades.' }),
    collections: count(1, 10_000).default(10),
    collectionPopularity: zipfS().default(1).meta({ description: 'Zipf exponent over collections (0: uniform).' }),
    maxSupply: count(1, 10_000_000).default(10_000),
    mintPrice: count(0, 1e12).default(100),
    ids: mode(['counter', 'preassigned']).default('counter').meta({ description: 'counter: the id is the collection counter\'s next (serial, known only by running); preassigned: in the transaction.' }),
    royalty: creditMode.default('rmw').meta({ description: 'How a sale\'s royalty reaches the creator: rmw (a hot key per collection) or delta.' }),
    price: range().default({ min: 50, max: 5000 }),
    players: count(2, 10_000_000).default(1000).meta({ description: 'Game players (the first accounts).' }),
    guilds: count(1, 1_000_000).default(20),
    intraGuild: share().default(0.9).meta({ description: 'Share of item trades that stay within the guild.' }),
    itemTypes: count(2, 64).default(4),
    items: count(0, 1e9).default(1000).meta({ description: 'Base items each player starts with.' }),
    worldSupply: creditMode.default('rmw').meta({ description: 'How crafting updates the world supply of an item type: rmw (global hot keys) or delta.' }),
  })
  .meta({ description: 'NFT mints, transfers, marketplace listings and sales with royalties; game items crafted and traded in guilds.' });

const dao = z
  .strictObject({
    weight: weight().default(1),
    kinds: z
      .strictObject({ vote: weight().optional(), propose: weight().optional(), 'execute-proposal': weight().optional() })
      .optional()
      .meta({ description: 'Relative weights; those left out do not occur. Default: mostly votes.' }),
    proposals: count(1, 10_000).default(3).meta({ description: 'Proposals open at genesis.' }),
    capacity: count(1, 10_000).default(64).meta({ description: 'Most proposals there can ever be.' }),
    proposalPopularity: zipfS().default(1).meta({ description: 'Zipf exponent over open proposals (0: uniform).' }),
    yesShare: share().default(0.6),
    tally: creditMode.default('rmw').meta({ description: 'rmw: the tally is a hot key per proposal and choice; delta: a commutative aggregator.' }),
    quorum: count(0, 1e9).default(100),
    treasury: count(0, 1e15).default(1_000_000_000),
    grant: count(1, 1e12).default(1000).meta({ description: 'What an executed proposal pays out.' }),
  })
  .meta({ description: 'Governance: proposals, one vote per voter on hot tallies, execution of passed proposals.' });

const feeSchema = z
  .strictObject({
    mode: mode(['none', 'coinbase', 'coinbase-delta']).default('none'),
    amount: count(0, 1e9).default(1),
  })
  .meta({ description: 'Every transaction pays `amount` to the coinbase: coinbase = read-modify-write (every transaction conflicts), coinbase-delta = commutative.' });

const costSchema = z
  .union([
    z.number({ error: 'a cost in µs from 0 to 1000000' }).min(0, { error: 'a cost in µs from 0 to 1000000' }).max(1e6, { error: 'a cost in µs from 0 to 1000000' }),
    z.record(z.string(), z.number({ error: 'a cost in µs from 0 to 1000000' }).min(0, { error: 'a cost in µs from 0 to 1000000' }).max(1e6, { error: 'a cost in µs from 0 to 1000000' })),
  ], { error: 'a cost in µs, or a mapping of kind to µs' })
  .meta({ description: 'CPU work per transaction in µs: one figure for every kind, or per kind (the rest keep their defaults).' });

/** The kinds each family section can weigh: the schema's view of `ledger/kinds` (a test keeps them equal). */
export const FAMILY_KINDS = {
  payments: ['transfer', 'micropay', 'fx-transfer'],
  defi: ['swap', 'add-liquidity', 'remove-liquidity', 'deposit', 'borrow', 'repay', 'liquidate'],
  nft: ['nft-mint', 'nft-transfer', 'nft-list', 'nft-buy', 'craft', 'item-trade'],
  dao: ['vote', 'propose', 'execute-proposal'],
} as const;

export const FAMILIES = ['payments', 'defi', 'nft', 'dao'] as const;

/** Kinds weighed when a family section gives no `kinds`. */
export const DEFAULT_KIND_WEIGHTS: { readonly [F in (typeof FAMILIES)[number]]: Partial<Record<(typeof FAMILY_KINDS)[F][number], number>> } = {
  payments: { transfer: 1 },
  defi: { swap: 80, 'add-liquidity': 3, 'remove-liquidity': 2, deposit: 5, borrow: 4, repay: 5, liquidate: 1 },
  nft: { 'nft-mint': 30, 'nft-transfer': 20, 'nft-list': 25, 'nft-buy': 25 },
  dao: { vote: 95, propose: 1, 'execute-proposal': 4 },
};

export const workloadSchema = z
  .strictObject({
    accounts: count(2, 10_000_000).default(10_000).meta({ description: 'Ordinary accounts: the ones traffic is drawn from.' }),
    initialBalance: count(1, 1e12).default(1_000_000).meta({ description: 'Native-coin balance every account starts with.' }),
    sampler: samplerSchema.default({ kind: 'uniform' }),
    fee: feeSchema.prefault({}),
    costUs: costSchema.optional(),
    payments: payments.optional(),
    defi: defi.optional(),
    nft: nft.optional(),
    dao: dao.optional(),
  })
  .superRefine((w, ctx) => {
    const present = FAMILIES.filter((f) => w[f] !== undefined);
    if (present.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'at least one family section (payments, defi, nft or dao)', path: [], params: { found: 'none' } });
      return;
    }
    const families = present.map((f) => ({ f, weight: w[f]?.weight ?? 0, kinds: Object.values(w[f]?.kinds ?? DEFAULT_KIND_WEIGHTS[f]) }));
    if (families.every(({ weight, kinds }) => weight === 0 || kinds.every((k) => (k ?? 0) === 0))) {
      ctx.addIssue({ code: 'custom', message: 'at least one family and one of its kinds with a weight above 0', path: [], params: { found: 'every weight 0' } });
    }
    const atMostAccounts = (value: number | undefined, path: (string | number)[], what: string): void => {
      if (value !== undefined && value > w.accounts) ctx.addIssue({ code: 'custom', message: `${what} at most accounts (${w.accounts})`, path, input: value });
    };
    if (w.sampler.kind === 'hotspot') atMostAccounts(w.sampler.hot, ['sampler', 'hot'], 'a number of hot accounts');
    if (w.payments?.locality && w.payments.locality.groups * 2 > w.accounts) {
      ctx.addIssue({ code: 'custom', message: `at most accounts/2 (${Math.floor(w.accounts / 2)}) groups`, path: ['payments', 'locality', 'groups'], input: w.payments.locality.groups });
    }
    if (w.sampler.kind === 'groups' && w.sampler.groups * 2 > w.accounts) {
      ctx.addIssue({ code: 'custom', message: `at most accounts/2 (${Math.floor(w.accounts / 2)}) groups`, path: ['sampler', 'groups'], input: w.sampler.groups });
    }
    if (w.defi) {
      atMostAccounts(w.defi.providers, ['defi', 'providers'], 'a number of providers');
      atMostAccounts(w.defi.lendingUsers, ['defi', 'lendingUsers'], 'a number of lending users');
      if (w.defi.atRisk > w.defi.lendingUsers) ctx.addIssue({ code: 'custom', message: `at most lendingUsers (${w.defi.lendingUsers})`, path: ['defi', 'atRisk'], input: w.defi.atRisk });
      if (w.defi.markets > w.defi.tokens) {
        ctx.addIssue({ code: 'custom', message: `at most tokens (${w.defi.tokens}) markets`, path: ['defi', 'markets'], input: w.defi.markets });
      }
      if (Object.values(w.defi.hops).every((h) => (h ?? 0) === 0)) {
        ctx.addIssue({ code: 'custom', message: 'a weight above 0 for at least one route length', path: ['defi', 'hops'], params: { found: 'every weight 0' } });
      }
    }
    if (w.nft) {
      atMostAccounts(w.nft.players, ['nft', 'players'], 'a number of players');
      if (w.nft.guilds > w.nft.players) ctx.addIssue({ code: 'custom', message: `at most players (${w.nft.players}) guilds`, path: ['nft', 'guilds'], input: w.nft.guilds });
    }
    if (w.dao && w.dao.proposals > w.dao.capacity) {
      ctx.addIssue({ code: 'custom', message: `at most capacity (${w.dao.capacity}) proposals`, path: ['dao', 'proposals'], input: w.dao.proposals });
    }
    if (w.costUs !== undefined && typeof w.costUs === 'object') {
      const known: string[] = [...FAMILIES.flatMap((f): readonly string[] => FAMILY_KINDS[f]), 'oracle-update'];
      for (const k of Object.keys(w.costUs)) {
        if (!known.includes(k)) {
          ctx.addIssue({ code: 'custom', message: `a kind name (${known.join(', ')})`, path: ['costUs', k], params: { found: JSON.stringify(k) } });
        }
      }
    }
    // Cross-field checks only mean something once every field is valid on its own.
  }, { when: (payload) => payload.issues.length === 0 })
  .meta({ description: 'The traffic: a mix of families by weight, each a mix of kinds by weight, over `accounts` accounts.' });

export type WorkloadConfig = z.output<typeof workloadSchema>;
export type SamplerConfig = WorkloadConfig['sampler'];
export type Family = (typeof FAMILIES)[number];
