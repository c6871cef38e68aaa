import { COMMITTED, credit, debit, fail, mulDiv, productAtLeast, rmw, type Kind } from './kind.js';

/** A borrow may take debt up to this share of the collateral's value. */
export const LTV_BPS = 7_500;
/** Debt above this share of the collateral's value can be liquidated. */
export const LIQUIDATION_BPS = 8_000;
/** A liquidator repays at most this share of the debt… */
export const CLOSE_FACTOR_BPS = 5_000;
/** …and receives collateral worth that much more. */
export const BONUS_BPS = 500;

// Market m lends token m + 1; its price is oracle[m + 1].

/** collateral · priceC · shareBps/10⁴ ≥ debt · priceM, in exact integer arithmetic. */
function covers(collateral: number, priceC: number, shareBps: number, debt: number, priceM: number): boolean {
  return productAtLeast(mulDiv(collateral, priceC, 10_000), shareBps, debt, priceM);
}

function isLendingUser(user: number, users: number | undefined): boolean {
  return user < (users ?? 0);
}

/** Supply `amount` of the market's token. Args: [market, amount]. */
export const deposit: Kind = {
  name: 'deposit',
  family: 'defi',
  defaultCostUs: 25,
  declare: ({ layout }, sender, [m = 0]) => rmw([layout.balance(sender, m + 1), layout.supplied(m, sender), layout.marketTotal(m, 0)]),
  apply(tx, view, { layout, genesis }) {
    const [m = 0, amount = 0] = tx.args;
    if (m >= (genesis.lending?.markets ?? 0)) return fail('no-such-market');
    if (!isLendingUser(tx.sender, genesis.lending?.users)) return fail('not-lending-user');
    if (!debit(view, layout.balance(tx.sender, m + 1), amount)) return fail('insufficient-funds');
    credit(view, layout.supplied(m, tx.sender), amount);
    credit(view, layout.marketTotal(m, 0), amount);
    return COMMITTED;
  },
};

/**
 * Borrow `amount` of market m's token against what the borrower supplied to market c, valued at
 * the oracles' prices. Args: [market, collateralMarket, amount].
 */
export const borrow: Kind = {
  name: 'borrow',
  family: 'defi',
  defaultCostUs: 40,
  declare({ layout }, sender, [m = 0, c = 0]) {
    const writes = [layout.borrowed(m, sender), layout.marketTotal(m, 1), layout.balance(sender, m + 1)];
    const reads = [...writes, layout.oracle(m + 1), layout.oracle(c + 1), layout.supplied(c, sender), layout.marketTotal(m, 0)];
    return { reads, writes, deltas: [], exact: true };
  },
  apply(tx, view, { layout, genesis }) {
    const [m = 0, c = 0, amount = 0] = tx.args;
    const markets = genesis.lending?.markets ?? 0;
    if (m >= markets || c >= markets) return fail('no-such-market');
    if (!isLendingUser(tx.sender, genesis.lending?.users)) return fail('not-lending-user');
    const debtKey = layout.borrowed(m, tx.sender);
    const debt = view.read(debtKey) + amount;
    const collateral = view.read(layout.supplied(c, tx.sender));
    if (!covers(collateral, view.read(layout.oracle(c + 1)), LTV_BPS, debt, view.read(layout.oracle(m + 1)))) return fail('undercollateralized');
    const borrowedKey = layout.marketTotal(m, 1);
    const borrowedTotal = view.read(borrowedKey);
    if (view.read(layout.marketTotal(m, 0)) - borrowedTotal < amount) return fail('no-cash');
    view.write(debtKey, debt);
    view.write(borrowedKey, borrowedTotal + amount);
    credit(view, layout.balance(tx.sender, m + 1), amount);
    return COMMITTED;
  },
};

