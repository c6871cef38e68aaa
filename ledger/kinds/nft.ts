import { COMMITTED, credit, debit, fail, mulDiv, rmw, type Kind } from './kind.js';

/** The creator's royalty on every marketplace sale. */
export const ROYALTY_BPS = 500;

/**
 * Mint a token of a collection, paying the mint price to its creator (a commutative add, so the
 * creator is not a hot key). Args: [collection, id]. With id = -1 the id is the collection
 * counter's next value: mints of a collection serialise on the counter, and which owner key is
 * written is only known by running (the declared sets hold the generator's guess). With a
 * pre-assigned id the mint is independent of other mints: the counter is only counted up.
 */
export const nftMint: Kind = {
  name: 'nft-mint',
  family: 'nft',
  defaultCostUs: 20,
  declare({ layout }, sender, [c = 0, id = -1, predicted = 0]) {
    const creator = layout.balance(layout.creator(c));
    const payer = layout.balance(sender);
    if (id >= 0) return { reads: [payer, layout.nftOwner(c, id)], writes: [payer, layout.nftOwner(c, id)], deltas: [creator, layout.nftCounter(c)], exact: true };
    const keys = [payer, layout.nftCounter(c), layout.nftOwner(c, predicted)];
    return { reads: keys, writes: keys, deltas: [creator], exact: false };
  },
  apply(tx, view, { layout, genesis }) {
    const [c = 0, preassigned = -1] = tx.args;
    const nft = genesis.nft;
    if (!nft || c >= nft.collections) return fail('no-such-collection');
    let id = preassigned;
    if (id < 0) {
      const counter = layout.nftCounter(c);
      id = view.read(counter);
      if (id >= nft.maxSupply) return fail('sold-out');
      view.write(counter, id + 1);
    } else {
      if (id >= nft.maxSupply) return fail('sold-out');
      if (view.read(layout.nftOwner(c, id)) !== 0) return fail('already-minted');
      view.add(layout.nftCounter(c), 1);
    }
    if (!debit(view, layout.balance(tx.sender), nft.price)) return fail('insufficient-funds');
    view.add(layout.balance(layout.creator(c)), nft.price);
    view.write(layout.nftOwner(c, id), tx.sender + 1);
    return COMMITTED;
  },
};

/** Give a token to someone; a standing listing is withdrawn. Args: [collection, id, recipient]. */
export const nftTransfer: Kind = {
  name: 'nft-transfer',
  family: 'nft',
  defaultCostUs: 10,
  declare: ({ layout }, _sender, [c = 0, id = 0]) => rmw([layout.nftOwner(c, id), layout.nftPrice(c, id)]),
  apply(tx, view, { layout }) {
    const [c = 0, id = 0, to = 0] = tx.args;
    const owner = layout.nftOwner(c, id);
    if (view.read(owner) !== tx.sender + 1) return fail('not-owner');
    view.write(owner, to + 1);
    view.write(layout.nftPrice(c, id), 0);
    return COMMITTED;
  },
};

/** Put a token up for sale at a price. Args: [collection, id, price]. */
export const nftList: Kind = {
  name: 'nft-list',
  family: 'nft',
  defaultCostUs: 10,
  declare: ({ layout }, _sender, [c = 0, id = 0]) => ({
    reads: [layout.nftOwner(c, id)],
    writes: [layout.nftPrice(c, id)],
    deltas: [],
    exact: true,
  }),
  apply(tx, view, { layout }) {
    const [c = 0, id = 0, price = 0] = tx.args;
    if (view.read(layout.nftOwner(c, id)) !== tx.sender + 1) return fail('not-owner');
    if (price <= 0) return fail('bad-price');
    view.write(layout.nftPrice(c, id), price);
    return COMMITTED;
  },
};

/**
 * Buy a listed token from the seller named in the order (as a signed marketplace order names it):
 * if the token changed hands since, the order is stale. The seller gets the price less the
 * creator's royalty. Args: [collection, id, seller, royalty] — royalty 0 credits the creator by
 * read-modify-write (a hot key per collection), 1 by a commutative add.
 */
export const nftBuy: Kind = {
  name: 'nft-buy',
  family: 'nft',
  defaultCostUs: 25,
  declare({ layout }, sender, [c = 0, id = 0, seller = 0, royalty = 0]) {
    const keys = [layout.nftOwner(c, id), layout.nftPrice(c, id), layout.balance(sender), layout.balance(seller)];
    const creator = layout.balance(layout.creator(c));
    return royalty === 1 ? rmw(keys, [creator]) : rmw([...keys, creator]);
  },
  apply(tx, view, { layout }) {
    const [c = 0, id = 0, seller = 0, royalty = 0] = tx.args;
    const priceKey = layout.nftPrice(c, id);
    const price = view.read(priceKey);
    if (price <= 0) return fail('not-listed');
    const ownerKey = layout.nftOwner(c, id);
    if (view.read(ownerKey) !== seller + 1) return fail('stale-order');
    if (seller === tx.sender) return fail('own-token');
    if (!debit(view, layout.balance(tx.sender), price)) return fail('insufficient-funds');
    const fee = mulDiv(price, ROYALTY_BPS, 10_000);
    credit(view, layout.balance(seller), price - fee);
    const creator = layout.balance(layout.creator(c));
    if (royalty === 1) view.add(creator, fee);
    else credit(view, creator, fee);
    view.write(ownerKey, tx.sender + 1);
    view.write(priceKey, 0);
    return COMMITTED;
  },
};
