import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../core/clock.js';
import { InprocTarget } from '../../executors/index.js';
import { calibrateWork } from '../../ledger/index.js';
import { createSchedule, createWorkload, run } from '../../loadgen/index.js';
import { payments } from '../helpers/plans.js';

// Real time, on purpose: this is the one test of the open loop against the machine's own clock.
test('open-loop rate is within 1% of the rate asked for, over 5 s in-process', async () => {
  calibrateWork();
  const rate = 4000;
  const result = await run({
    workload: createWorkload(payments({ costUs: 10 }), 1),
    schedule: createSchedule({ kind: 'constant-rate', rate }, 5000),
    target: new InprocTarget({ executor: 'sequential', threads: 1, blockSize: 1000, blockTimeMs: 50 }),
    clock: systemClock,
    warmupMs: 0,
    durationMs: 5000,
    timeoutMs: 10_000,
    maxInFlight: 100_000,
  });
  const { measured } = result;
  assert.equal(measured.scheduled, 5 * rate);
  assert.equal(measured.sent, 5 * rate);
  assert.equal(measured.committed, measured.sent);
  // Sends counted by when they actually happened: a sender running behind would fall short here.
  const error = Math.abs(result.achievedRate - rate) / rate;
  assert.ok(error < 0.01, `achieved ${result.achievedRate} tx/s for ${rate} asked (${(error * 100).toFixed(2)}% off)`);
  result.dispose();
});
