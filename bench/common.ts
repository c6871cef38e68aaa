import { loadProfile } from '../core/profile/load.js';
import type { Profile } from '../core/profile/schema.js';
import { executorNames } from '../executors/index.js';

/** Runs per figure: every figure printed is the median of this many. */
export const RUNS = 5;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function shippedProfile(name: string): Promise<Profile & { name: string }> {
  const { profile } = await loadProfile(new URL(`../../profiles/${name}.yaml`, import.meta.url).pathname, { knownExecutors: executorNames });
  return profile;
}

/** A table of rows; the first column left-aligned, the rest right-aligned. */
export class Table {
  private readonly rows: string[][];
  constructor(header: string[]) {
    this.rows = [header];
  }
  add(...cells: string[]): void {
    this.rows.push(cells);
  }
  /** A row of rates: median, min, max, µs each. */
  rates(label: string, rates: readonly number[]): void {
    this.add(label, fmt(median(rates)), fmt(Math.min(...rates)), fmt(Math.max(...rates)), (1e6 / median(rates)).toFixed(2));
  }
  print(): void {
    const widths = this.rows[0]?.map((_, c) => Math.max(...this.rows.map((r) => (r[c] ?? '').length))) ?? [];
    for (const r of this.rows) console.log(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('   ')}`);
    console.log('');
  }
}
