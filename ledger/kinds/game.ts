import type { Chain } from './kind.js';
import { COMMITTED, credit, debit, fail, type Kind } from './kind.js';

function isPlayer(account: number, chain: Chain): boolean {
  return account < (chain.genesis.game?.players ?? 0);
}

/**
 * Craft one item of type t+1 from two of type t. The world supply of each type is a global
 * counter: updated by read-modify-write it is a hot key for every crafter, by commutative adds it
 * is not. Args: [type, supply] — supply 0 read-modify-write, 1 add.
 */
export const craft: Kind = {
  name: 'craft',
  family: 'game',
  defaultCostUs: 20,
  declare({ layout }, sender, [t = 0, supply = 0]) {
    const inv = [layout.inventory(sender, t), layout.inventory(sender, t + 1)];
    const world = [layout.worldSupply(t), layout.worldSupply(t + 1)];
    return supply === 1 ? { reads: inv, writes: inv, deltas: world, exact: true } : { reads: [...inv, ...world], writes: [...inv, ...world], deltas: [], exact: true };
  },
  apply(tx, view, chain) {
    const { layout, genesis } = chain;
    const [t = 0, supply = 0] = tx.args;
    if (!isPlayer(tx.sender, chain)) return fail('not-player');
    if (t + 1 >= (genesis.game?.itemTypes ?? 0)) return fail('no-recipe');
    if (!debit(view, layout.inventory(tx.sender, t), 2)) return fail('not-enough-items');
    credit(view, layout.inventory(tx.sender, t + 1), 1);
    if (supply === 1) {
      view.add(layout.worldSupply(t), -2);
      view.add(layout.worldSupply(t + 1), 1);
    } else {
      credit(view, layout.worldSupply(t), -2);
      credit(view, layout.worldSupply(t + 1), 1);
    }
    return COMMITTED;
  },
};

/** Hand items to another player (mostly within the guild). Args: [recipient, type, count]. */
export const itemTrade: Kind = {
  name: 'item-trade',
  family: 'game',
  defaultCostUs: 10,
  declare: ({ layout }, sender, [to = 0, t = 0]) => ({
    reads: [layout.inventory(sender, t), layout.inventory(to, t)],
    writes: [layout.inventory(sender, t), layout.inventory(to, t)],
    deltas: [],
    exact: true,
  }),
  apply(tx, view, chain) {
    const { layout, genesis } = chain;
    const [to = 0, t = 0, count = 0] = tx.args;
    if (!isPlayer(tx.sender, chain) || !isPlayer(to, chain)) return fail('not-player');
    if (t >= (genesis.game?.itemTypes ?? 0) || count <= 0) return fail('bad-item');
    if (!debit(view, layout.inventory(tx.sender, t), count)) return fail('not-enough-items');
    credit(view, layout.inventory(to, t), count);
    return COMMITTED;
  },
};
