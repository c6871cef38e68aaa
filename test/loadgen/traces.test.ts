import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, describe, test } from 'node:test';
import { ParabenchError } from '../../core/errors.js';
import { loadProfile } from '../../core/profile/load.js';
import type { Receipt, Tx } from '../../core/tx.js';
import { InprocTarget } from '../../executors/index.js';
import { setWorkCalibration } from '../../ledger/index.js';
import { createSchedule, createWorkload, openTraceSource, recordTrace, run, traceHeader, TraceReader, type Schedule, type TraceHeader, type Workload } from '../../loadgen/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { tempDir } from '../helpers/cli.js';

setWorkCalibration(100);
const repo = new URL('../../../', import.meta.url).pathname;
let dir = '';
let profile: Awaited<ReturnType<typeof loadProfile>>['profile'];

function traffic(): { workload: Workload; schedule: Schedule } {
  return {
    workload: createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize }),
    // Poisson: fractional, irregular intended times.
    schedule: createSchedule({ kind: 'poisson', rate: 2000 }, 3000, 3),
  };
}

function header(count: number, over: Partial<TraceHeader> = {}): TraceHeader {
  const workload = createWorkload(profile.workload, profile.seed);
  return { ...traceHeader({ profile, config: {}, workload, count, parabench: 'test', createdAt: new Date(0) }), ...over };
}

async function readAll(path: string): Promise<{ intendedUs: number; tx: Tx }[]> {
  const reader = await TraceReader.open(path);
  const out: { intendedUs: number; tx: Tx }[] = [];
  for await (const batch of reader.batches(1000)) out.push(...batch);
  return out;
}

async function failureOf(path: string): Promise<string> {
  try {
    await readAll(path);
  } catch (e) {
    assert.ok(e instanceof ParabenchError, String(e));
    assert.equal(e.exitCode, 2);
    return e.message;
  }
  return assert.fail('the trace was read without complaint');
}

before(async () => {
  dir = await tempDir();
  ({ profile } = await loadProfile(`${repo}profiles/mainnet-like.yaml`));
});

describe('traces', () => {
  for (const name of ['t.pbt', 't.pbt.gz']) {
    test(`${name}: what is written is read back exactly, intended times to the microsecond`, async () => {
      const { workload, schedule } = traffic();
      const path = join(dir, name);
      const count = await recordTrace(path, name, header(schedule.total), workload, schedule);
      assert.equal(count, schedule.total);
      const expected = traffic();
      const back = await readAll(path);
      assert.equal(back.length, schedule.total);
      back.forEach((d, i) => {
        assert.equal(d.intendedUs, Math.round(expected.schedule.intendedMs(i) * 1000), `intended time of ${i}`);
        assert.deepEqual(d.tx, expected.workload.next(i));
      });
    });
  }

  test('a replay gives the same receipts and the same final state as the live run it was recorded from', async () => {
    const { schedule: s0 } = traffic();
    const path = join(dir, 'replay.pbt');
    const recorded = traffic();
    await recordTrace(path, 'replay.pbt', header(s0.total), recorded.workload, recorded.schedule);

    const once = async (workload: Workload, schedule: Schedule): Promise<{ receipts: string[]; root?: string }> => {
      const clock = new FakeClock();
      const target = new InprocTarget({ executor: 'sequential', threads: 1, blockSize: 200, blockTimeMs: 20 });
      const receipts: string[] = [];
      const open = target.open.bind(target);
      target.open = (init) => open({ ...init, onReceipts: (rs: readonly Receipt[]) => (rs.forEach((r) => receipts.push(`${r.id}:${r.status}:${r.reason ?? ''}`)), init.onReceipts(rs)) });
      const result = await clock.runUntil(run({ workload, schedule, target, clock, warmupMs: 1000, durationMs: 2000, timeoutMs: 5000, maxInFlight: 100_000 }));
      result.dispose();
      receipts.sort((a, b) => Number(a.split(':')[0]) - Number(b.split(':')[0]));
      return { receipts, ...(result.executor?.stateRoot ? { root: result.executor.stateRoot } : {}) };
    };
    const live = traffic();
    const a = await once(live.workload, live.schedule);
    const source = await openTraceSource(path, 'replay.pbt', 1);
    await source.ready;
    const b = await once(source.workload, source.schedule);
    assert.equal(a.receipts.length, s0.total);
    assert.ok(a.receipts.some((r) => r.includes('failed')), 'a mix with failures makes the comparison meaningful');
    assert.deepEqual(b.receipts, a.receipts);
    assert.equal(b.root, a.root);
  });

  describe('bad traces: exit 2, with the byte where it broke', () => {
    let good: Buffer;
    before(async () => {
      const { workload, schedule } = traffic();
      await recordTrace(join(dir, 'good.pbt'), 'good.pbt', header(schedule.total), workload, schedule);
      good = await readFile(join(dir, 'good.pbt'));
    });

    test('cut short', async () => {
      const path = join(dir, 'short.pbt');
      await writeFile(path, good.subarray(0, Math.floor(good.length * 0.6)));
      const message = await failureOf(path);
      assert.ok(message.startsWith(`${path}: truncated after `), message);
      assert.match(message, /truncated after \d+ of \d+ transactions \(no trailer: the recording did not finish\) at byte \d+$/);
    });

    test('a damaged record', async () => {
      const path = join(dir, 'damaged.pbt');
      const bad = Buffer.from(good);
      const at = Math.floor(bad.length / 2);
      bad[at] = 0xee; // not a varint continuation that fits, nor a valid tag
      bad[at + 1] = 0xee;
      await writeFile(path, bad);
      assert.match(await failureOf(path), /: (corrupt record \(.+\) of transaction \d+|checksum mismatch \(the records were altered\)|the trailer counts \d+ transactions, the file has \d+ and its header \d+) at byte \d+$/);
    });

    test('a flipped bit the structure does not notice is caught by the checksum', async () => {
      const path = join(dir, 'flipped.pbt');
      const bad = Buffer.from(good);
      // The last record's last byte is a key of its delta list or similar: any value parses.
      bad[bad.length - 14] = (bad[bad.length - 14]! ^ 0x01) & 0x7f;
      await writeFile(path, bad);
      assert.match(await failureOf(path), /checksum mismatch \(the records were altered\) at byte \d+$/);
    });

    test('another format version', async () => {
      const path = join(dir, 'v9.pbt');
      const { workload, schedule } = traffic();
      await recordTrace(path, 'v9.pbt', header(schedule.total, { schema: 'parabench.trace/v9' }), workload, schedule);
      assert.equal(await failureOf(path), `${path} is "parabench.trace/v9"; this parabench reads parabench.trace/v1`);
    });

    test('not a trace at all, and a gzip that is cut short', async () => {
      const notTrace = join(dir, 'not.pbt');
      await writeFile(notTrace, 'name: a profile, not a trace\n');
      assert.equal(await failureOf(notTrace), `${notTrace}: not a parabench trace (it does not start with "PBTRACE")`);
      const gz = join(dir, 'cut.pbt.gz');
      const zipped = gzipSync(good);
      await writeFile(gz, zipped.subarray(0, Math.floor(zipped.length / 2)));
      assert.match(await failureOf(gz), /cut\.pbt\.gz: cannot be read: unexpected end of file|truncated/);
    });

    test('a missing file', async () => {
      assert.equal(await failureOf(join(dir, 'nope.pbt')), `trace not found: ${join(dir, 'nope.pbt')}`);
    });
  });
});
