import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadProfile } from '../../core/profile/load.js';
import type { Tx } from '../../core/tx.js';
import { genesisSchema } from '../../core/genesis.js';
import { decodeFrame, decodeText, encodeText, FrameEncoder, MalformedFrame, type BlockRecord, type ReceiptRecord } from '../../core/wire.js';
import { executorNames } from '../../executors/index.js';
import { kindIds, REASONS } from '../../ledger/index.js';
import { createWorkload } from '../../loadgen/index.js';

const repo = new URL('../../../', import.meta.url).pathname;
const tables = { kinds: kindIds, reasons: REASONS };
const kindIndex = new Map(kindIds.map((k, i) => [k, i]));
const reasonIndex = new Map<string, number>(REASONS.map((r, i) => [r, i]));

async function traffic(name: string, n: number): Promise<{ txs: Tx[]; genesis: unknown }> {
  const { profile } = await loadProfile(`${repo}profiles/${name}.yaml`, { knownExecutors: executorNames });
  const w = createWorkload(profile.workload, profile.seed, { blockSize: profile.target.blockSize });
  return { txs: Array.from({ length: n }, (_, i) => w.next(1_000_000 + i)), genesis: w.genesis };
}

const plain = (tx: Tx): object => ({ ...tx, args: [...tx.args], reads: [...tx.reads], writes: [...tx.writes], deltas: [...tx.deltas] });

describe('wire codec', () => {
  for (const name of ['payments', 'defi', 'nft', 'dao', 'mainnet-like']) {
    test(`${name}: transactions survive a binary frame and a JSON message exactly; the genesis passes the hello's schema`, async () => {
      const { txs, genesis } = await traffic(name, 3000);
      const decoded = decodeFrame(new FrameEncoder().txs(txs, kindIndex), tables);
      assert.equal(decoded.type, 'txs');
      assert.deepEqual(decoded.type === 'txs' ? decoded.txs.map(plain) : [], txs.map(plain));
      const viaJson = decodeText(encodeText({ type: 'txs', txs }));
      assert.deepEqual(viaJson.type === 'txs' ? viaJson.txs.map(plain) : [], txs.map(plain));
      assert.equal(genesisSchema.safeParse(genesis).success, true, JSON.stringify(genesisSchema.safeParse(genesis).error?.issues[0]));
    });
  }

  test('receipts, blocks and errors round-trip', () => {
    const e = new FrameEncoder();
    const receipts: ReceiptRecord[] = [
      { id: 9_000_000_007, status: 'committed', block: 4, position: 0 },
      { id: 9_000_000_003, status: 'failed', reason: 'insufficient-funds', block: 4, position: 1 },
    ];
    assert.deepEqual(decodeFrame(e.receipts(receipts, reasonIndex), tables), { type: 'receipts', receipts });
    const block: BlockRecord = {
      number: 4,
      txs: 2,
      stateRoot: '0123456789abcdef',
      stats: { executions: 3, reexecutions: 1, validations: 2, aborts: 1, waits: 0, crossShard: 0, fallbacks: 0, execMs: 1.5, prepareMs: 0.25, commitMs: 0.125 },
    };
    assert.deepEqual(decodeFrame(e.block(block), tables), { type: 'block', block });
    assert.deepEqual(decodeFrame(e.block({ ...block, stateRoot: '' }), tables), { type: 'block', block: { ...block, stateRoot: '' } });
    assert.deepEqual(decodeFrame(e.errors([12, 10, 11], 'injected error'), tables), { type: 'errors', ids: [12, 10, 11], message: 'injected error' });
  });

  test('a malformed binary frame is named precisely, with the transactions it held when its header was readable', async () => {
    const { txs } = await traffic('payments', 10);
    const good = new FrameEncoder().txs(txs, kindIndex);
    const bad = (bytes: Uint8Array, pattern: RegExp, frame?: object): void => {
      assert.throws(
        () => decodeFrame(bytes, tables),
        (e: unknown) => e instanceof MalformedFrame && pattern.test(e.message) && (frame === undefined || JSON.stringify(e.frame) === JSON.stringify(frame)),
      );
    };
    bad(good.subarray(0, 10), /shorter than the 16-byte header/);
    bad(good.subarray(0, good.length - 3), /transaction 9 of 10 runs past the end/, { baseId: 1_000_000, count: 10 });
    bad(Buffer.concat([good, Buffer.alloc(2)]), /2 bytes after the last of 10 transactions/);
    const retyped = Buffer.from(good);
    retyped[0] = 9;
    bad(retyped, /frame type 9/);
    const reversioned = Buffer.from(good);
    reversioned[1] = 2;
    bad(reversioned, /frame version 2; this end speaks 1/);
    const rekinded = Buffer.from(good);
    rekinded.writeUInt16LE(60_000, 16 + 4);
    bad(rekinded, /transaction 0: kind id 60000, but the hello lists \d+ kinds/);
  });

  test('a text frame that is not JSON, or not a message, says what is wrong', () => {
    assert.throws(() => decodeText('{nope'), /not JSON/);
    assert.throws(() => decodeText('{"type":"hello","protocol":"parabench.wire/1"}'), /"hello" message that does not follow the protocol/);
    assert.throws(() => decodeText('{"type":"txs","txs":[{"id":-1}]}'), /"txs" message that does not follow the protocol: txs\.0\.id/);
    assert.throws(() => decodeText('{"type":"gossip"}'), /type "gossip"; the types are hello, welcome, error, txs, receipts, block, errors/);
  });
});
