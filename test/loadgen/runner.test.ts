import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Target } from '../../core/target.js';
import { InprocTarget } from '../../executors/index.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { run, type Buckets, type RunResult } from '../../loadgen/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { plan } from '../helpers/plans.js';
import { ScriptedTarget, type Behaviour } from '../helpers/targets.js';

setWorkCalibration(100);

interface Setup {
  rate: number;
  durationMs: number;
  warmupMs?: number;
  timeoutMs?: number;
  maxInFlight?: number;
  target: Target;
  signal?: AbortSignal;
  clock?: FakeClock;
}

async function runVirtual(s: Setup): Promise<RunResult> {
  const clock = s.clock ?? new FakeClock();
  const { workload, schedule } = plan(s.rate, s.durationMs, s.warmupMs ?? 0);
  return clock.runUntil(
    run({
      workload,
      schedule,
      target: s.target,
      clock,
      warmupMs: s.warmupMs ?? 0,
      durationMs: s.durationMs,
      timeoutMs: s.timeoutMs ?? 1000,
      maxInFlight: s.maxInFlight ?? 100_000,
      ...(s.signal ? { signal: s.signal } : {}),
    }),
  );
}

function assertAccounted(b: Buckets): void {
  assert.equal(b.sent, b.committed + b.failed + b.errored + b.timedOut, `sent ≠ sum of buckets: ${JSON.stringify(b)}`);
  assert.equal(b.scheduled, b.sent + b.dropped, `scheduled ≠ sent + dropped: ${JSON.stringify(b)}`);
}

const inproc = (): InprocTarget => new InprocTarget({ executor: 'sequential', threads: 1, blockSize: 100, blockTimeMs: 20 });

