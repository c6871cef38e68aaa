import { createHash } from 'node:crypto';
import type { Profile } from './schema.js';

/** sha256 of the resolved profile: two runs (or a run and a trace) with the same hash had the same scenario. */
export function profileHash(profile: Profile): string {
  return createHash('sha256').update(JSON.stringify(profile)).digest('hex');
}
