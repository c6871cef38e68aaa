import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../../core/rng.js';
import { accountSampler, hotspot, uniform, Weighted, zipf, zipfRejectionInversion, type Sampler } from '../../loadgen/samplers.js';

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
  const algorithms: [string, (n: number, s: number) => Sampler][] = [
    ['alias table', zipf],
    ['rejection-inversion', zipfRejectionInversion],
  ];
  for (const [algorithm, make] of algorithms) for (const s of [0.5, 0.8, 1, 1.2, 2]) {
    test(`zipf(100, ${s}) by ${algorithm} draws rank k with probability ∝ 1/k^s`, () => {
      const n = 100;
      const draws = 200_000;
      const freq = frequencies(make(n, s).sample, n, draws);
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

  test('hotspot draws the hot set with the given probability', () => {
    const freq = frequencies(hotspot(100, 5, 0.5).sample, 100, 100_000);
    const hot = freq.slice(0, 5).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(hot - 0.5) < 0.01, `hot share ${hot}`);
  });

  test('groups: every payment goes from a member to its group pivot', () => {
    const s = accountSampler({ kind: 'groups', groups: 10 }, 1000);
    const rng = new Rng(4);
    const pivots = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const [from, to] = s.pair(rng);
      assert.equal(to % 100, 0, 'the recipient is a pivot');
      assert.equal(Math.floor(from / 100), to / 100, 'the sender is in the pivot\'s group');
      assert.notEqual(from, to);
      pivots.add(to);
    }
    assert.equal(pivots.size, 10);
  });

  test('weighted picks follow their weights, and never pick a zero weight', () => {
    const w = new Weighted([1, 0, 3]);
    const rng = new Rng(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[w.pick(rng)]! += 1;
    assert.equal(counts[1], 0);
    assert.ok(Math.abs((counts[2] ?? 0) / 40_000 - 0.75) < 0.01);
  });

  test('uniform is flat', () => {
    const freq = frequencies(uniform(10).sample, 10, 100_000);
    for (const f of freq) assert.ok(Math.abs(f - 0.1) < 0.005);
  });
});
