import type { Kind } from './kind.js';

/** A payment: args [recipient, amount]. Fails, changing nothing, when the sender cannot cover it. */
export const transfer: Kind = {
  name: 'transfer',
  defaultCostUs: 10,
  declare(layout, sender, args) {
    const keys = [layout.balance(sender), layout.balance(args[0] ?? 0)];
    return { reads: keys, writes: keys };
  },
  apply(tx, view, layout) {
    const [to = 0, amount = 0] = tx.args;
    const from = layout.balance(tx.sender);
    const balance = view.read(from);
    if (balance < amount) return { status: 'failed', reason: 'insufficient-funds' };
    view.write(from, balance - amount);
    const dest = layout.balance(to);
    view.write(dest, view.read(dest) + amount);
    return { status: 'committed' };
  },
};
