/**
 * The target server (`parabench serve`): an executor behind a network boundary, speaking the wire
 * protocol (core/wire.ts, docs/PROTOCOL.md) over WebSocket and its JSON form over HTTP, on one
 * port. Transactions from every connection of a run feed one block builder and one executor (the
 * in-process target); each receipt goes back to the connection, or the HTTP request, that sent
 * the transaction, and every connection hears of every block.
 *
 * A run is a session: a hello names it and carries its genesis. A hello naming the live session
 * rejoins it (a client reconnecting); another one starts afresh, once the previous run's
 * connections are gone.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { systemClock } from '../../core/clock.js';
import type { BlockReport, Target } from '../../core/target.js';
import type { Receipt, Tx } from '../../core/tx.js';
import {
  DEFAULT_MAX_BATCH,
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  decodeText,
  encodeText,
  FrameEncoder,
  helloSchema,
  MalformedFrame,
  txsFromJson,
  WIRE_PROTOCOL,
  type Hello,
  type ReceiptRecord,
  type Welcome,
  type WireErrorCode,
} from '../../core/wire.js';
import { REASONS } from '../../ledger/index.js';
import { BLOCK_BUCKETS } from '../../metrics/catalog.js';
import { ExecutorMetrics, type MetricsRegistry } from '../../metrics/prom.js';
import { blockFigures } from '../metrics.js';
import { InprocTarget } from '../inproc/inproc-target.js';
import { Faults, INJECTED_ERROR, type FaultOptions } from './faults.js';
import { NoopTarget } from './noop.js';

export interface ServerOptions {
  readonly executor: string;
  readonly threads: number;
  readonly blockSize: number;
  readonly blockTimeMs: number;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly maxFrameBytes?: number;
  readonly maxBatch?: number;
  readonly faults?: FaultOptions;
  /** Names this server in welcomes. */
  readonly name?: string;
  /** Execute nothing: commit every transaction at once (measures the harness and the wire alone). */
  readonly noop?: boolean;
  /** Where the executor's metrics go (every session's blocks add to the same series). */
  readonly metrics?: MetricsRegistry;
}

/** Who waits for a transaction's answer: a WebSocket connection, or an HTTP request. */
interface Owner {
  readonly alive: boolean;
  receipts(receipts: ReceiptRecord[]): void;
  errors(ids: number[], message: string): void;
}

/** Recent block reports, for HTTP answers (each names the blocks its receipts landed in). */
const BLOCK_LOG = 4096;
const reasonIds = new Map<string, number>(REASONS.map((r, i) => [r, i]));

class Session {
  readonly id: string;
  readonly target: Target;
  readonly faults: Faults;
  /** Transaction id → who waits for its answer. */
  readonly owners = new Map<number, Owner>();
  readonly sockets = new Set<Connection>();
  readonly blocks = new Map<number, BlockReport>();
  private readonly metrics: ExecutorMetrics | undefined;
  closed = false;

  constructor(id: string, target: Target, faults: Faults, metrics: ExecutorMetrics | undefined) {
    this.id = id;
    this.target = target;
    this.faults = faults;
    this.metrics = metrics;
  }

  /** Takes transactions from `owner`: injected errors now, the rest to the executor (after a stall, if one is on). */
  submit(txs: readonly Tx[], owner: Owner): void {
    if (this.closed) {
      owner.errors(
        txs.map((t) => t.id),
        'server shutting down: not executed',
      );
      return;
    }
    const taken: Tx[] = [];
    const failed: number[] = [];
    for (const tx of txs) {
      if (this.faults.failNext()) failed.push(tx.id);
      else {
        this.owners.set(tx.id, owner);
        taken.push(tx);
      }
    }
    if (failed.length > 0) owner.errors(failed, INJECTED_ERROR);
    if (taken.length > 0) this.faults.whenRunning(() => this.target.submit(taken));
  }

  deliver(receipts: readonly Receipt[]): void {
    this.faults.whenRunning(() => {
      // One block's receipts, grouped by who sent them: usually a single connection.
      let owner: Owner | undefined;
      let batch: ReceiptRecord[] = [];
      const groups = new Map<Owner, ReceiptRecord[]>();
      for (const r of receipts) {
        const o = this.owners.get(r.id);
        if (o === undefined) continue;
        this.owners.delete(r.id);
        if (o !== owner) {
          owner = o;
          batch = groups.get(o) ?? [];
          groups.set(o, batch);
        }
        batch.push(r.reason === undefined ? { id: r.id, status: r.status, block: r.block, position: r.position ?? 0 } : { id: r.id, status: r.status, reason: r.reason, block: r.block, position: r.position ?? 0 });
      }
      for (const [o, rs] of groups) if (o.alive) o.receipts(rs);
    });
  }

