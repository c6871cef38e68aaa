import type { Kind } from './kind.js';
import { transfer } from './transfer.js';

/** Every transaction kind the state machine knows, by name. A new kind is one file and one line here. */
export const kinds: Readonly<Record<string, Kind>> = {
  [transfer.name]: transfer,
};

export type { Kind, Declared } from './kind.js';
