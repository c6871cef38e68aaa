import type { WorkloadConfig } from '../../core/profile/schema.js';
import type { Tx } from '../../core/tx.js';
import { zipf } from '../samplers.js';
import type { FamilyGenerator, TxFactory } from './factory.js';

type Config = NonNullable<WorkloadConfig['nft']>;

/**
 * Mints, transfers, listings and sales of NFTs, and game items crafted and traded in guilds. The
 * generator keeps its own picture of who owns what and what is listed, so transfers and sales are
 * of tokens that exist; when a run drops transactions that picture drifts, and some fail, as they
 * would on a chain.
 */
export function nftGenerator(config: Config, f: TxFactory): FamilyGenerator {
  const { rng } = f;
  const { collections, maxSupply } = config;
  const popularity = zipf(collections, config.collectionPopularity);
  const minted = new Int32Array(collections);
  const owner = new Int32Array(collections * maxSupply); // account + 1; 0 unminted
  const listed = new Uint8Array(collections * maxSupply);
  const forSale: number[][] = Array.from({ length: collections }, () => []);
  const royalty = config.royalty === 'delta' ? 1 : 0;
  const supply = config.worldSupply === 'delta' ? 1 : 0;
  const weights = config.kinds ?? { 'nft-mint': 30, 'nft-transfer': 20, 'nft-list': 25, 'nft-buy': 25 };

  const mint = (id: number): Tx => {
    const c = popularity.sample(rng);
    const sender = f.accounts.one(rng);
    const next = minted[c] ?? 0;
    if (next < maxSupply) {
      owner[c * maxSupply + next] = sender + 1;
      minted[c] = next + 1;
    }
    const args = config.ids === 'counter' ? [c, -1, Math.min(next, maxSupply - 1)] : [c, Math.min(next, maxSupply - 1)];
    return f.make(id, 'nft-mint', sender, args);
  };

  /** A minted token of a popular collection, or undefined while nothing is minted there. */
  const someToken = (): { c: number; id: number; holder: number } | undefined => {
    const c = popularity.sample(rng);
    const count = minted[c] ?? 0;
    if (count === 0) return undefined;
    const id = rng.int(count);
    return { c, id, holder: (owner[c * maxSupply + id] ?? 1) - 1 };
  };

  const list = (id: number): Tx => {
    const t = someToken();
    if (!t) return mint(id);
    const slot = t.c * maxSupply + t.id;
    if (!listed[slot]) {
      listed[slot] = 1;
      forSale[t.c]?.push(t.id);
    }
    return f.make(id, 'nft-list', t.holder, [t.c, t.id, rng.between(config.price.min, config.price.max)]);
  };

  const players = config.players;
  const guilds = config.guilds;
  const itemType = (): number => {
    // Mostly base items: 70% type 0, then 20%, 10%, … up the recipe chain.
    const u = rng.float();
    const t = u < 0.7 ? 0 : u < 0.9 ? 1 : 2;
    return Math.min(t, config.itemTypes - 2);
  };

  return {
    kinds: [
      { name: 'nft-mint', weight: weights['nft-mint'] ?? 0, make: mint },
      {
        name: 'nft-transfer',
        weight: weights['nft-transfer'] ?? 0,
        make(id) {
          const t = someToken();
          if (!t) return mint(id);
          const to = f.other(t.holder);
          const slot = t.c * maxSupply + t.id;
          owner[slot] = to + 1;
          listed[slot] = 0;
          return f.make(id, 'nft-transfer', t.holder, [t.c, t.id, to]);
        },
      },
      { name: 'nft-list', weight: weights['nft-list'] ?? 0, make: list },
      {
        name: 'nft-buy',
        weight: weights['nft-buy'] ?? 0,
        make(id) {
          const c = popularity.sample(rng);
          const offers = forSale[c] ?? [];
          // Take a random offer still standing (listings withdrawn by a transfer are dropped lazily).
          while (offers.length > 0) {
            const i = rng.int(offers.length);
            const token = offers[i] ?? 0;
            offers[i] = offers[offers.length - 1] ?? 0;
            offers.pop();
            const slot = c * maxSupply + token;
            if (!listed[slot]) continue;
            listed[slot] = 0;
            const seller = (owner[slot] ?? 1) - 1;
            const buyer = f.other(seller);
            owner[slot] = buyer + 1;
            return f.make(id, 'nft-buy', buyer, [c, token, seller, royalty]);
          }
          return list(id);
        },
      },
      {
        name: 'craft',
        weight: weights.craft ?? 0,
        make: (id) => f.make(id, 'craft', f.accounts.one(rng) % players, [itemType(), supply]),
      },
      {
        name: 'item-trade',
        weight: weights['item-trade'] ?? 0,
        make(id) {
          const from = f.accounts.one(rng) % players;
          let to: number;
          if (rng.float() < config.intraGuild) {
            // Another member of the same guild (players p with p % guilds equal).
            const guild = from % guilds;
            const members = Math.ceil((players - guild) / guilds);
            to = guild + guilds * rng.int(members);
            if (to === from) to = guild + guilds * ((Math.floor(from / guilds) + 1) % members);
          } else to = rng.int(players);
          if (to === from) to = (from + 1) % players;
          return f.make(id, 'item-trade', from, [to, itemType(), 1 + rng.int(3)]);
        },
      },
    ],
  };
}
