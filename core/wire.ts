/**
 * The wire protocol, parabench.wire/1 (docs/PROTOCOL.md): the messages a load generator and a
 * target server exchange over WebSocket (and, as JSON, over HTTP), and their binary codec. One
 * definition for both ends, so the harness, the built-in server and the conformance checker agree
 * by construction.
 *
 * Control messages (hello, welcome, error) are JSON text frames. Data messages (transactions,
 * receipts, blocks, per-transaction errors) are binary frames in the binary encoding, JSON text
 * frames in the JSON one. Binary frames are little-endian, and begin with a type byte and the
 * protocol version byte.
 */
import { z } from 'zod';
import { genesisSchema, type GenesisSpec } from './genesis.js';
import type { BlockReport, BlockReportStats } from './target.js';
import type { Tx, TxStatus } from './tx.js';

export const WIRE_PROTOCOL = 'parabench.wire/1';
const VERSION = 1;

/** Binary frame types. */
export const FRAME = { TXS: 1, RECEIPTS: 2, BLOCK: 3, ERRORS: 4 } as const;

/** Limits both ends hold to (a server may announce smaller ones in its welcome). */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_BATCH = 10_000;
/** Most arguments, and most keys in each declared list, of one transaction on the wire. */
export const MAX_LIST = 255;

// ── control messages ───────────────────────────────────────────────────────────────────────

export type Encoding = 'binary' | 'json';

const name = z.string().min(1).max(200);

export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: z.string(),
  /** Names one run: a hello with the session of a live run rejoins it (a reconnect); another starts afresh. */
  session: name,
  encoding: z.enum(['binary', 'json']),
  genesis: genesisSchema,
  /** Kind names: a binary transaction's kind id indexes this list. */
  kinds: z.array(name).min(1).max(65_535),
  client: z.string().max(200).optional(),
});
export type Hello = Omit<z.infer<typeof helloSchema>, 'genesis'> & { readonly genesis: GenesisSpec };

export const welcomeSchema = z.object({
  type: z.literal('welcome'),
  protocol: z.string(),
  server: z.string(),
  executor: z.string(),
  threads: z.int().min(1),
  blockSize: z.int().min(1),
  blockTimeMs: z.number().min(0),
  maxFrameBytes: z.int().min(1024),
  maxBatch: z.int().min(1),
  /** Failure reasons: a binary receipt's code k > 0 is reasons[k - 1]. */
  reasons: z.array(z.string()),
});
export type Welcome = z.infer<typeof welcomeSchema>;

export const WIRE_ERROR_CODES = ['bad-hello', 'unsupported-protocol', 'busy', 'not-ready', 'malformed', 'oversize', 'shutting-down'] as const;
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

export const errorSchema = z.object({
  type: z.literal('error'),
  code: z.enum(WIRE_ERROR_CODES),
  message: z.string(),
  /** The rejected frame's transactions, when its header could be read: none of them was taken. */
  frame: z.object({ baseId: z.number(), count: z.int() }).optional(),
});
export type WireErrorMessage = z.infer<typeof errorSchema>;

// ── data messages ──────────────────────────────────────────────────────────────────────────

/** A target's answer for one transaction, as it travels: where it landed, not when. */
export interface ReceiptRecord {
  readonly id: number;
  readonly status: TxStatus;
  readonly reason?: string;
  readonly block: number;
  /** Its index in the block: with the block's size, enough to rebuild the block's order. */
  readonly position: number;
  /** Not on the wire: when the receiving end got it, if it asked decodeFrame to stamp it. */
  readonly commitMs?: number;
}

/** A block report as it travels (core/target.ts). */
export type BlockRecord = BlockReport;
export type BlockRecordStats = BlockReportStats;

const STAT_FIELDS = ['executions', 'reexecutions', 'validations', 'aborts', 'waits', 'crossShard', 'fallbacks', 'execMs', 'prepareMs', 'commitMs'] as const;

export type DataMessage =
  | { readonly type: 'txs'; readonly txs: Tx[] }
  | { readonly type: 'receipts'; readonly receipts: ReceiptRecord[] }
  | { readonly type: 'block'; readonly block: BlockRecord }
  | { readonly type: 'errors'; readonly ids: number[]; readonly message: string };

