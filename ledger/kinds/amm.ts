import type { StateKey } from '../../core/tx.js';
import type { StateLayout } from '../layout.js';
import type { StateView } from '../state.js';
import { COMMITTED, credit, debit, fail, mulDiv, rmw, type Kind } from './kind.js';

/** The pool's fee, in basis points of the input; it stays in the pool, so x·y never decreases. */
export const SWAP_FEE_BPS = 30;

/** Output of a constant-product swap of `amountIn` against reserves (rIn, rOut), fee included. */
export function swapOut(rIn: number, rOut: number, amountIn: number): number {
  if (amountIn <= 0 || rIn <= 0 || rOut <= 0) return 0;
  const inWithFee = amountIn * (10_000 - SWAP_FEE_BPS);
  return mulDiv(inWithFee, rOut, rIn * 10_000 + inWithFee);
}

/** Swaps `amountIn` through one pool in `dir` (0: first token in), updating its reserves; returns the output. */
export function swapThrough(view: StateView, layout: StateLayout, pool: number, dir: number, amountIn: number): number {
  const inKey = layout.reserve(pool, dir);
  const outKey = layout.reserve(pool, 1 - dir);
  const rIn = view.read(inKey);
  const rOut = view.read(outKey);
  const out = swapOut(rIn, rOut, amountIn);
  if (out <= 0 || out >= rOut) return 0;
  view.write(inKey, rIn + amountIn);
  view.write(outKey, rOut - out);
  return out;
}

function pushNew(keys: StateKey[], key: StateKey): void {
  if (!keys.includes(key)) keys.push(key);
}

/** Token in and token out of a route encoded as [pool, dir, pool, dir, …] from `args[start]`. */
function routeEnds(layout: StateLayout, args: readonly number[], start: number): { tokenIn: number; tokenOut: number } {
  const firstPool = args[start] ?? 0;
  const firstDir = args[start + 1] ?? 0;
  const lastPool = args[args.length - 2] ?? 0;
  const lastDir = args[args.length - 1] ?? 0;
  return {
    tokenIn: layout.pairs[firstPool]?.[firstDir] ?? 0,
    tokenOut: layout.pairs[lastPool]?.[1 - lastDir] ?? 0,
  };
}

/**
 * A swap along a route of 1–3 constant-product pools. Args: [amountIn, minOut, pool₁, dir₁,
 * pool₂, dir₂, …]; dir 0 sends the pool's first token in. Each hop's output token must be the
 * next hop's input. Fails, changing nothing, on slippage (output below minOut).
 */
export const swap: Kind = {
  name: 'swap',
  family: 'defi',
  defaultCostUs: 30,
  declare({ layout }, sender, args) {
    const { tokenIn, tokenOut } = routeEnds(layout, args, 2);
    const keys = [layout.balance(sender, tokenIn)];
    pushNew(keys, layout.balance(sender, tokenOut));
    for (let i = 2; i + 1 < args.length; i += 2) {
      pushNew(keys, layout.reserve(args[i] ?? 0, 0));
      pushNew(keys, layout.reserve(args[i] ?? 0, 1));
    }
    return rmw(keys);
  },
  apply(tx, view, { layout }) {
    const [amountIn = 0, minOut = 0] = tx.args;
    const { tokenIn, tokenOut } = routeEnds(layout, tx.args, 2);
    if (!debit(view, layout.balance(tx.sender, tokenIn), amountIn)) return fail('insufficient-funds');
    let amount = amountIn;
    let token = tokenIn;
    for (let i = 2; i + 1 < tx.args.length; i += 2) {
      const pool = tx.args[i] ?? 0;
      const dir = tx.args[i + 1] ?? 0;
      const pair = layout.pairs[pool];
      if (!pair || pair[dir] !== token) return fail('bad-route');
      amount = swapThrough(view, layout, pool, dir, amount);
      if (amount <= 0) return fail('no-liquidity');
      token = pair[1 - dir] ?? 0;
    }
    if (amount < minOut) return fail('slippage');
    credit(view, layout.balance(tx.sender, tokenOut), amount);
    return COMMITTED;
  },
};

function liquidityKeys(layout: StateLayout, sender: number, pool: number): StateKey[] {
  const [a = 0, b = 0] = layout.pairs[pool] ?? [];
  return [
    layout.balance(sender, a),
    layout.balance(sender, b),
    layout.reserve(pool, 0),
    layout.reserve(pool, 1),
    layout.poolShares(pool),
    layout.lpShares(pool, sender),
  ];
}

/**
 * A liquidity provider adds `amount0` of the pool's first token and the matching amount of the
 * second, for new pool shares. Args: [pool, amount0]. Only the genesis providers hold LP accounts.
 */
export const addLiquidity: Kind = {
  name: 'add-liquidity',
  family: 'defi',
  defaultCostUs: 35,
  declare: ({ layout }, sender, [pool = 0]) => rmw(liquidityKeys(layout, sender, pool)),
  apply(tx, view, { layout, genesis }) {
    const [pool = 0, amount0 = 0] = tx.args;
    const pair = layout.pairs[pool];
    if (!pair) return fail('no-such-pool');
    if (tx.sender >= (genesis.pools?.providers ?? 0)) return fail('not-provider');
    const [balA, balB, r0Key, r1Key, sharesKey, lpKey] = liquidityKeys(layout, tx.sender, pool) as [number, number, number, number, number, number];
    const r0 = view.read(r0Key);
    const r1 = view.read(r1Key);
    const total = view.read(sharesKey);
    const amount1 = mulDiv(amount0, r1, r0) + 1;
    const minted = mulDiv(amount0, total, r0);
    if (minted <= 0) return fail('too-small');
    if (!debit(view, balA, amount0) || !debit(view, balB, amount1)) return fail('insufficient-funds');
    view.write(r0Key, r0 + amount0);
    view.write(r1Key, r1 + amount1);
    view.write(sharesKey, total + minted);
    credit(view, lpKey, minted);
    return COMMITTED;
  },
};

/** A provider redeems `shares` for its part of both reserves. Args: [pool, shares]. */
export const removeLiquidity: Kind = {
  name: 'remove-liquidity',
  family: 'defi',
  defaultCostUs: 35,
  declare: ({ layout }, sender, [pool = 0]) => rmw(liquidityKeys(layout, sender, pool)),
  apply(tx, view, { layout, genesis }) {
    const [pool = 0, shares = 0] = tx.args;
    if (!layout.pairs[pool]) return fail('no-such-pool');
    if (tx.sender >= (genesis.pools?.providers ?? 0)) return fail('not-provider');
    const [balA, balB, r0Key, r1Key, sharesKey, lpKey] = liquidityKeys(layout, tx.sender, pool) as [number, number, number, number, number, number];
    const held = view.read(lpKey);
    if (shares <= 0 || held < shares) return fail('insufficient-shares');
    const total = view.read(sharesKey);
    const r0 = view.read(r0Key);
    const r1 = view.read(r1Key);
    const out0 = mulDiv(shares, r0, total);
    const out1 = mulDiv(shares, r1, total);
    if (out0 >= r0 || out1 >= r1) return fail('no-liquidity');
    view.write(lpKey, held - shares);
    view.write(sharesKey, total - shares);
    view.write(r0Key, r0 - out0);
    view.write(r1Key, r1 - out1);
    credit(view, balA, out0);
    credit(view, balB, out1);
    return COMMITTED;
  },
};
