import type { GenesisSpec } from '../core/genesis.js';
import { PRICE_ONE, type StateLayout } from './layout.js';
import { LIQUIDATION_BPS } from './kinds/lending.js';

/**
 * The initial state, the same for every executor and every machine: ordinary accounts funded in
 * the native coin and every token, pools seeded and their LP shares split among the providers,
 * lending positions opened (the at-risk ones right at the liquidation threshold), the game's base
 * items handed out, the DAO's first proposals open and its treasury funded.
 */
export function genesisValues(spec: GenesisSpec, layout: StateLayout): Float64Array {
  const v = new Float64Array(layout.size);
  for (let a = 0; a < spec.accounts; a++) v[layout.balance(a)] = spec.initialBalance;
  // The oracle operator sends transactions, so it pays fees like anyone else.
  v[layout.balance(layout.oracleOperator)] = spec.initialBalance;

  if (spec.tokens) {
    for (let t = 1; t <= spec.tokens.count; t++) {
      for (let a = 0; a < spec.accounts; a++) v[layout.balance(a, t)] = spec.tokens.balance;
      v[layout.oracle(t)] = PRICE_ONE;
    }
  }

  if (spec.pools) {
    const { pairs, reserve, providers } = spec.pools;
    for (let p = 0; p < pairs.length; p++) {
      v[layout.reserve(p, 0)] = reserve;
      v[layout.reserve(p, 1)] = reserve;
      v[layout.poolShares(p)] = reserve;
      if (providers > 0) {
        const each = Math.floor(reserve / providers);
        for (let i = 0; i < providers; i++) v[layout.lpShares(p, i)] = each;
        v[layout.lpShares(p, 0)] = each + (reserve - each * providers);
      }
    }
  }

  if (spec.lending) {
    const { markets, users, supply, debt, atRisk } = spec.lending;
    const riskyDebt = Math.floor((supply * LIQUIDATION_BPS) / 10_000);
    for (let m = 0; m < markets; m++) {
      let borrowedTotal = 0;
      for (let u = 0; u < users; u++) {
        const d = u < atRisk ? riskyDebt : debt;
        v[layout.supplied(m, u)] = supply;
        v[layout.borrowed(m, u)] = d;
        borrowedTotal += d;
      }
      v[layout.marketTotal(m, 0)] = supply * users;
      v[layout.marketTotal(m, 1)] = borrowedTotal;
    }
  }

  if (spec.game) {
    const { players, items } = spec.game;
    for (let p = 0; p < players; p++) v[layout.inventory(p, 0)] = items;
    v[layout.worldSupply(0)] = players * items;
  }

  if (spec.dao) {
    v[layout.proposalCount()] = spec.dao.open;
    for (let d = 0; d < spec.dao.open; d++) v[layout.proposal(d, 0)] = 1;
    v[layout.balance(layout.treasury)] = spec.dao.treasury;
  }
  return v;
}