/** A frame that is not a valid message: the receiver answers with an error and carries on. */
export class MalformedFrame extends Error {
  readonly frame: { baseId: number; count: number } | undefined;
  constructor(message: string, frame?: { baseId: number; count: number }) {
    super(message);
    this.frame = frame;
  }
}

// ── binary codec ───────────────────────────────────────────────────────────────────────────

const TX_HEADER = 24;
const FRAME_HEADER = 16;
const RECEIPT_BYTES = 16;
const FLAG_INEXACT = 1;
const FLAG_WRITES_ARE_READS = 2;

/**
 * Encodes frames into one growing scratch buffer and hands out exact-size copies (a frame given to
 * a socket must not be reused while it is being written).
 */
export class FrameEncoder {
  private buf = new ArrayBuffer(1 << 16);
  private view = new DataView(this.buf);
  private bytes = new Uint8Array(this.buf);

  private ensure(n: number): void {
    if (n <= this.buf.byteLength) return;
    let size = this.buf.byteLength;
    while (size < n) size *= 2;
    this.buf = new ArrayBuffer(size);
    this.view = new DataView(this.buf);
    this.bytes = new Uint8Array(this.buf);
  }

  private header(type: number, count: number, baseId: number): void {
    const v = this.view;
    v.setUint8(0, type);
    v.setUint8(1, VERSION);
    v.setUint16(2, 0, true);
    v.setUint32(4, count, true);
    v.setFloat64(8, baseId, true);
  }

  private out(size: number): Buffer {
    return Buffer.from(this.bytes.subarray(0, size));
  }

  /** Transactions, ids ascending; `kindIds` maps a kind name to its index in the hello's kinds. */
  txs(txs: readonly Tx[], kindIds: ReadonlyMap<string, number>): Buffer {
    let size = FRAME_HEADER;
    for (const tx of txs) {
      const same = sameKeys(tx.reads, tx.writes);
      size += TX_HEADER + 8 * tx.args.length + 4 * (tx.reads.length + (same ? 0 : tx.writes.length) + tx.deltas.length);
    }
    this.ensure(size);
    const baseId = txs.length > 0 ? txs[0]!.id : 0;
    this.header(FRAME.TXS, txs.length, baseId);
    const v = this.view;
    let p = FRAME_HEADER;
    for (const tx of txs) {
      const same = sameKeys(tx.reads, tx.writes);
      const kind = kindIds.get(tx.kind);
      if (kind === undefined) throw new Error(`transaction ${tx.id}: kind "${tx.kind}" is not in the hello's kinds`);
      if (tx.args.length > MAX_LIST || tx.reads.length > MAX_LIST || tx.writes.length > MAX_LIST || tx.deltas.length > MAX_LIST) {
        throw new Error(`transaction ${tx.id}: more than ${MAX_LIST} arguments or declared keys`);
      }
      v.setUint32(p, tx.id - baseId, true);
      v.setUint16(p + 4, kind, true);
      v.setUint8(p + 6, (tx.exact ? 0 : FLAG_INEXACT) | (same ? FLAG_WRITES_ARE_READS : 0));
      v.setUint8(p + 7, tx.args.length);
      v.setUint32(p + 8, tx.sender, true);
      v.setUint32(p + 12, tx.nonce, true);
      v.setUint32(p + 16, Math.round(tx.costUs * 1000), true);
      v.setUint8(p + 20, tx.reads.length);
      v.setUint8(p + 21, same ? 0 : tx.writes.length);
      v.setUint8(p + 22, tx.deltas.length);
      v.setUint8(p + 23, 0);
      p += TX_HEADER;
      for (const a of tx.args) {
        v.setFloat64(p, a, true);
        p += 8;
      }
      for (const k of tx.reads) {
        v.setUint32(p, k, true);
        p += 4;
      }
      if (!same) {
        for (const k of tx.writes) {
          v.setUint32(p, k, true);
          p += 4;
        }
      }
      for (const k of tx.deltas) {
        v.setUint32(p, k, true);
        p += 4;
      }
    }
    return this.out(p);
  }

