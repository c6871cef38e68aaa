export { Ledger } from './ledger.js';
export { StateLayout, PRICE_ONE } from './layout.js';
export { State, type StateView } from './state.js';
export { StateRoot } from './state-root.js';
export { genesisValues } from './genesis.js';
export { kinds, kindIds, type Chain, type Declared, type Family, type Kind } from './kinds/index.js';
export { calibrateWork, setWorkCalibration, iterationsFor } from './work.js';
