/**
 * Synthetic transaction cost as real CPU work. A transaction of cost c µs runs c × (iterations per
 * µs) rounds of xorshift32, calibrated once per process on this machine, so parallel speed-up is
 * measured against work that actually occupies a core.
 *
 * The JIT must not be able to drop the loop, yet state must not depend on how fast the machine
 * is (roots must agree across machines). xorshift32 never reaches 0 from a non-zero start, so
 * callers fold `result === 0` into state: a branch that is never taken but that V8 cannot prove
 * dead, which keeps every iteration alive at no effect on the result.
 */

let itersPerUs: number | undefined;

/** Runs `iterations` rounds of xorshift32 from a non-zero seed; the result is never 0. */
export function burn(iterations: number, seed: number): number {
  let x = seed | 0 || 1;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}

/**
 * Iterations per microsecond on this machine: the median of several timed trials, so that on a
 * shared machine a transaction's cost matches what it typically takes, not its best case.
 */
export function calibrateWork(): number {
  if (itersPerUs !== undefined) return itersPerUs;
  let sink = 1;
  for (let i = 0; i < 5; i++) sink ^= burn(200_000, i + 1); // let the JIT optimise the loop first
  const n = 2_000_000;
  const times: number[] = [];
  for (let trial = 0; trial < 9; trial++) {
    const t0 = performance.now();
    sink ^= burn(n, trial + 7);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)] ?? 1;
  itersPerUs = sink === 0 ? 1 : n / Math.max(medianMs * 1000, 1e-3);
  return itersPerUs;
}

/** Fixes the calibration (benchmarks and tests that must not depend on a timing measurement). */
export function setWorkCalibration(iterationsPerUs: number): void {
  itersPerUs = iterationsPerUs;
}

export function iterationsFor(costUs: number): number {
  return costUs <= 0 ? 0 : Math.round(costUs * calibrateWork());
}
