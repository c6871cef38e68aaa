/**
 * The trace format, parabench.trace/v1 (documented in docs/TRACES.md):
 *
 *   "PBTRACE\n"                  8-byte magic
 *   header length                u32 little-endian
 *   header                       JSON: schema, seed, profile name and hash, the resolved profile,
 *                                genesis, kind names (their index is the kind id in records), count
 *   records                      one a transaction, in id order (see encodeTx)
 *   trailer                      0xFF, count u64 LE (as two u32), CRC-32 of all record bytes u32 LE
 *
 * The whole file may be gzip-compressed (a name ending in .gz). Integers are LEB128 varints;
 * signed ones zigzag-encoded. Records are small and self-delimiting, so a reader streams them
 * with constant memory, and a truncated or corrupted file is caught at the byte where it breaks.
 */
import type { GenesisSpec } from '../../core/genesis.js';
import type { Tx } from '../../core/tx.js';

export const TRACE_MAGIC = Buffer.from('PBTRACE\n', 'latin1');
export const TRACE_SCHEMA = 'parabench.trace/v1';
export const READABLE_SCHEMAS: readonly string[] = [TRACE_SCHEMA];

export interface TraceHeader {
  readonly schema: string;
  readonly parabench: string;
  readonly createdAt: string;
  readonly seed: number;
  readonly profile: { readonly name: string; readonly hash: string };
  /** The workload's one-line description, for reports of a replay. */
  readonly workload?: string;
  /** The resolved profile that produced the trace (durations in ms): a replay runs with it. */
  readonly config: unknown;
  readonly genesis: GenesisSpec;
  /** Kind names; a record's kind id indexes this list. */
  readonly kinds: readonly string[];
  /** Transactions in the trace. */
  readonly count: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly blockSize: number;
}

/** Record tags. A transaction's tag also carries two flags. */
export const TAG_TX = 0x01;
export const FLAG_INEXACT = 0x02;
export const FLAG_WRITES_ARE_READS = 0x04;
export const TAG_TRAILER = 0xff;
export const TRAILER_BYTES = 13;

/** Most entries in one of a record's lists: beyond it the record is corrupt, not a big transaction. */
export const MAX_LIST = 4096;

/** Thrown when a record runs past the bytes available: the reader waits for more, or the file is truncated. */
export class NeedMore extends Error {}

/** Thrown for bytes that cannot be a record; `at` is the offset from the start of the records. */
export class Corrupt extends Error {}

export class Encoder {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1 << 20) {
    this.buf = new Uint8Array(capacity);
  }

  /** Room for at least `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  uint(n: number): void {
    const buf = this.buf;
    let pos = this.pos;
    while (n > 0x7f) {
      buf[pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  int(n: number): void {
    this.uint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  list(keys: readonly number[]): void {
    this.uint(keys.length);
    for (const k of keys) this.uint(k);
  }
}

/**
 * One transaction: tag, intended time as µs after the previous record's, kind id, sender, nonce,
 * cost in ns, arguments (zigzag), reads, writes (left out when they equal the reads), deltas.
 */
export function encodeTx(e: Encoder, deltaUs: number, kindId: number, tx: Tx): void {
  const same = sameKeys(tx.reads, tx.writes);
  e.ensure(16 * (6 + tx.args.length + tx.reads.length + tx.writes.length + tx.deltas.length));
  e.buf[e.pos++] = TAG_TX | (tx.exact ? 0 : FLAG_INEXACT) | (same ? FLAG_WRITES_ARE_READS : 0);
  e.uint(deltaUs);
  e.uint(kindId);
  e.uint(tx.sender);
  e.uint(tx.nonce);
  e.uint(Math.round(tx.costUs * 1000));
  e.uint(tx.args.length);
  for (const a of tx.args) e.int(a);
  e.list(tx.reads);
  if (!same) e.list(tx.writes);
  e.list(tx.deltas);
}

function sameKeys(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class Decoder {
  buf: Uint8Array;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  byte(): number {
    if (this.pos >= this.end) throw new NeedMore();
    return this.buf[this.pos++]!;
  }

  uint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new Corrupt('a number longer than 8 bytes');
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  list(): number[] {
    const n = this.uint();
    if (n > MAX_LIST) throw new Corrupt(`a list of ${n} entries`);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.uint();
    return out;
  }
}

export interface DecodedTx {
  readonly intendedUs: number;
  readonly tx: Tx;
}

/** Decodes the record at `d.pos` as transaction `id`, or throws NeedMore / Corrupt. */
export function decodeTx(d: Decoder, tag: number, id: number, previousUs: number, kinds: readonly string[]): DecodedTx {
  if ((tag & 0x01) === 0 || tag > 0x07) throw new Corrupt(`tag 0x${tag.toString(16)} is not a record`);
  const intendedUs = previousUs + d.uint();
  const kindId = d.uint();
  const kind = kinds[kindId];
  if (kind === undefined) throw new Corrupt(`kind id ${kindId}, but the header lists ${kinds.length} kinds`);
  const sender = d.uint();
  const nonce = d.uint();
  const costUs = d.uint() / 1000;
  const nargs = d.uint();
  if (nargs > MAX_LIST) throw new Corrupt(`${nargs} arguments`);
  const args = new Array<number>(nargs);
  for (let i = 0; i < nargs; i++) args[i] = d.int();
  const reads = d.list();
  const writes = tag & FLAG_WRITES_ARE_READS ? reads : d.list();
  const deltas = d.list();
  return { intendedUs, tx: { id, kind, sender, nonce, args, costUs, reads, writes, deltas, exact: (tag & FLAG_INEXACT) === 0 } };
}
