/**
 * The WebSocket target adapter: the load side of the wire protocol (core/wire.ts). Each submit
 * becomes one frame on one connection; receipts are stamped when they arrive. It never slows the
 * schedule: send is fire-and-forget, and what the runner cannot send it counts as dropped.
 *
 * A connection that drops is reopened with the same session (the server lets it rejoin the run);
 * the transactions it carried without an answer end as errored ("connection lost"), and those due
 * while no connection is up end as errored too ("not connected"): counted, never lost.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Clock } from '../../core/clock.js';
import { ParabenchError } from '../../core/errors.js';
import type {
  BoundSummary,
  ExecutorStats,
  RecordedBlockChecks,
  Target,
  TargetDescription,
  TargetInit,
  Verification,
  WithBlockAnalysis,
  WithExecutorStats,
  WithVerification,
} from '../../core/target.js';
import type { Receipt, Tx } from '../../core/tx.js';
import { decodeFrame, decodeText, encodeText, FrameEncoder, MalformedFrame, WIRE_PROTOCOL, type DataMessage, type Encoding, type Hello, type Welcome } from '../../core/wire.js';
import { kindIds } from '../../ledger/index.js';
import { RemoteBlocks } from './remote.js';

export interface WsTargetOptions {
  /** ws://host:port/ */
  readonly url: string;
  readonly encoding?: Encoding;
  /** Connections to open; batches go round-robin. */
  readonly connections?: number;
  /** How long to wait for a connection and for the welcome. */
  readonly connectTimeoutMs?: number;
  /** Most transactions kept for the check against sequential execution; 0 turns it off. */
  readonly verifyMaxTxs?: number;
  readonly checks?: RecordedBlockChecks;
  /** Names the client in its hello. */
  readonly client?: string;
}

const RECONNECT_MIN_MS = 20;
const RECONNECT_MAX_MS = 1000;

/** How a socket error reads to a user. */
export function describeSocketError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ETIMEDOUT') return 'timed out';
  return (e as Error).message || String(e);
}


class Link {
  ws: WebSocket | undefined;
  up = false;
  /**
   * What this connection carried recently, as id ranges (first, last, sent at), so that a drop can
   * name what it may have lost; the run ignores the ids already answered. Ranges, not a set of ids:
   * at a million transactions a second a set's add and delete per transaction would cost a third
   * of the client's time.
   */
  ranges: number[] = [];
  head = 0;
  /** How long it remembers: anything older has timed out in the run anyway. */
  rememberMs = 60_000;
  reconnectMs = RECONNECT_MIN_MS;
  reconnects = 0;

  carried(first: number, last: number, now: number): void {
    this.ranges.push(first, last, now);
    while (this.head < this.ranges.length && this.ranges[this.head + 2]! < now - this.rememberMs) this.head += 3;
    if (this.head > 3 * 4096 && this.head * 2 > this.ranges.length) {
      this.ranges = this.ranges.slice(this.head);
      this.head = 0;
    }
  }

  /** Every id it carried recently (the run keeps those still unanswered). */
  takeCarried(): number[] {
    const ids: number[] = [];
    for (let r = this.head; r < this.ranges.length; r += 3) for (let id = this.ranges[r]!; id <= this.ranges[r + 1]!; id++) ids.push(id);
    this.ranges = [];
    this.head = 0;
    return ids;
  }
}

/** Zero masks: the client must mask its frames, and a zero mask makes ws skip the XOR and the copy (loopback, our own server). */
const zeroMask = (mask: Uint8Array): void => {
  mask.fill(0);
};

export class WsTarget implements Target, WithExecutorStats, WithVerification, WithBlockAnalysis {
  private readonly options: WsTargetOptions;
  private readonly encoding: Encoding;
  private readonly links: Link[];
  private readonly encoder = new FrameEncoder();
  private readonly kindIndex = new Map(kindIds.map((k, i) => [k, i]));
  private readonly remote: RemoteBlocks;
  private init: TargetInit | undefined;
  private clock: Clock | undefined;
  private hello: Hello | undefined;
  private welcome: Welcome | undefined;
  private next = 0;
  private closing = false;