  fail(ids: readonly number[], message: string): void {
    this.faults.whenRunning(() => {
      const groups = new Map<Owner, number[]>();
      for (const id of ids) {
        const o = this.owners.get(id);
        if (o === undefined) continue;
        this.owners.delete(id);
        const list = groups.get(o) ?? [];
        list.push(id);
        groups.set(o, list);
      }
      for (const [o, list] of groups) if (o.alive) o.errors(list, message);
    });
  }

  block(report: BlockReport, txs?: readonly Tx[]): void {
    // Counted when executed: a stall delays the answers, not the work.
    this.metrics?.block(blockFigures(report, txs));
    this.faults.whenRunning(() => {
      this.blocks.set(report.number, report);
      this.blocks.delete(report.number - BLOCK_LOG);
      for (const c of this.sockets) c.block(report);
    });
  }

  /** Finishes the block in progress, answers what it committed, and errors what never ran. */
  async close(): Promise<void> {
    this.closed = true;
    this.faults.stop();
    await this.target.close();
    const left = [...this.owners.keys()];
    if (left.length > 0) this.fail(left, 'server shutting down: not executed');
  }

  get idle(): boolean {
    return this.sockets.size === 0 && this.owners.size === 0;
  }
}

/** One WebSocket client. */
class Connection implements Owner {
  private readonly server: TargetServer;
  private readonly ws: WebSocket;
  private readonly encoder = new FrameEncoder();
  private hello: Hello | undefined;
  private session: Session | undefined;
  private carried = 0;
  alive = true;

  constructor(server: TargetServer, ws: WebSocket) {
    this.server = server;
    this.ws = ws;
    ws.on('message', (data, isBinary) => void this.onMessage(data, isBinary));
    ws.on('close', () => this.onClose());
    // Oversize frames: ws closes with 1009 itself; the error only says so.
    ws.on('error', () => this.onClose());
  }

  private get binary(): boolean {
    return this.hello?.encoding === 'binary';
  }

  private async onMessage(data: RawData, isBinary: boolean): Promise<void> {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (!this.hello) return this.onHello(bytes, isBinary);
    if (!this.session) return this.error('not-ready', 'the hello is still being answered: wait for the welcome before sending transactions');
    let txs: Tx[];
    try {
      const message = isBinary ? decodeFrame(bytes, { kinds: this.hello.kinds, reasons: REASONS }) : decodeText(bytes.toString('utf8'));
      if (message.type !== 'txs') throw new MalformedFrame(`a "${message.type}" message: a client sends only transactions after its hello`);
      txs = message.txs;
    } catch (e) {
      if (!(e instanceof MalformedFrame)) throw e;
      return this.error('malformed', `frame rejected, none of its transactions taken: ${e.message}`, e.frame);
    }
    if (txs.length > this.server.maxBatch) {
      return this.error('malformed', `frame rejected: ${txs.length} transactions in one frame, at most ${this.server.maxBatch}`, { baseId: txs[0]?.id ?? 0, count: txs.length });
    }
    this.session.submit(txs, this);
    this.carried += txs.length;
    const limit = this.server.faults.dropConnectionAfter;
    if (limit !== undefined && this.carried >= limit) this.ws.terminate();
  }

  private async onHello(bytes: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) return this.refuse('bad-hello', 'the first message must be a JSON hello (text frame), not a binary frame');
    let hello: Hello;
    try {
      const message = decodeText(bytes.toString('utf8'));
      if (message.type !== 'hello') throw new MalformedFrame(`a "${message.type}" message before the hello`);
      hello = message;
    } catch (e) {
      if (!(e instanceof MalformedFrame)) throw e;
      return this.refuse('bad-hello', e.message);
    }
    if (hello.protocol !== WIRE_PROTOCOL) return this.refuse('unsupported-protocol', `protocol "${hello.protocol}"; this server speaks ${WIRE_PROTOCOL}`);
    this.hello = hello;
    const joined = await this.server.join(hello);
    if (!(joined instanceof Session)) return this.refuse(joined.code, joined.message);
    if (!this.alive) return;
    this.session = joined;
    joined.sockets.add(this);
    this.ws.send(encodeText(this.server.welcome()));
  }

  receipts(receipts: ReceiptRecord[]): void {
    if (!this.alive) return;
    this.ws.send(this.binary ? this.encoder.receipts(receipts, reasonIds) : encodeText({ type: 'receipts', receipts }));
  }

  errors(ids: number[], message: string): void {
    if (!this.alive) return;
    this.ws.send(this.binary ? this.encoder.errors(ids, message) : encodeText({ type: 'errors', ids, message }));
  }

  block(report: BlockReport): void {
    if (!this.alive) return;
    this.ws.send(this.binary ? this.encoder.block(report) : encodeText({ type: 'block', block: report }));
  }

  private error(code: WireErrorCode, message: string, frame?: { baseId: number; count: number }): void {
    if (this.alive) this.ws.send(encodeText({ type: 'error', code, message, ...(frame ? { frame } : {}) }));
  }

  /** An error that ends the conversation: said, then the connection closes. */
  private refuse(code: WireErrorCode, message: string): void {
    this.error(code, message);
    this.ws.close(1008, code);
  }

  goAway(): void {
    if (this.alive) this.ws.close(1001, 'server shutting down');
  }

  private onClose(): void {
    if (!this.alive) return;
    this.alive = false;
    this.session?.sockets.delete(this);
  }
}

