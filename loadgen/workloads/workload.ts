import type { GenesisSpec } from '../../core/genesis.js';
import type { Tx } from '../../core/tx.js';

/**
 * A seeded generator of transactions. `next` is called with ids 0, 1, 2… in order, once each,
 * whether or not the transaction ends up sent: the same seed gives the same transaction for
 * every id, so traffic is reproducible even when a run drops some of it.
 */
export interface Workload {
  readonly genesis: GenesisSpec;
  /** One line for reports: "payments · 10000 accounts · zipf(s=0.8)". */
  readonly description: string;
  next(id: number): Tx;
}