  /** Receipts; `reasonIds` maps a failure reason to its index in the welcome's reasons. */
  receipts(receipts: readonly ReceiptRecord[], reasonIds: ReadonlyMap<string, number>): Buffer {
    const size = FRAME_HEADER + RECEIPT_BYTES * receipts.length;
    this.ensure(size);
    let baseId = Infinity;
    for (const r of receipts) if (r.id < baseId) baseId = r.id;
    if (receipts.length === 0) baseId = 0;
    this.header(FRAME.RECEIPTS, receipts.length, baseId);
    const v = this.view;
    let p = FRAME_HEADER;
    for (const r of receipts) {
      const code = r.status === 'committed' ? 0 : 1 + (reasonIds.get(r.reason ?? '') ?? reasonIds.get('unknown') ?? 0);
      v.setUint32(p, r.id - baseId, true);
      v.setUint16(p + 4, code, true);
      v.setUint16(p + 6, 0, true);
      v.setUint32(p + 8, r.block, true);
      v.setUint32(p + 12, r.position, true);
      p += RECEIPT_BYTES;
    }
    return this.out(p);
  }

  block(b: BlockRecord): Buffer {
    const size = FRAME_HEADER + 8 + 8 * STAT_FIELDS.length;
    this.ensure(size);
    this.header(FRAME.BLOCK, b.txs, b.number);
    const v = this.view;
    const root = /^[0-9a-f]{16}$/.test(b.stateRoot) ? b.stateRoot : '';
    v.setUint32(FRAME_HEADER, root === '' ? 0 : parseInt(root.slice(0, 8), 16), true);
    v.setUint32(FRAME_HEADER + 4, root === '' ? 0 : parseInt(root.slice(8), 16), true);
    // The root's presence is the reserved half-word of the header.
    v.setUint16(2, root === '' ? 0 : 1, true);
    let p = FRAME_HEADER + 8;
    for (const f of STAT_FIELDS) {
      v.setFloat64(p, b.stats[f], true);
      p += 8;
    }
    return this.out(p);
  }

  errors(ids: readonly number[], message: string): Buffer {
    const text = Buffer.from(message, 'utf8');
    const size = FRAME_HEADER + 4 + 4 * ids.length + text.length;
    this.ensure(size);
    let baseId = Infinity;
    for (const id of ids) if (id < baseId) baseId = id;
    if (ids.length === 0) baseId = 0;
    this.header(FRAME.ERRORS, ids.length, baseId);
    const v = this.view;
    v.setUint32(FRAME_HEADER, text.length, true);
    let p = FRAME_HEADER + 4;
    for (const id of ids) {
      v.setUint32(p, id - baseId, true);
      p += 4;
    }
    this.bytes.set(text, p);
    return this.out(p + text.length);
  }
}