/** An HTTP request waiting for the answers to its transactions. */
class PendingRequest implements Owner {
  private readonly session: Session;
  private readonly res: ServerResponse;
  private left: number;
  private readonly receiptList: ReceiptRecord[] = [];
  private readonly errorList: { ids: number[]; message: string }[] = [];
  private readonly single: boolean;
  alive = true;

  constructor(session: Session, res: ServerResponse, count: number, single: boolean) {
    this.session = session;
    this.res = res;
    this.left = count;
    this.single = single;
    res.on('close', () => {
      this.alive = false;
    });
    if (count === 0) this.finish();
  }

  receipts(receipts: ReceiptRecord[]): void {
    this.receiptList.push(...receipts);
    this.left -= receipts.length;
    if (this.left <= 0) this.finish();
  }

  errors(ids: number[], message: string): void {
    this.errorList.push({ ids, message });
    this.left -= ids.length;
    if (this.left <= 0) this.finish();
  }

  private finish(): void {
    if (!this.alive) return;
    this.alive = false;
    // The blocks its receipts landed in: an HTTP client learns of blocks only here.
    const numbers = new Set(this.receiptList.map((r) => r.block));
    const blocks = [...numbers].flatMap((n) => this.session.blocks.get(n) ?? []);
    if (this.single) {
      const e = this.errorList[0];
      respond(this.res, 200, this.receiptList[0] ? { receipt: this.receiptList[0], blocks } : { error: { message: e?.message ?? 'no answer' } });
    } else respond(this.res, 200, { receipts: this.receiptList, errors: this.errorList, blocks });
  }
}

