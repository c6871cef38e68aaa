import { COMMITTED, NONE, credit, debit, fail, rmw, type Kind } from './kind.js';
import { swapThrough } from './amm.js';

/** A payment in the native coin. Args: [recipient, amount]. */
export const transfer: Kind = {
  name: 'transfer',
  family: 'payments',
  defaultCostUs: 10,
  declare: ({ layout }, sender, [to = 0]) => rmw([layout.balance(sender), layout.balance(to)]),
  apply(tx, view, { layout }) {
    const [to = 0, amount = 0] = tx.args;
    if (!debit(view, layout.balance(tx.sender), amount)) return fail('insufficient-funds');
    credit(view, layout.balance(to), amount);
    return COMMITTED;
  },
};

/**
 * A small payment to one of a few merchants: the merchants are the hot keys. Args: [merchant,
 * amount, credit] with credit 0 for a read-modify-write of the merchant's balance, 1 for a
 * commutative add (which removes the conflict).
 */
export const micropay: Kind = {
  name: 'micropay',
  family: 'payments',
  defaultCostUs: 5,
  declare({ layout }, sender, [merchant = 0, , commutative = 0]) {
    const payer = layout.balance(sender);
    const payee = layout.balance(layout.merchant(merchant));
    return commutative === 1 ? { reads: [payer], writes: [payer], deltas: [payee], exact: true } : rmw([payer, payee]);
  },
  apply(tx, view, { layout }) {
    const [merchant = 0, amount = 0, commutative = 0] = tx.args;
    if (!debit(view, layout.balance(tx.sender), amount)) return fail('insufficient-funds');
    const payee = layout.balance(layout.merchant(merchant));
    if (commutative === 1) view.add(payee, amount);
    else credit(view, payee, amount);
    return COMMITTED;
  },
};

/**
 * A cross-border payment: the sender pays in one currency, the recipient receives another,
 * converted through that corridor's FX pool (a constant-product pool: its reserves are hot keys).
 * Args: [recipient, pool, direction, amount] — direction 0 pays the pool's first token.
 */
export const fxTransfer: Kind = {
  name: 'fx-transfer',
  family: 'payments',
  defaultCostUs: 25,
  declare({ layout }, sender, [to = 0, pool = 0, dir = 0]) {
    const pair = layout.pairs[pool] ?? [0, 0];
    const tokenIn = pair[dir] ?? 0;
    const tokenOut = pair[1 - dir] ?? 0;
    return rmw([layout.balance(sender, tokenIn), layout.balance(to, tokenOut), layout.reserve(pool, 0), layout.reserve(pool, 1)], NONE);
  },
  apply(tx, view, { layout }) {
    const [to = 0, pool = 0, dir = 0, amount = 0] = tx.args;
    const pair = layout.pairs[pool];
    if (!pair) return fail('no-such-pool');
    if (!debit(view, layout.balance(tx.sender, pair[dir] ?? 0), amount)) return fail('insufficient-funds');
    const out = swapThrough(view, layout, pool, dir, amount);
    if (out <= 0) return fail('no-liquidity');
    credit(view, layout.balance(to, pair[1 - dir] ?? 0), out);
    return COMMITTED;
  },
};
