/**
 * Signed transactions cached on disk: signing is the prepare phase's slow part (~0.7 ms each), and
 * a fresh chain with the same profile gets the very same bytes (same keys, nonces, contract
 * addresses and fees). The file's name is a hash of everything that goes into the signatures, so a
 * changed profile, chain or fee never reuses a stale file. PARABENCH_CACHE names the directory
 * (`off` turns the cache off); the default is $XDG_CACHE_HOME/parabench or ~/.cache/parabench.
 * Files take ~315 bytes a transaction; the KEEP most recently used stay, older ones are removed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Hex } from 'viem';
import type { Tx } from '../../../core/tx.js';

export function cacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const set = env.PARABENCH_CACHE;
  if (set === 'off') return undefined;
  if (set) return set;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'parabench');
}

/** The key of a run's signed transactions: what they are signed with, and every transaction's fields. */
export function signingKey(context: unknown, txs: readonly Tx[], nonceOf: (tx: Tx) => number): string {
  const h = createHash('sha256').update(JSON.stringify(context, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  for (const tx of txs) h.update(`${tx.id},${tx.kind},${tx.sender},${nonceOf(tx)},${tx.args.join(' ')}\n`);
  return h.digest('hex');
}

const fileOf = (dir: string, key: string): string => join(dir, 'evm', `${key.slice(0, 32)}.signed`);
/** Signed files kept: a few profiles against a few chains. */
export const KEEP = 16;

/** The cached signatures, in the order they were stored, or undefined when there are none (or not all). */
export async function loadSigned(dir: string, key: string, count: number): Promise<{ hash: Hex; raw: Hex }[] | undefined> {
  let text: string;
  try {
    text = await readFile(fileOf(dir, key), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  if (lines[0] !== key) return undefined;
  // Used now: the pruning keeps the most recently used files.
  const now = new Date();
  await utimes(fileOf(dir, key), now, now).catch(() => {});
  const out: { hash: Hex; raw: Hex }[] = [];
  for (let i = 1; i < lines.length && out.length < count; i++) {
    const [hash, raw] = (lines[i] ?? '').split(' ');
    if (!hash?.startsWith('0x') || !raw?.startsWith('0x')) return undefined;
    out.push({ hash: hash as Hex, raw: raw as Hex });
  }
  return out.length === count ? out : undefined;
}

/** Best effort: a cache that cannot be written costs the next run its time, nothing else. */
export async function storeSigned(dir: string, key: string, signed: readonly { hash: Hex; raw: Hex }[]): Promise<boolean> {
  try {
    const file = fileOf(dir, key);
    await mkdir(join(dir, 'evm'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${key}\n${signed.map((s) => `${s.hash} ${s.raw}`).join('\n')}\n`);
    await rename(tmp, file);
    await prune(join(dir, 'evm'));
    return true;
  } catch {
    return false;
  }
}

async function prune(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.signed'));
  if (names.length <= KEEP) return;
  const dated = await Promise.all(names.map(async (n) => ({ n, at: (await stat(join(dir, n))).mtimeMs })));
  dated.sort((a, b) => b.at - a.at);
  for (const { n } of dated.slice(KEEP)) await unlink(join(dir, n)).catch(() => {});
}