function sameKeys(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The tables a binary frame's numbers refer to. */
export interface FrameTables {
  /** The hello's kinds. */
  readonly kinds: readonly string[];
  /** The welcome's reasons. */
  readonly reasons: readonly string[];
}

/**
 * Decodes one binary frame, checking every length against the bytes there are. With `receivedMs`,
 * receipts come out stamped with it (`commitMs`), ready for the run: one object per receipt.
 */
export function decodeFrame(data: Uint8Array, tables: FrameTables, receivedMs?: number): DataMessage {
  if (data.length < FRAME_HEADER) throw new MalformedFrame(`a binary frame of ${data.length} bytes: shorter than the ${FRAME_HEADER}-byte header`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = v.getUint8(0);
  const version = v.getUint8(1);
  const count = v.getUint32(4, true);
  const baseId = v.getFloat64(8, true);
  const frame = Number.isSafeInteger(baseId) && baseId >= 0 ? { baseId, count } : undefined;
  if (version !== VERSION) throw new MalformedFrame(`frame version ${version}; this end speaks ${VERSION}`, frame);
  if (!frame) throw new MalformedFrame(`base id ${baseId} is not a whole number ≥ 0`);
  const end = data.length;
  const need = (p: number, n: number, what: string): void => {
    if (p + n > end) throw new MalformedFrame(`${what} runs past the end of the ${end}-byte frame`, frame);
  };
  switch (type) {
    case FRAME.TXS: {
      const txs: Tx[] = new Array(count);
      let p = FRAME_HEADER;
      for (let i = 0; i < count; i++) {
        need(p, TX_HEADER, `transaction ${i} of ${count}`);
        const kindId = v.getUint16(p + 4, true);
        const kind = tables.kinds[kindId];
        if (kind === undefined) throw new MalformedFrame(`transaction ${i}: kind id ${kindId}, but the hello lists ${tables.kinds.length} kinds`, frame);
        const flags = v.getUint8(p + 6);
        const nargs = v.getUint8(p + 7);
        const nreads = v.getUint8(p + 20);
        const nwrites = v.getUint8(p + 21);
        const ndeltas = v.getUint8(p + 22);
        const same = (flags & FLAG_WRITES_ARE_READS) !== 0;
        if (same && nwrites !== 0) throw new MalformedFrame(`transaction ${i}: writes flagged equal to reads, yet ${nwrites} listed`, frame);
        need(p, TX_HEADER + 8 * nargs + 4 * (nreads + nwrites + ndeltas), `transaction ${i} of ${count}`);
        const id = baseId + v.getUint32(p, true);
        const sender = v.getUint32(p + 8, true);
        const nonce = v.getUint32(p + 12, true);
        const costUs = v.getUint32(p + 16, true) / 1000;
        p += TX_HEADER;
        const args = new Array<number>(nargs);
        for (let a = 0; a < nargs; a++, p += 8) args[a] = v.getFloat64(p, true);
        const reads = new Array<number>(nreads);
        for (let k = 0; k < nreads; k++, p += 4) reads[k] = v.getUint32(p, true);
        let writes = reads;
        if (!same) {
          writes = new Array<number>(nwrites);
          for (let k = 0; k < nwrites; k++, p += 4) writes[k] = v.getUint32(p, true);
        }
        const deltas = new Array<number>(ndeltas);
        for (let k = 0; k < ndeltas; k++, p += 4) deltas[k] = v.getUint32(p, true);
        txs[i] = { id, kind, sender, nonce, args, costUs, reads, writes, deltas, exact: (flags & FLAG_INEXACT) === 0 };
      }
      if (p !== end) throw new MalformedFrame(`${end - p} bytes after the last of ${count} transactions`, frame);
      return { type: 'txs', txs };
    }
    case FRAME.RECEIPTS: {
      if (FRAME_HEADER + RECEIPT_BYTES * count !== end) throw new MalformedFrame(`${count} receipts need ${FRAME_HEADER + RECEIPT_BYTES * count} bytes, the frame has ${end}`, frame);
      const receipts: ReceiptRecord[] = new Array(count);
      for (let i = 0, p = FRAME_HEADER; i < count; i++, p += RECEIPT_BYTES) {
        const code = v.getUint16(p + 4, true);
        const id = baseId + v.getUint32(p, true);
        const block = v.getUint32(p + 8, true);
        const position = v.getUint32(p + 12, true);
        if (code === 0) receipts[i] = receivedMs === undefined ? { id, status: 'committed', block, position } : { id, status: 'committed', block, position, commitMs: receivedMs };
        else {
          const reason = tables.reasons[code - 1];
          if (reason === undefined) throw new MalformedFrame(`receipt ${i}: reason code ${code}, but the welcome lists ${tables.reasons.length} reasons`, frame);
          receipts[i] = receivedMs === undefined ? { id, status: 'failed', reason, block, position } : { id, status: 'failed', reason, block, position, commitMs: receivedMs };
        }
      }
      return { type: 'receipts', receipts };
    }
    case FRAME.BLOCK: {
      need(FRAME_HEADER, 8 + 8 * STAT_FIELDS.length, 'a block record');
      const hasRoot = v.getUint16(2, true) === 1;
      const hex = (n: number): string => n.toString(16).padStart(8, '0');
      const stateRoot = hasRoot ? hex(v.getUint32(FRAME_HEADER, true)) + hex(v.getUint32(FRAME_HEADER + 4, true)) : '';
      const stats: Record<string, number> = {};
      let p = FRAME_HEADER + 8;
      for (const f of STAT_FIELDS) {
        stats[f] = v.getFloat64(p, true);
        p += 8;
      }
      return { type: 'block', block: { number: baseId, txs: count, stateRoot, stats: stats as unknown as BlockRecordStats } };
    }
    case FRAME.ERRORS: {
      need(FRAME_HEADER, 4, 'an errors frame');
      const length = v.getUint32(FRAME_HEADER, true);
      if (FRAME_HEADER + 4 + 4 * count + length !== end) throw new MalformedFrame(`an errors frame of ${count} ids and a ${length}-byte message needs ${FRAME_HEADER + 4 + 4 * count + length} bytes, has ${end}`, frame);
      const ids = new Array<number>(count);
      for (let i = 0, p = FRAME_HEADER + 4; i < count; i++, p += 4) ids[i] = baseId + v.getUint32(p, true);
      const message = Buffer.from(data.buffer, data.byteOffset + FRAME_HEADER + 4 + 4 * count, length).toString('utf8');
      return { type: 'errors', ids, message };
    }
    default:
      throw new MalformedFrame(`frame type ${type}; the types are 1 (transactions) to 4 (errors)`, frame);
  }
}

// ── JSON codec ─────────────────────────────────────────────────────────────────────────────

const keys = z.array(z.int().min(0)).max(MAX_LIST);
const txSchema = z.strictObject({
  id: z.int().min(0),
  kind: name,
  sender: z.int().min(0),
  nonce: z.int().min(0),
  args: z.array(z.number()).max(MAX_LIST),
  costUs: z.number().min(0),
  reads: keys,
  writes: keys,
  deltas: keys,
  exact: z.boolean(),
});
const receiptSchema = z.object({
  id: z.int().min(0),
  status: z.enum(['committed', 'failed']),
  reason: z.string().optional(),
  block: z.int().min(0),
  position: z.int().min(0),
});
const blockSchema = z.object({
  number: z.int().min(0),
  txs: z.int().min(0),
  stateRoot: z.string(),
  stats: z.object(Object.fromEntries(STAT_FIELDS.map((f) => [f, z.number()])) as Record<(typeof STAT_FIELDS)[number], z.ZodNumber>),
});
const textSchemas = {
  hello: helloSchema,
  welcome: welcomeSchema,
  error: errorSchema,
  txs: z.object({ type: z.literal('txs'), txs: z.array(txSchema) }),
  receipts: z.object({ type: z.literal('receipts'), receipts: z.array(receiptSchema) }),
  block: z.object({ type: z.literal('block'), block: blockSchema }),
  errors: z.object({ type: z.literal('errors'), ids: z.array(z.int().min(0)), message: z.string() }),
} as const;

/** Any message a text frame may carry. */
export type TextMessage = Hello | Welcome | WireErrorMessage | DataMessage;

/** Parses a text frame, or throws MalformedFrame saying what is wrong with it. */
export function decodeText(text: string): TextMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MalformedFrame(`a text frame that is not JSON: ${(e as Error).message}`);
  }
  const type = typeof value === 'object' && value !== null && 'type' in value ? (value as { type: unknown }).type : undefined;
  const schema = typeof type === 'string' && Object.hasOwn(textSchemas, type) ? textSchemas[type as keyof typeof textSchemas] : undefined;
  if (!schema) throw new MalformedFrame(`a text message of type ${JSON.stringify(type)}; the types are ${Object.keys(textSchemas).join(', ')}`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the message';
    throw new MalformedFrame(`a "${String(type)}" message that does not follow the protocol: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as TextMessage;
}

/** Transactions given as JSON (an HTTP request's `txs`), checked as a "txs" message's are. */
export function txsFromJson(value: unknown): Tx[] {
  const parsed = textSchemas.txs.shape.txs.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new MalformedFrame(`transactions that do not follow the protocol: txs${issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`);
}

export function encodeText(message: TextMessage): string {
  return JSON.stringify(message);
}
