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
  const types = config.itemTypes;
  // Each player's items as the generator expects them, so crafts and trades use items that exist.
  const inventory = new Int32Array(players * types);
  for (let p = 0; p < players; p++) inventory[p * types] = config.items;
  const have = (p: number, t: number): number => inventory[p * types + t] ?? 0;
  const move = (p: number, t: number, n: number): void => {
    inventory[p * types + t] = have(p, t) + n;
  };
  const itemType = (): number => {
    // Mostly base items: 70% type 0, then 20%, 10%, … up the recipe chain.
    const u = rng.float();
    const t = u < 0.7 ? 0 : u < 0.9 ? 1 : 2;
    return Math.min(t, types - 2);
  };
  /** A player (drawn as usual) holding at least `n` items of a type (drawn as usual), if a few tries find one. */
  const holder = (n: number): { p: number; t: number } => {
    let p = f.accounts.one(rng) % players;
    let t = itemType();
    for (let tries = 0; tries < 4 && have(p, t) < n; tries++) {
      p = f.accounts.one(rng) % players;
      t = itemType();
    }
    return { p, t };
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
        make(id) {
          const { p, t } = holder(2);
          if (have(p, t) >= 2) {
            move(p, t, -2);
            move(p, t + 1, 1);
          }
          return f.make(id, 'craft', p, [t, supply]);
        },
      },
      {
        name: 'item-trade',
        weight: weights['item-trade'] ?? 0,
        make(id) {
          const { p: from, t } = holder(1);
          let to: number;
          if (rng.float() < config.intraGuild) {
            // Another member of the same guild (players p with p % guilds equal).
            const guild = from % guilds;
            const members = Math.ceil((players - guild) / guilds);
            to = guild + guilds * rng.int(members);
            if (to === from) to = guild + guilds * ((Math.floor(from / guilds) + 1) % members);
          } else to = rng.int(players);
          if (to === from) to = (from + 1) % players;
          const count = Math.max(1, Math.min(have(from, t), 1 + rng.int(3)));
          if (have(from, t) >= count) {
            move(from, t, -count);
            move(to, t, count);
          }
          return f.make(id, 'item-trade', from, [to, t, count]);
        },
      },
    ],
  };
}
