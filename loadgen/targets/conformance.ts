/**
 * `parabench conformance URL`: checks that a target speaks the wire protocol (docs/PROTOCOL.md),
 * one rule at a time, so that an executor author sees exactly which rule their server breaks.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { GenesisSpec } from '../../core/genesis.js';
import type { RecordedBlock, RecordedBlockChecks } from '../../core/target.js';
import type { Tx, TxOutcome } from '../../core/tx.js';
import {
  decodeFrame,
  decodeText,
  encodeText,
  FrameEncoder,
  MalformedFrame,
  WIRE_PROTOCOL,
  type BlockRecord,
  type Encoding,
  type Hello,
  type ReceiptRecord,
  type TextMessage,
  type Welcome,
} from '../../core/wire.js';
import { kindIds } from '../../ledger/index.js';
import { describeSocketError } from './ws.js';

export interface ConformanceCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ConformanceOptions {
  readonly url: string;
  readonly genesis: GenesisSpec;
  /** Transactions to send; their ids are their positions here. */
  readonly txs: readonly Tx[];
  readonly checks: RecordedBlockChecks;
  readonly timeoutMs?: number;
}

/** Thrown when the target cannot be reached at all: no check could run. */
export class Unreachable extends Error {}

type Incoming = { kind: 'text'; message: TextMessage } | { kind: 'binary'; data: Buffer } | { kind: 'bad'; error: string } | { kind: 'close'; code: number; reason: string };

/** A connection that queues what arrives, so checks can wait for the next thing. */
class Probe {
  readonly ws: WebSocket;
  private readonly queue: Incoming[] = [];
  private waiter: (() => void) | undefined;
  closed: { code: number; reason: string } | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.push({ kind: 'binary', data: data as Buffer });
      else {
        try {
          this.push({ kind: 'text', message: decodeText(data.toString()) });
        } catch (e) {
          this.push({ kind: 'bad', error: (e as Error).message });
        }
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.push({ kind: 'close', code, reason: reason.toString() });
    });
    ws.on('error', () => undefined);
  }

  static open(url: string, timeoutMs: number): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs, maxPayload: 256 * 1024 * 1024 });
      ws.binaryType = 'nodebuffer';
      ws.once('open', () => resolve(new Probe(ws)));
      ws.once('error', (e) => reject(new Unreachable(`cannot reach ${url}: ${describeSocketError(e)}`)));
    });
  }

  private push(i: Incoming): void {
    this.queue.push(i);
    this.waiter?.();
  }

  /** The next thing that arrives, or undefined after `ms`. */
  async next(ms: number): Promise<Incoming | undefined> {
    if (this.queue.length > 0) return this.queue.shift();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.waiter = undefined;
    return this.queue.shift();
  }

  close(): void {
    this.ws.terminate();
  }
}

