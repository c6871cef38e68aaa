import type { Rng } from '../core/rng.js';
import type { SamplerConfig } from '../core/profile/schema.js';

/** Draws an index in [0, n). */
export interface Sampler {
  sample(rng: Rng): number;
}

export function uniform(n: number): Sampler {
  return { sample: (rng) => rng.int(n) };
}

/** Up to this many indices a Zipf sampler uses an alias table (12 bytes an index); above, rejection-inversion. */
export const ZIPF_TABLE_MAX = 1 << 18;

/**
 * Zipf(n, s): index k-1 drawn with probability ∝ 1/k^s, so index 0 is the hottest; s = 0 is
 * uniform. Up to 262,144 indices an alias table (one draw and two lookups a sample, ~3 MB at
 * most); above, rejection-inversion, O(1) memory whatever n, where a table over 10 million
 * accounts would cost 120 MB and seconds to build.
 */
export function zipf(n: number, s: number): Sampler {
  if (s === 0 || n === 1) return uniform(n);
  if (n <= ZIPF_TABLE_MAX) {
    const weights = new Float64Array(n);
    for (let k = 0; k < n; k++) weights[k] = Math.pow(k + 1, -s);
    return alias(weights);
  }
  return zipfRejectionInversion(n, s);
}

/**
 * Vose's alias method: after O(n) set-up, a draw is one random number and two lookups. Each
 * column i holds probability prob[i] of itself and the rest of its alias[i].
 */
export function alias(weights: Float64Array): Sampler {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i] ?? 0;
  const prob = new Float64Array(n);
  const other = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = ((weights[i] ?? 0) * n) / total;
    ((scaled[i] ?? 0) < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const l = small.pop() ?? 0;
    const g = large.pop() ?? 0;
    prob[l] = scaled[l] ?? 0;
    other[l] = g;
    scaled[g] = (scaled[g] ?? 0) + (scaled[l] ?? 0) - 1;
    ((scaled[g] ?? 0) < 1 ? small : large).push(g);
  }
  // What is left is 1 up to rounding.
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return {
    sample(rng) {
      const u = rng.float() * n;
      const i = Math.floor(u);
      return u - i < (prob[i] ?? 1) ? i : (other[i] ?? i);
    },
  };
}

/** Zipf by rejection-inversion (Hörmann & Derflinger, 1996): O(1) memory and time whatever n. */
export function zipfRejectionInversion(n: number, s: number): Sampler {
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

/** Who acts: one account, or a payment's (sender, recipient) pair, never the same account twice. */
export interface AccountSampler {
  one(rng: Rng): number;
  pair(rng: Rng): readonly [number, number];
  readonly description: string;
}

export function accountSampler(config: SamplerConfig, accounts: number): AccountSampler {
  if (config.kind === 'groups') {
    // Each group's first account is its pivot: every payment in the group goes to it, so a group is a chain.
    const size = Math.floor(accounts / config.groups);
    return {
      one: (rng) => rng.int(config.groups) * size + rng.int(size),
      pair(rng) {
        const pivot = rng.int(config.groups) * size;
        return [pivot + 1 + rng.int(size - 1), pivot];
      },
      description: `groups(${config.groups})`,
    };
  }
  const draw: Sampler =
    config.kind === 'zipf'
      ? zipf(accounts, config.s)
      : config.kind === 'hotspot'
        ? hotspot(accounts, config.hot, config.probability)
        : uniform(accounts);
  const description =
    config.kind === 'zipf' ? `zipf(s=${config.s})` : config.kind === 'hotspot' ? `hotspot(${config.hot} hot, p=${config.probability})` : 'uniform';
  return {
    one: (rng) => draw.sample(rng),
    pair(rng) {
      const a = draw.sample(rng);
      let b = draw.sample(rng);
      while (b === a) b = draw.sample(rng);
      return [a, b];
    },
    description,
  };
}

/** With probability p one of the `hot` first indices, otherwise one of the rest (Aptos's hotspot, with an explicit hot set). */
export function hotspot(n: number, hot: number, p: number): Sampler {
  if (hot >= n) return uniform(n);
  return { sample: (rng) => (rng.float() < p ? rng.int(hot) : hot + rng.int(n - hot)) };
}

/** Picks an index by weights (a handful of them: a linear scan beats anything cleverer). */
export class Weighted {
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(weights: readonly number[]) {
    let sum = 0;
    this.cumulative = weights.map((w) => (sum += Math.max(0, w)));
    this.total = sum;
  }

  pick(rng: Rng): number {
    const x = rng.float() * this.total;
    for (let i = 0; i < this.cumulative.length; i++) if (x < (this.cumulative[i] ?? 0)) return i;
    return this.cumulative.length - 1;
  }
}
