import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findKnee, searchCapacity, type Step } from '../../capacity/search.js';

/**
 * A target with a known capacity C: below it latency is flat; above it the queue grows, so the
 * measured window's latency climbs with the overload and commits stop at C.
 */
function simulated(capacity: number, windowS = 10): (rate: number) => Promise<Step> {
  return async (rate) => {
    const over = Math.max(0, rate - capacity);
    const p99 = 20 + (over > 0 ? (over * windowS * 1000) / capacity : 0);
    const tps = Math.min(rate, capacity);
    const passed = rate <= capacity;
    return { rate, passed, reasons: passed ? [] : [`committed ${tps} tx/s of ${rate} offered (achieved below offered)`], tps, sent: rate, p50: p99 / 2, p90: p99 * 0.9, p99, generatorBound: false };
  };
}

describe('the capacity search', () => {
  for (const capacity of [750, 12_345, 48_000, 230_000]) {
    test(`finds a known capacity of ${capacity} tx/s within the step resolution, never past the first failing rate`, async () => {
      const r = await searchCapacity(simulated(capacity), { start: 1000, resolution: 0.05, maxRate: 1_000_000, minRate: 10 });
      assert.ok(r.sustained && r.firstFailing, r.ending);
      assert.ok(r.sustained.rate <= capacity && r.firstFailing.rate > capacity, `${r.sustained.rate} ≤ ${capacity} < ${r.firstFailing.rate}`);
      assert.ok((r.firstFailing.rate - r.sustained.rate) / r.firstFailing.rate <= 0.05, r.ending);
      const firstFail = r.steps.find((s) => !s.passed)!;
      for (const s of r.steps) assert.ok(s.rate <= firstFail.rate, `step at ${s.rate} beyond the first failing ${firstFail.rate}`);
      assert.ok(r.steps.length <= 20, `${r.steps.length} steps`);
      const knee = findKnee(r.steps);
      assert.ok(knee && knee.rate <= capacity, `knee ${knee?.rate}`);
    });
  }

  test('a target that fails the lowest rate has no sustainable rate; one that passes the maximum says so', async () => {
    const none = await searchCapacity(simulated(5), { start: 1000, resolution: 0.05, maxRate: 1_000_000, minRate: 10 });
    assert.equal(none.sustained, null);
    assert.match(none.ending, /the lowest rate tried, failed/);
    const all = await searchCapacity(simulated(1e9), { start: 1000, resolution: 0.05, maxRate: 50_000, minRate: 10 });
    assert.equal(all.firstFailing, null);
    assert.equal(all.sustained?.rate, 50_000);
  });

  test('with confirmFailures, a transient failure is run again and the search is not fooled by it', async () => {
    const capacity = 20_000;
    const honest = simulated(capacity);
    let calls = 0;
    // The first run at 8,000 tx/s stalls; every later one is honest.
    const flaky = async (rate: number): Promise<Step> => {
      calls++;
      const step = await honest(rate);
      return rate === 8000 && calls <= 4 ? { ...step, passed: false, reasons: ['a stall'] } : step;
    };
    const fooled = await searchCapacity(flaky, { start: 1000, resolution: 0.05, maxRate: 1_000_000, minRate: 10 });
    assert.ok(fooled.sustained && fooled.sustained.rate < 8000, 'without confirmation the stall ends the search low');
    calls = 0;
    const r = await searchCapacity(flaky, { start: 1000, resolution: 0.05, maxRate: 1_000_000, minRate: 10, confirmFailures: true });
    assert.ok(r.sustained && r.sustained.rate <= capacity && r.firstFailing && r.firstFailing.rate > capacity, r.ending);
    assert.deepEqual(r.steps.find((s) => s.rate === 8000)?.retried, ['a stall']);
    assert.match(r.firstFailing?.reasons.at(-1) ?? '', /^failed twice \(the first run: /);
  });

  test('no knee when latency never climbs faster than throughput', () => {
    const flat: Step[] = [1000, 2000, 4000].map((rate) => ({ rate, passed: true, reasons: [], tps: rate, sent: rate, p50: 10, p90: 15, p99: 20, generatorBound: false }));
    assert.equal(findKnee(flat), null);
  });
});
