/**
 * The EVM target's signed cache: a file per key, read back only when the key and the count match,
 * and pruned to the most recently used files.
 */
import assert from 'node:assert/strict';
import { readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheDir, KEEP, loadSigned, signingKey, storeSigned } from '../../loadgen/targets/evm/signed-cache.js';
import { tempDir } from '../helpers/cli.js';

const signed = (n: number): { hash: `0x${string}`; raw: `0x${string}` }[] => Array.from({ length: n }, (_, i) => ({ hash: `0x${i.toString(16).padStart(64, '0')}`, raw: `0x02f8${i}` }));

test('signatures come back only for their key and count; the cache keeps the most recently used files', async () => {
  const dir = await tempDir();
  const key = (i: number): string => signingKey({ chain: i }, [], () => 0);
  assert.equal(await storeSigned(dir, key(0), signed(3)), true);
  assert.deepEqual(await loadSigned(dir, key(0), 3), signed(3));
  assert.equal(await loadSigned(dir, key(0), 4), undefined, 'fewer than asked for: not used');
  assert.equal(await loadSigned(dir, key(1), 3), undefined, 'another key');
  for (let i = 1; i < KEEP; i++) await storeSigned(dir, key(i), signed(2));
  const files = await readdir(join(dir, 'evm'));
  assert.equal(files.length, KEEP);
  // Key 0 is the oldest; key 1 was written long ago but used just now.
  const hourAgo = new Date(Date.now() - 3_600_000);
  const longAgo = new Date(Date.now() - 7_200_000);
  for (let i = 0; i < KEEP; i++) {
    const f = join(dir, 'evm', `${key(i).slice(0, 32)}.signed`);
    await utimes(f, i === 0 ? longAgo : hourAgo, i === 0 ? longAgo : hourAgo);
  }
  assert.ok(await loadSigned(dir, key(1), 2));
  await storeSigned(dir, key(KEEP), signed(2));
  assert.equal((await readdir(join(dir, 'evm'))).length, KEEP);
  assert.equal(await loadSigned(dir, key(0), 3), undefined, 'the least recently used file went');
  assert.ok(await loadSigned(dir, key(1), 2));
  assert.ok(await loadSigned(dir, key(KEEP), 2));
});

test('where the cache lives: PARABENCH_CACHE, off, XDG_CACHE_HOME, or ~/.cache', () => {
  assert.equal(cacheDir({ PARABENCH_CACHE: '/x' }), '/x');
  assert.equal(cacheDir({ PARABENCH_CACHE: 'off' }), undefined);
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/c' }), '/c/parabench');
  assert.match(cacheDir({}) ?? '', /\/\.cache\/parabench$/);
});