export async function checkConformance(options: ConformanceOptions): Promise<ConformanceCheck[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const results: ConformanceCheck[] = [];
  const check = (name: string, ok: boolean, detail: string): boolean => {
    results.push({ name, ok, detail });
    return ok;
  };
  const hello = (encoding: Encoding, session = randomUUID()): Hello => ({
    type: 'hello',
    protocol: WIRE_PROTOCOL,
    session,
    encoding,
    genesis: options.genesis,
    kinds: [...kindIds],
    client: 'parabench conformance',
  });

  // 1. The handshake.
  const first = await Probe.open(options.url, timeoutMs);
  first.ws.send(encodeText(hello('binary')));
  const reply = await first.next(timeoutMs);
  const greeting = reply?.kind === 'text' && reply.message.type === 'welcome' ? reply.message : undefined;
  const greeted = greeting !== undefined && greeting.protocol === WIRE_PROTOCOL;
  check('handshake: a hello is answered with a welcome', greeted, greeting ? `${greeting.server}: ${greeting.executor}, ${plural(greeting.threads, 'thread')}, frames ≤ ${greeting.maxFrameBytes} bytes, ≤ ${greeting.maxBatch} transactions` : `got ${describe(reply)}`);
  if (!greeted) {
    first.close();
    return results;
  }
  const welcome: Welcome = greeting;

  // 2. Every transaction answered exactly once, in blocks that add up.
  const run = await exchange(first, welcome, options.txs, 'binary', timeoutMs);
  answeredOnce(check, run, options.txs.length);
  blocksAddUp(check, run);
  const recorded = rebuild(run, options.txs);
  if (typeof recorded === 'string') check('results: the same as sequential execution', false, recorded);
  else {
    const v = options.checks.verify(options.genesis, recorded, 0);
    const roots = recorded.every((b) => b.stateRoot !== '');
    check(
      'results: the same as sequential execution',
      v.receiptsMatch && (!roots || v.stateRootMatches),
      v.mismatch ?? `${plural(v.txs, 'transaction')} in ${plural(v.blocks, 'block')} re-executed: receipts match${roots ? ', state roots match' : ' (the target reports no state roots)'}`,
    );
  }

  // 3. Malformed frames are answered with an error, and the connection stays usable.
  first.ws.send(Buffer.from([0x01, 0x01, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xde, 0xad]));
  const bad = await first.next(timeoutMs);
  check('a malformed binary frame is answered with a "malformed" error', bad?.kind === 'text' && bad.message.type === 'error' && bad.message.code === 'malformed', `got ${describe(bad)}`);
  first.ws.send('{"type":"txs","txs":[{"id":"x"}]}');
  const badText = await first.next(timeoutMs);
  check('a text message that breaks the protocol is answered with a "malformed" error', badText?.kind === 'text' && badText.message.type === 'error' && badText.message.code === 'malformed', `got ${describe(badText)}`);
  const more = options.txs.slice(0, 10).map((t) => ({ ...t, id: t.id + options.txs.length }));
  const after = await exchange(first, welcome, more, 'binary', timeoutMs);
  check('the connection still works after malformed frames', after.answers.size === more.length && after.protocolErrors.length === 0, `${after.answers.size} of ${more.length} transactions answered${after.protocolErrors[0] ? `; ${after.protocolErrors[0]}` : ''}`);

  // 4. An oversize frame is refused (close 1009, or an "oversize" error), and the server lives on.
  first.ws.send(Buffer.alloc(welcome.maxFrameBytes + 1));
  let refusal: Incoming | undefined;
  for (;;) {
    refusal = await first.next(timeoutMs);
    // Late blocks may still arrive first.
    if (refusal?.kind === 'binary') continue;
    break;
  }
  check(
    `a frame over the announced ${welcome.maxFrameBytes} bytes is refused`,
    (refusal?.kind === 'close' && refusal.code === 1009) || (refusal?.kind === 'text' && refusal.message.type === 'error' && refusal.message.code === 'oversize'),
    `got ${describe(refusal)}`,
  );
  first.close();

  // 5. Data before the hello, and a hello for another protocol, are refused.
  const early = await Probe.open(options.url, timeoutMs);
  early.ws.send(new FrameEncoder().txs(options.txs.slice(0, 1), new Map(kindIds.map((k, i) => [k, i]))));
  const earlyReply = await early.next(timeoutMs);
  check('transactions before a hello are refused with an error', earlyReply?.kind === 'text' && earlyReply.message.type === 'error', `got ${describe(earlyReply)}`);
  early.close();
  const other = await Probe.open(options.url, timeoutMs);
  other.ws.send(encodeText({ ...hello('binary'), protocol: 'parabench.wire/99' }));
  const otherReply = await other.next(timeoutMs);
  check('a hello for another protocol version is refused with an error', otherReply?.kind === 'text' && otherReply.message.type === 'error' && otherReply.message.code === 'unsupported-protocol', `got ${describe(otherReply)}`);
  other.close();

  // 6. The JSON encoding, in a new run.
  const json = await Probe.open(options.url, timeoutMs);
  json.ws.send(encodeText(hello('json')));
  const jsonWelcome = await json.next(timeoutMs);
  if (check('a new run (another session) is welcomed once the previous one has gone', jsonWelcome?.kind === 'text' && jsonWelcome.message.type === 'welcome', `got ${describe(jsonWelcome)}`)) {
    const small = options.txs.slice(0, 100);
    const viaJson = await exchange(json, welcome, small, 'json', timeoutMs);
    answeredOnce(check, viaJson, small.length, ' (JSON encoding)');
  }
  json.close();
  return results;
}