function respond(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class TargetServer {
  readonly options: ServerOptions;
  readonly maxFrameBytes: number;
  readonly maxBatch: number;
  readonly faults: FaultOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private session: Session | undefined;
  private opening: Promise<Session> | undefined;
  private readonly connections = new Set<Connection>();
  /** Transactions each HTTP socket has carried (for --drop-connection-after). */
  private readonly carried = new WeakMap<object, number>();
  private closing: Promise<void> | undefined;
  private readonly executorMetrics: ExecutorMetrics | undefined;

  private constructor(options: ServerOptions) {
    this.options = options;
    this.executorMetrics = options.metrics
      ? new ExecutorMetrics(options.metrics, {
          executor: options.noop ? 'noop' : options.executor,
          threads: options.threads,
          blockSizeLimit: options.blockSize,
          blockBuckets: BLOCK_BUCKETS,
          queueDepth: () => {
            const t = this.session?.target;
            return t instanceof InprocTarget ? t.queued : 0;
          },
        })
      : undefined;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.faults = options.faults ?? {};
    this.http = createServer((req, res) => void this.onHttp(req, res));
    this.http.keepAliveTimeout = 60_000;
    this.wss = new WebSocketServer({ server: this.http, maxPayload: this.maxFrameBytes, perMessageDeflate: false });
    this.wss.on('connection', (ws) => {
      const c = new Connection(this, ws);
      this.connections.add(c);
      ws.on('close', () => this.connections.delete(c));
    });
  }

  /** Listens; resolves once the port is bound. */
  static async start(options: ServerOptions): Promise<TargetServer> {
    const server = new TargetServer(options);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** ws://host:port/ (the HTTP endpoints share the port). */
  get url(): string {
    const a = this.http.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `ws://${host}:${a.port}/`;
  }

  welcome(): Welcome {
    const o = this.options;
    return {
      type: 'welcome',
      protocol: WIRE_PROTOCOL,
      server: o.name ?? 'parabench',
      executor: o.noop ? 'noop' : o.executor,
      threads: o.threads,
      blockSize: o.blockSize,
      blockTimeMs: o.blockTimeMs,
      maxFrameBytes: this.maxFrameBytes,
      maxBatch: this.maxBatch,
      reasons: [...REASONS],
    };
  }

  /** The session a hello belongs to, started if need be; or why it cannot be had. */
  async join(hello: Hello): Promise<Session | { code: WireErrorCode; message: string }> {
    if (this.closing) return { code: 'shutting-down', message: 'the server is shutting down: no new runs' };
    const current = this.session ?? (await this.opening);
    if (current && current.id === hello.session && !current.closed) return current;
    if (current && !current.idle) return { code: 'busy', message: `the server is busy with run "${current.id}" (${current.sockets.size} connections, ${current.owners.size} transactions in flight); one run at a time` };
    this.opening = (async () => {
      await current?.close();
      const faults = new Faults(this.faults);
      const target: Target = this.options.noop
        ? new NoopTarget()
        : new InprocTarget({
            executor: this.options.executor,
            threads: this.options.threads,
            blockSize: this.options.blockSize,
            blockTimeMs: this.options.blockTimeMs,
            // The client checks the results: it knows the transactions, and the receipts say where they went.
            verifyMaxTxs: 0,
          });
      const session = new Session(hello.session, target, faults, this.executorMetrics);
      await target.open({
        genesis: hello.genesis,
        clock: systemClock,
        onReceipts: (rs) => session.deliver(rs),
        onErrors: (ids, e) => session.fail(ids, e.message),
        onBlock: (b, txs) => session.block(b, txs),
      });
      faults.start();
      this.session = session;
      return session;
    })();
    try {
      return await this.opening;
    } finally {
      this.opening = undefined;
    }
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    try {
      if (route === 'GET /health') return respond(res, 200, { status: this.closing ? 'shutting-down' : 'ok', protocol: WIRE_PROTOCOL });
      if (route !== 'POST /hello' && route !== 'POST /txs' && route !== 'POST /tx') {
        return respond(res, 404, wireError('malformed', `no endpoint ${route}; the endpoints are POST /hello, POST /txs, POST /tx, GET /health`));
      }
      const body = await readBody(req, this.maxFrameBytes);
      if (body === undefined) return respond(res, 413, wireError('oversize', `a body over ${this.maxFrameBytes} bytes`));
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (e) {
        return respond(res, 400, wireError('malformed', `a body that is not JSON: ${(e as Error).message}`));
      }
      if (route === 'POST /hello') {
        const hello = helloSchema.safeParse(value);
        if (!hello.success) return respond(res, 400, wireError('bad-hello', `a hello that does not follow the protocol: ${hello.error.issues[0]?.path.join('.') ?? ''}: ${hello.error.issues[0]?.message ?? ''}`));
        if (hello.data.protocol !== WIRE_PROTOCOL) return respond(res, 400, wireError('unsupported-protocol', `protocol "${hello.data.protocol}"; this server speaks ${WIRE_PROTOCOL}`));
        const joined = await this.join(hello.data);
        if (!(joined instanceof Session)) return respond(res, joined.code === 'busy' ? 409 : 503, wireError(joined.code, joined.message));
        return respond(res, 200, this.welcome());
      }
      const envelope = value as { session?: unknown; txs?: unknown; tx?: unknown };
      const session = this.session;
      if (!session || envelope.session !== session.id) return respond(res, 409, wireError('not-ready', 'no such session: send a hello first (POST /hello), then name its session in every request'));
      const single = route === 'POST /tx';
      let txs: Tx[];
      try {
        txs = txsFromJson(single ? [envelope.tx] : envelope.txs);
      } catch (e) {
        if (!(e instanceof MalformedFrame)) throw e;
        return respond(res, 400, wireError('malformed', e.message));
      }
      if (txs.length > this.maxBatch) return respond(res, 400, wireError('malformed', `${txs.length} transactions in one request, at most ${this.maxBatch}`));
      session.submit(txs, new PendingRequest(session, res, txs.length, single));
      // The fault of a cut connection, for HTTP: the socket goes once it has carried its share.
      const limit = this.faults.dropConnectionAfter;
      if (limit !== undefined) {
        const carried = (this.carried.get(req.socket) ?? 0) + txs.length;
        this.carried.set(req.socket, carried);
        if (carried >= limit) req.socket.destroy();
      }
    } catch (e) {
      if (!res.headersSent) respond(res, 500, wireError('malformed', `the server failed: ${(e as Error).message}`));
    }
  }

  /**
   * Graceful shutdown: no new connections, the block in progress finished and answered, what never
   * ran answered with an error, then every connection closed.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.wss.close();
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      const session = this.session ?? (await this.opening?.catch(() => undefined));
      await session?.close();
      for (const c of this.connections) c.goAway();
      this.http.closeIdleConnections();
      setTimeout(() => this.http.closeAllConnections(), 1000).unref();
      await closed;
    })();
    return this.closing;
  }
}

function wireError(code: WireErrorCode, message: string): object {
  return { type: 'error', code, message };
}

/** The request body, or undefined when it is larger than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