  constructor(options: WsTargetOptions) {
    this.options = options;
    this.encoding = options.encoding ?? 'binary';
    this.links = Array.from({ length: Math.max(1, options.connections ?? 1) }, () => new Link());
    this.remote = new RemoteBlocks(options.verifyMaxTxs ?? 1_000_000, options.checks);
  }

  get description(): TargetDescription {
    const w = this.welcome;
    return {
      kind: 'ws',
      url: this.options.url,
      ...(w ? { executor: w.executor, threads: w.threads, blockSize: w.blockSize, blockTimeMs: w.blockTimeMs } : {}),
    };
  }

  /** Connections reopened after a drop, over the run. */
  get reconnects(): number {
    return this.links.reduce((n, l) => n + l.reconnects, 0);
  }

  async open(init: TargetInit): Promise<void> {
    this.init = init;
    this.remote.start(init.genesis);
    this.clock = init.clock;
    for (const l of this.links) l.rememberMs = (init.timeoutMs ?? 59_000) + 1000;
    this.hello = {
      type: 'hello',
      protocol: WIRE_PROTOCOL,
      session: randomUUID(),
      encoding: this.encoding,
      genesis: init.genesis,
      kinds: [...kindIds],
      ...(this.options.client ? { client: this.options.client } : {}),
    };
    await Promise.all(this.links.map((l) => this.connect(l)));
  }

