import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../core/rng.js';
import { uniform, zipf } from '../../loadgen/samplers.js';

function frequencies(sample: (r: Rng) => number, n: number, draws: number): number[] {
  const rng = new Rng(123);
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < draws; i++) {
    const k = sample(rng);
    assert.ok(Number.isInteger(k) && k >= 0 && k < n, `sample ${k} out of range`);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts.map((c) => c / draws);
}

describe('samplers', () => {
  for (const s of [0.5, 0.8, 1, 1.2, 2]) {
    test(`zipf(100, ${s}) draws rank k with probability ∝ 1/k^s`, () => {
      const n = 100;
      const draws = 200_000;
      const freq = frequencies(zipf(n, s).sample, n, draws);
      let h = 0;
      for (let k = 1; k <= n; k++) h += k ** -s;
      for (const k of [1, 2, 3, 10, 50]) {
        const expected = k ** -s / h;
        // Seeded, so not flaky; the bound is 5 standard errors of a binomial proportion.
        const tolerance = 5 * Math.sqrt((expected * (1 - expected)) / draws);
        assert.ok(Math.abs((freq[k - 1] ?? 0) - expected) < tolerance, `rank ${k}: ${freq[k - 1]} vs ${expected}`);
      }
    });
  }

  test('zipf works at ten million accounts in constant memory', () => {
    const sampler = zipf(10_000_000, 1.1);
    const rng = new Rng(1);
    let max = 0;
    for (let i = 0; i < 10_000; i++) max = Math.max(max, sampler.sample(rng));
    assert.ok(max < 10_000_000);
    assert.ok(max > 1000, 'the tail is reached');
  });

  test('uniform is flat', () => {
    const freq = frequencies(uniform(10).sample, 10, 100_000);
    for (const f of freq) assert.ok(Math.abs(f - 0.1) < 0.005);
  });
});