interface Exchange {
  /** id → how each answer came: receipts and errors. */
  readonly answers: Map<number, { receipts: ReceiptRecord[]; errors: string[] }>;
  readonly blocks: BlockRecord[];
  readonly unknown: number[];
  readonly protocolErrors: string[];
}

/** Sends `txs` in frames of 100 and collects answers until all came (or the time is up). */
async function exchange(probe: Probe, welcome: Welcome, txs: readonly Tx[], encoding: Encoding, timeoutMs: number): Promise<Exchange> {
  const sent = new Set(txs.map((t) => t.id));
  const encoder = new FrameEncoder();
  const kinds = new Map(kindIds.map((k, i) => [k, i]));
  for (let i = 0; i < txs.length; i += 100) {
    const batch = txs.slice(i, i + 100);
    probe.ws.send(encoding === 'binary' ? encoder.txs(batch, kinds) : encodeText({ type: 'txs', txs: batch as Tx[] }));
  }
  const x: Exchange = { answers: new Map(), blocks: [], unknown: [], protocolErrors: [] };
  const deadline = performance.now() + timeoutMs;
  let answered = 0;
  while (answered < txs.length && performance.now() < deadline) {
    const got = await probe.next(deadline - performance.now());
    if (!got) break;
    let message;
    if (got.kind === 'binary') {
      try {
        message = decodeFrame(got.data, { kinds: kindIds, reasons: welcome.reasons });
      } catch (e) {
        x.protocolErrors.push(`a malformed frame: ${(e as MalformedFrame).message}`);
        continue;
      }
    } else if (got.kind === 'text') message = got.message;
    else if (got.kind === 'bad') {
      x.protocolErrors.push(got.error);
      continue;
    } else {
      x.protocolErrors.push(`the connection closed (${got.code} ${got.reason})`);
      break;
    }
    const answer = (id: number): { receipts: ReceiptRecord[]; errors: string[] } | undefined => {
      if (!sent.has(id)) {
        x.unknown.push(id);
        return undefined;
      }
      let a = x.answers.get(id);
      if (!a) {
        x.answers.set(id, (a = { receipts: [], errors: [] }));
        answered++;
      }
      return a;
    };
    if (message.type === 'receipts') for (const r of message.receipts) answer(r.id)?.receipts.push(r);
    else if (message.type === 'errors') for (const id of message.ids) answer(id)?.errors.push(message.message);
    else if (message.type === 'block') x.blocks.push(message.block);
    else if (message.type === 'error') x.protocolErrors.push(`${message.code}: ${message.message}`);
  }
  // Blocks and duplicate answers may trail the last first answer: take what arrives in a moment more.
  for (;;) {
    const got = await probe.next(200);
    if (!got || got.kind !== 'binary' && got.kind !== 'text') break;
    const message = got.kind === 'binary' ? safeDecode(got.data, welcome) : got.message;
    if (!message) continue;
    if (message.type === 'block') x.blocks.push(message.block);
    else if (message.type === 'receipts') for (const r of message.receipts) x.answers.get(r.id)?.receipts.push(r) ?? x.unknown.push(r.id);
    else if (message.type === 'errors') for (const id of message.ids) x.answers.get(id)?.errors.push(message.message) ?? x.unknown.push(id);
  }
  return x;
}

function safeDecode(data: Buffer, welcome: Welcome): ReturnType<typeof decodeFrame> | undefined {
  try {
    return decodeFrame(data, { kinds: kindIds, reasons: welcome.reasons });
  } catch {
    return undefined;
  }
}

