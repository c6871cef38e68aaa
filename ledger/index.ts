export { Ledger } from './ledger.js';
export { StateLayout } from './layout.js';
export { State, type StateView } from './state.js';
export { StateRoot } from './state-root.js';
export { kinds, type Kind, type Declared } from './kinds/index.js';
export { calibrateWork, setWorkCalibration, iterationsFor } from './work.js';