  /** Opens a link and says hello; resolves on the welcome, rejects with a message a user can act on. */
  private connect(link: Link): Promise<void> {
    const url = this.options.url;
    const timeoutMs = this.options.connectTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs, generateMask: zeroMask });
      ws.binaryType = 'nodebuffer';
      let settled = false;
      const timer = setTimeout(() => fail(new Error(`no welcome within ${timeoutMs / 1000} s`)), timeoutMs);
      const fail = (e: unknown, refused?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.terminate();
        reject(
          refused
            ? new ParabenchError('TARGET_UNREACHABLE', `${url} refused the run: ${refused}`)
            : new ParabenchError('TARGET_UNREACHABLE', `cannot reach ${url}: ${describeSocketError(e)}`, {
                hint: 'Is the target running? Start one with `parabench serve --executor sequential` and pass the URL it prints.',
              }),
        );
      };
      ws.once('error', (e) => fail(e));
      ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode} instead of a WebSocket upgrade`)));
      ws.once('open', () => ws.send(encodeText(this.hello!)));
      ws.once('message', (data, isBinary) => {
        if (settled) return;
        let message;
        try {
          message = decodeText(isBinary ? '' : data.toString());
        } catch (e) {
          return fail(e, `its first message is not a welcome (${(e as Error).message})`);
        }
        if (message.type === 'error') return fail(undefined, `${message.code}: ${message.message}`);
        if (message.type !== 'welcome') return fail(undefined, `its first message is a "${message.type}", not a welcome`);
        if (message.protocol !== WIRE_PROTOCOL) return fail(undefined, `it speaks ${message.protocol}, not ${WIRE_PROTOCOL}`);
        settled = true;
        clearTimeout(timer);
        this.welcome = message;
        this.attach(link, ws);
        resolve();
      });
    });
  }

  private attach(link: Link, ws: WebSocket): void {
    link.ws = ws;
    link.up = true;
    link.reconnectMs = RECONNECT_MIN_MS;
    ws.removeAllListeners('error');
    ws.on('error', () => undefined); // 'close' follows, and handles it
    ws.on('message', (data, isBinary) => this.onMessage(link, data as Buffer, isBinary));
    ws.on('close', () => this.onClose(link, ws));
  }

  submit(txs: readonly Tx[]): void {
    const init = this.init;
    if (!init) throw new Error('submit() before open()');
    const link = this.pickLink();
    if (!link?.ws) {
      init.onErrors(
        txs.map((t) => t.id),
        new Error('not connected (reconnecting after the connection was lost)'),
      );
      return;
    }
    const max = this.welcome?.maxBatch ?? txs.length;
    for (let from = 0; from < txs.length; from += max) {
      const batch = from === 0 && txs.length <= max ? txs : txs.slice(from, from + max);
      link.carried(batch[0]!.id, batch[batch.length - 1]!.id, this.clock!.now());
      if (this.encoding === 'binary') {
        const frame = this.encoder.txs(batch, this.kindIndex);
        link.ws.send(frame);
        // ws neither masks (zero mask) nor changes a Buffer it is given: the frame can be kept as it is.
        this.remote.sent(batch, frame);
      } else {
        link.ws.send(encodeText({ type: 'txs', txs: batch as Tx[] }));
        this.remote.sent(batch);
      }
    }
  }

  private pickLink(): Link | undefined {
    for (let i = 0; i < this.links.length; i++) {
      const link = this.links[(this.next + i) % this.links.length]!;
      if (link.up) {
        this.next = (this.next + i + 1) % this.links.length;
        return link;
      }
    }
    return undefined;
  }

  private onMessage(link: Link, data: Buffer, isBinary: boolean): void {
    const init = this.init!;
    const now = this.clock!.now();
    let message: DataMessage | ReturnType<typeof decodeText>;
    try {
      message = isBinary ? decodeFrame(data, { kinds: this.hello!.kinds, reasons: this.welcome!.reasons }, now) : decodeText(data.toString('utf8'));
    } catch (e) {
      if (!(e instanceof MalformedFrame)) throw e;
      // A target that speaks the protocol wrongly: its unanswered transactions will time out, and the reason is kept.
      init.onErrors([], new Error(`malformed frame from the target: ${e.message}`));
      return;
    }
    switch (message.type) {
      case 'receipts': {
        // Binary receipts were decoded stamped; JSON ones are stamped here.
        const receipts = isBinary ? (message.receipts as Receipt[]) : message.receipts.map((r): Receipt => ({ ...r, commitMs: now }));
        for (const r of receipts) this.remote.receipt(r);
        init.onReceipts(receipts);
        return;
      }
      case 'errors':
        init.onErrors(message.ids, new Error(message.message));
        return;
      case 'block':
        this.remote.block(message.block);
        init.onBlock?.(message.block);
        return;
      case 'error':
        init.onErrors([], new Error(`the target reported ${message.code}: ${message.message}`));
        return;
      default:
        init.onErrors([], new Error(`the target sent a "${message.type}" message mid-run`));
    }
  }

  private onClose(link: Link, ws: WebSocket): void {
    if (link.ws !== ws) return;
    link.up = false;
    link.ws = undefined;
    if (this.closing) return;
    const lost = link.takeCarried();
    if (lost.length > 0) this.init?.onErrors(lost, new Error('connection lost'));
    const retry = (): void => {
      if (this.closing) return;
      this.connect(link).then(
        () => {
          link.reconnects++;
        },
        () => {
          link.reconnectMs = Math.min(RECONNECT_MAX_MS, link.reconnectMs * 2);
          setTimeout(retry, link.reconnectMs);
        },
      );
    };
    setTimeout(retry, link.reconnectMs);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.links.map(
        (l) =>
          new Promise<void>((resolve) => {
            const ws = l.ws;
            if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
            ws.once('close', () => resolve());
            ws.close(1000, 'run finished');
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 2000).unref();
          }),
      ),
    );
  }

  executorStats(): ExecutorStats {
    return this.remote.executorStats();
  }

  async verify(): Promise<Verification> {
    return this.remote.verify();
  }

  blockAnalysis(threads: number): BoundSummary {
    return this.remote.blockAnalysis(threads);
  }
}