function answeredOnce(check: (n: string, ok: boolean, d: string) => boolean, x: Exchange, count: number, suffix = ''): void {
  const missing = count - x.answers.size;
  const twice = [...x.answers].filter(([, a]) => a.receipts.length + a.errors.length > 1);
  const problems = [
    missing > 0 ? `${missing} of ${count} never answered` : '',
    twice.length > 0 ? `${twice.length} answered more than once (transaction ${twice[0]![0]}: ${twice[0]![1].receipts.length} receipts, ${twice[0]![1].errors.length} errors)` : '',
    x.unknown.length > 0 ? `${x.unknown.length} answers for transactions never sent (id ${x.unknown[0]})` : '',
    ...x.protocolErrors.slice(0, 1),
  ].filter((p) => p !== '');
  check(`every transaction answered exactly once${suffix}`, problems.length === 0, problems.length === 0 ? `${count} sent, ${count} answered once` : problems.join('; '));
}

function blocksAddUp(check: (n: string, ok: boolean, d: string) => boolean, x: Exchange): void {
  const byBlock = new Map<number, number[]>();
  for (const a of x.answers.values()) for (const r of a.receipts) (byBlock.get(r.block) ?? byBlock.set(r.block, []).get(r.block)!).push(r.position);
  const reports = new Map(x.blocks.map((b) => [b.number, b]));
  const problems: string[] = [];
  for (const [block, positions] of byBlock) {
    const report = reports.get(block);
    if (!report) {
      problems.push(`receipts name block ${block}, but no block report for it came`);
      continue;
    }
    const sorted = [...positions].sort((a, b) => a - b);
    if (sorted.some((p, i) => p !== i) || sorted.length !== report.txs) problems.push(`block ${block}: the report says ${report.txs} transactions, the receipts hold positions ${sorted.slice(0, 5).join(', ')}${sorted.length > 5 ? '…' : ''}`);
  }
  const numbers = x.blocks.map((b) => b.number);
  if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!)) problems.push(`block reports out of order: ${numbers.slice(0, 8).join(', ')}`);
  check('blocks: every receipt has a block report, positions 0…n-1 within it, reports in order', problems.length === 0, problems[0] ?? `${plural(x.blocks.length, 'block')}, positions complete`);
}

function rebuild(x: Exchange, txs: readonly Tx[]): RecordedBlock[] | string {
  const byId = new Map(txs.map((t) => [t.id, t]));
  const blocks: RecordedBlock[] = [];
  for (const report of [...x.blocks].sort((a, b) => a.number - b.number)) {
    const entries: { position: number; tx: Tx; outcome: TxOutcome }[] = [];
    for (const [id, a] of x.answers) {
      const r = a.receipts.find((rr) => rr.block === report.number);
      const tx = byId.get(id);
      if (r && tx) entries.push({ position: r.position, tx, outcome: r.reason === undefined ? { status: r.status } : { status: r.status, reason: r.reason } });
    }
    entries.sort((a, b) => a.position - b.position);
    if (entries.length !== report.txs) return `block ${report.number}: ${entries.length} receipts for ${report.txs} transactions; its order cannot be rebuilt`;
    blocks.push({ block: { number: report.number, txs: entries.map((e) => e.tx) }, outcomes: entries.map((e) => e.outcome), stateRoot: report.stateRoot });
  }
  if (blocks.length === 0) return 'no block reports came';
  return blocks;
}

function describe(i: Incoming | undefined): string {
  if (!i) return 'nothing';
  if (i.kind === 'close') return `the connection closed (${i.code}${i.reason ? ` ${i.reason}` : ''})`;
  if (i.kind === 'bad') return `a message that is not the protocol's (${i.error})`;
  if (i.kind === 'binary') return `a binary frame of ${i.data.length} bytes`;
  const m = i.message;
  return m.type === 'error' ? `an error "${m.code}": ${m.message}` : `a "${m.type}" message`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
