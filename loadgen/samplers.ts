import type { Rng } from '../core/rng.js';

/** Draws an index in [0, n). */
export interface Sampler {
  sample(rng: Rng): number;
}

export function uniform(n: number): Sampler {
  return { sample: (rng) => rng.int(n) };
}

/**
 * Zipf(n, s): index k-1 drawn with probability ∝ 1/k^s, so index 0 is the hottest. Rejection-
 * inversion (Hörmann & Derflinger, 1996): O(1) memory and time whatever n, where an alias table
 * over 10 million accounts would cost 120 MB and seconds to build.
 */
export function zipf(n: number, s: number): Sampler {
  const helper1 = (x: number): number =>
    Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
  const helper2 = (x: number): number =>
    Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
  /** ∫ h from 1 to x, up to a constant: the inverse is what the sampler draws through. */
  const hIntegral = (x: number): number => {
    const logX = Math.log(x);
    return helper2((1 - s) * logX) * logX;
  };
  const h = (x: number): number => Math.exp(-s * Math.log(x));
  const hIntegralInverse = (x: number): number => {
    let t = x * (1 - s);
    if (t < -1) t = -1; // rounding can push it past the domain by an ulp
    return Math.exp(helper1(t) * x);
  };

  const hIntegralX1 = hIntegral(1.5) - 1;
  const hIntegralN = hIntegral(n + 0.5);
  const squeeze = 2 - hIntegralInverse(hIntegral(2.5) - h(2));

  return {
    sample(rng) {
      for (;;) {
        const u = hIntegralN + rng.float() * (hIntegralX1 - hIntegralN);
        const x = hIntegralInverse(u);
        let k = Math.floor(x + 0.5);
        if (k < 1) k = 1;
        else if (k > n) k = n;
        if (k - x <= squeeze || u >= hIntegral(k + 0.5) - h(k)) return k - 1;
      }
    },
  };
}
