import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ScheduleConfig } from '../../core/profile/schema.js';
import { createSchedule, run, type Schedule } from '../../loadgen/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { plan } from '../helpers/plans.js';
import { ScriptedTarget } from '../helpers/targets.js';

/** Transactions due in each second of the run. */
function perSecond(s: Schedule, totalMs: number): number[] {
  const counts = new Array<number>(Math.ceil(totalMs / 1000)).fill(0);
  let last = -Infinity;
  for (let i = 0; i < s.total; i++) {
    const t = s.intendedMs(i);
    assert.ok(t >= last, `intended times decrease at ${i}: ${last} then ${t}`);
    assert.ok(t >= 0 && t <= totalMs, `tx ${i} at ${t} ms, outside the run`);
    last = t;
    const sec = Math.min(counts.length - 1, Math.floor(t / 1000));
    counts[sec] = (counts[sec] ?? 0) + 1;
  }
  return counts;
}

describe('schedules', () => {
  test('constant rate: transaction i at i/rate', () => {
    const s = createSchedule({ kind: 'constant-rate', rate: 250 }, 4000);
    assert.equal(s.total, 1000);
    assert.equal(s.intendedMs(0), 0);
    assert.equal(s.intendedMs(1), 4);
    assert.equal(s.intendedMs(999), 3996);
    assert.deepEqual(perSecond(s, 4000), [250, 250, 250, 250]);
  });

  test('ramping rate follows the stages, k6-style, and holds the last target', () => {
    const config: ScheduleConfig = { kind: 'ramping-rate', startRate: 0, stages: [{ target: 1000, duration: 4000 }, { target: 1000, duration: 2000 }] };
    const s = createSchedule(config, 8000);
    // ∫ 0→1000 over 4 s = 2000, then 1000/s for 4 s.
    assert.equal(s.total, 6000);
    const counts = perSecond(s, 8000);
    [125, 375, 625, 875, 1000, 1000, 1000, 1000].forEach((expected, sec) =>
      assert.ok(Math.abs((counts[sec] ?? 0) - expected) <= 1, `second ${sec}: ${counts[sec]} for ${expected}`),
    );
  });

  test('steps replay a Diablo trace: { second: rate }', () => {
    const s = createSchedule({ kind: 'steps', steps: { '1': 100, '3': 300, '4': 0 } }, 6000);
    assert.deepEqual(perSecond(s, 6000), [0, 100, 100, 300, 0, 0]);
  });

  test('a spike ramps up, holds and ramps down', () => {
    const s = createSchedule({ kind: 'spike', base: 100, peak: 1100, at: 2000, rampUp: 1000, hold: 2000, rampDown: 1000 }, 8000);
    assert.deepEqual(perSecond(s, 8000), [100, 100, 600, 1100, 1100, 600, 100, 100]);
    assert.equal(s.rateAt(3500), 1100);
  });

  test('poisson: the rate asked for on average, memoryless gaps, and the same arrivals for the same seed', () => {
    const s = createSchedule({ kind: 'poisson', rate: 2000 }, 10_000, 7);
    assert.equal(s.total, 20_000);
    const gaps: number[] = [];
    let prev = 0;
    for (let i = 0; i < s.total; i++) {
      const t = s.intendedMs(i);
      assert.ok(t >= prev);
      gaps.push(t - prev);
      prev = t;
    }
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean gap ${mean} ms`);
    // An exponential distribution's standard deviation equals its mean: arrivals are bursty, not even.
    assert.ok(Math.abs(sd / mean - 1) < 0.05, `coefficient of variation ${sd / mean}`);
    const again = createSchedule({ kind: 'poisson', rate: 2000 }, 10_000, 7);
    const other = createSchedule({ kind: 'poisson', rate: 2000 }, 10_000, 8);
    assert.equal(again.intendedMs(0), createSchedule({ kind: 'poisson', rate: 2000 }, 10_000, 7).intendedMs(0));
    assert.notEqual(other.intendedMs(0), again.intendedMs(0));
  });

  test('the run reports offered and sent per second, and the offered load is what the schedule asked', async () => {
    const clock = new FakeClock();
    const { workload } = plan(1, 4000);
    const schedule = createSchedule({ kind: 'steps', steps: { '0': 100, '2': 400 } }, 4000);
    const result = await clock.runUntil(
      run({ workload, schedule, target: new ScriptedTarget(() => ({ do: 'commit' })), clock, warmupMs: 0, durationMs: 4000, timeoutMs: 1000, maxInFlight: 10_000 }),
    );
    const measured = result.windows.filter((w) => w.phase === 'measured');
    assert.deepEqual(measured.map((w) => w.offered), [100, 100, 400, 400]);
    assert.deepEqual(measured.map((w) => w.sent), [100, 100, 400, 400]);
    assert.equal(result.requestedRate, 250);
    result.dispose();
  });
});
