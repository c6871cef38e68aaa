export { Ledger } from './ledger.js';
export { StateLayout, PRICE_ONE } from './layout.js';
export { State, type StateView } from './state.js';
export { StateRoot } from './state-root.js';
export { genesisValues } from './genesis.js';
export { kinds, kindIds, REASONS, fail, outcomeCode, outcomeOf, type Chain, type Declared, type Family, type Kind, type Reason } from './kinds/index.js';
export { calibrateWork, setWorkCalibration, iterationsFor } from './work.js';