/** Repay up to `amount` of debt in market m. Args: [market, amount]. */
export const repay: Kind = {
  name: 'repay',
  family: 'defi',
  defaultCostUs: 25,
  declare: ({ layout }, sender, [m = 0]) => rmw([layout.borrowed(m, sender), layout.marketTotal(m, 1), layout.balance(sender, m + 1)]),
  apply(tx, view, { layout, genesis }) {
    const [m = 0, amount = 0] = tx.args;
    if (m >= (genesis.lending?.markets ?? 0)) return fail('no-such-market');
    if (!isLendingUser(tx.sender, genesis.lending?.users)) return fail('not-lending-user');
    const debtKey = layout.borrowed(m, tx.sender);
    const debt = view.read(debtKey);
    if (debt <= 0) return fail('no-debt');
    const pay = Math.min(debt, amount);
    if (!debit(view, layout.balance(tx.sender, m + 1), pay)) return fail('insufficient-funds');
    view.write(debtKey, debt - pay);
    credit(view, layout.marketTotal(m, 1), -pay);
    return COMMITTED;
  },
};

/**
 * Liquidate a borrower whose debt in market m exceeds the liquidation share of its collateral in
 * market c: the liquidator repays part of the debt and takes collateral tokens worth that plus a
 * bonus. In a burst, many liquidators race for the same borrower: the first wins, the rest find it
 * healthy again. Args: [borrower, market, collateralMarket].
 */
export const liquidate: Kind = {
  name: 'liquidate',
  family: 'defi',
  defaultCostUs: 60,
  declare({ layout }, sender, [b = 0, m = 0, c = 0]) {
    const writes = [
      layout.borrowed(m, b),
      layout.supplied(c, b),
      layout.marketTotal(m, 1),
      layout.marketTotal(c, 0),
      layout.balance(sender, m + 1),
      layout.balance(sender, c + 1),
    ];
    return { reads: [...writes, layout.oracle(m + 1), layout.oracle(c + 1)], writes, deltas: [], exact: true };
  },
  apply(tx, view, { layout, genesis }) {
    const [b = 0, m = 0, c = 0] = tx.args;
    const markets = genesis.lending?.markets ?? 0;
    if (m >= markets || c >= markets || m === c) return fail('no-such-market');
    if (!isLendingUser(b, genesis.lending?.users)) return fail('not-lending-user');
    const debtKey = layout.borrowed(m, b);
    const collKey = layout.supplied(c, b);
    const debt = view.read(debtKey);
    const collateral = view.read(collKey);
    const priceM = view.read(layout.oracle(m + 1));
    const priceC = view.read(layout.oracle(c + 1));
    if (debt <= 0) return fail('no-debt');
    if (covers(collateral, priceC, LIQUIDATION_BPS, debt, priceM)) return fail('healthy');
    const repaid = Math.max(1, mulDiv(debt, CLOSE_FACTOR_BPS, 10_000));
    if (!debit(view, layout.balance(tx.sender, m + 1), repaid)) return fail('insufficient-funds');
    // Collateral worth the repaid debt plus the bonus, at the oracle prices, capped at what there is.
    const seized = Math.min(collateral, mulDiv(mulDiv(repaid, priceM, priceC), 10_000 + BONUS_BPS, 10_000));
    view.write(debtKey, debt - repaid);
    credit(view, layout.marketTotal(m, 1), -repaid);
    view.write(collKey, collateral - seized);
    credit(view, layout.marketTotal(c, 0), -seized);
    credit(view, layout.balance(tx.sender, c + 1), seized);
    return COMMITTED;
  },
};

/**
 * A price update from the oracle operator: a blind write, read by every borrow and liquidation of
 * the token. Early in a block it invalidates the speculative readers after it (an abort storm for
 * optimistic executors); late, nobody depends on it. Args: [token, price].
 */
export const oracleUpdate: Kind = {
  name: 'oracle-update',
  family: 'defi',
  defaultCostUs: 10,
  declare: ({ layout }, _sender, [token = 0]) => ({ reads: [], writes: [layout.oracle(token)], deltas: [], exact: true }),
  apply(tx, view, { layout }) {
    const [token = 0, price = 0] = tx.args;
    if (tx.sender !== layout.oracleOperator) return fail('not-oracle');
    if (token < 1 || token > layout.tokens || price <= 0) return fail('bad-price');
    view.write(layout.oracle(token), price);
    return COMMITTED;
  },
};