describe('the runner', () => {
  test('sends exactly what the schedule says, on time, against the in-process executor', async () => {
    const result = await runVirtual({ rate: 1000, durationMs: 3000, warmupMs: 1000, target: inproc() });
    assert.equal(result.warmup.scheduled, 1000);
    assert.equal(result.measured.scheduled, 3000);
    assert.equal(result.measured.committed, 3000);
    assertAccounted(result.measured);
    assertAccounted(result.warmup);
    assert.equal(result.achievedRate, 1000);
    // With virtual time the sender is never late: lag is zero, and latency is block wait + nothing.
    assert.ok((result.sendLag.max ?? Infinity) <= 0.002, `send lag max ${result.sendLag.max}`);
    assert.ok((result.latency.max ?? Infinity) <= 21, `latency max ${result.latency.max}`);
    assert.deepEqual(result.verification && { ...result.verification }, {
      checked: true,
      blocks: result.executor?.blocks,
      txs: 4000,
      blocksSkipped: 0,
      stateRootMatches: true,
      rootsCompared: result.executor?.blocks,
      receiptsMatch: true,
    });
    assert.equal(result.windows.filter((w) => w.phase === 'measured').length, 3);
    result.dispose();
  });

  test('every transaction ends in exactly one bucket, whatever the target does', async () => {
    const behaviours: Behaviour[] = [
      { do: 'commit' },
      { do: 'fail', afterMs: 5 },
      { do: 'error', message: 'boom' },
      { do: 'ignore' },
      { do: 'answer-twice' },
    ];
    const target = new ScriptedTarget((tx) => behaviours[tx.id % behaviours.length] ?? { do: 'commit' });
    const result = await runVirtual({ rate: 500, durationMs: 2000, timeoutMs: 300, target });
    const m = result.measured;
    assertAccounted(m);
    assert.deepEqual(m, { scheduled: 1000, sent: 1000, dropped: 0, committed: 400, failed: 200, errored: 200, timedOut: 200 });
    assert.equal(result.unmatchedReceipts, 200, 'the second answer to a transaction is counted apart');
    assert.deepEqual(result.errors, [{ message: 'boom', count: 200 }]);
    result.dispose();
  });

  test('a stalled target cannot hide: latency runs from the intended send time', async () => {
    // Answers at once, except that everything sent between 1 s and 2 s is held until 2 s.
    const target = new ScriptedTarget((_tx, now) => (now >= 1000 && now < 2000 ? { do: 'commit', afterMs: 2000 - now } : { do: 'commit' }));
    const result = await runVirtual({ rate: 1000, durationMs: 3000, timeoutMs: 5000, target });
    assertAccounted(result.measured);
    assert.equal(result.measured.committed, 3000);
    // A third of the transactions waited up to a second: p90 is far into the stall, p99 near its end.
    const p50 = result.latency.percentile(50) ?? 0;
    const p90 = result.latency.percentile(90) ?? 0;
    const p99 = result.latency.percentile(99) ?? 0;
    assert.ok(p50 < 1, `p50 ${p50}`);
    assert.ok(p90 > 600 && p90 < 800, `p90 ${p90}`);
    assert.ok(p99 > 950, `p99 ${p99}`);
    // And the schedule never slowed down: the sender was not paced by the stall.
    assert.equal(result.achievedRate, 1000);
    result.dispose();
  });

  test('what cannot be sent within the in-flight limit is dropped, not delayed', async () => {
    const target = new ScriptedTarget(() => ({ do: 'ignore' }));
    const result = await runVirtual({ rate: 1000, durationMs: 2000, timeoutMs: 500, maxInFlight: 100, target });
    const m = result.measured;
    assertAccounted(m);
    assert.ok(m.dropped > 1000, `dropped ${m.dropped}`);
    assert.equal(m.sent, target.submitted);
    assert.equal(m.timedOut, m.sent);
    // Timed-out transactions count at the timeout, so the distribution is not empty or flattering.
    // (HDR keeps 3 significant digits: 500 ms reads back within 0.1%.)
    assert.ok(Math.abs((result.latency.percentile(50) ?? 0) - 500) <= 0.5, `p50 ${result.latency.percentile(50)}`);
    result.dispose();
  });

  test('a target that throws on submit: its transactions end as errored', async () => {
    const target = new ScriptedTarget(
      () => ({ do: 'commit' }),
      (now) => now >= 500 && now < 1000,
    );
    const result = await runVirtual({ rate: 1000, durationMs: 2000, target });
    assertAccounted(result.measured);
    assert.equal(result.measured.errored, 500);
    assert.equal(result.measured.committed, 1500);
    assert.deepEqual(result.errors, [{ message: 'target refused the batch', count: 500 }]);
    result.dispose();
  });

  test('an interrupted run stops sending, drains, and still accounts for everything', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    clock.setTimeout(() => controller.abort(), 1500);
    const result = await runVirtual({ rate: 1000, durationMs: 5000, target: inproc(), clock, signal: controller.signal });
    assert.equal(result.aborted, 'interrupted');
    assertAccounted(result.measured);
    assert.ok(result.measured.scheduled >= 1500 && result.measured.scheduled <= 1502, `scheduled ${result.measured.scheduled}`);
    assert.equal(result.measured.committed, result.measured.sent);
    // Throughput is over the time actually measured, not the five seconds planned.
    assert.ok(Math.abs(result.tps - 1000) < 30, `tps ${result.tps}`);
    result.dispose();
  });
});

test('a receipt later than the timeout counts as timed out, not committed', async () => {
  // Half the transactions are answered after 400 ms, past the 300 ms timeout.
  const target = new ScriptedTarget((tx) => (tx.id % 2 === 0 ? { do: 'commit' } : { do: 'commit', afterMs: 400 }));
  const result = await runVirtual({ rate: 100, durationMs: 2000, timeoutMs: 300, target });
  assertAccounted(result.measured);
  assert.equal(result.measured.committed, 100);
  assert.equal(result.measured.timedOut, 100);
  result.dispose();
});
