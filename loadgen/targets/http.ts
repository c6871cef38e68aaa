/**
 * The HTTP target adapter: the wire protocol's JSON form over HTTP (docs/PROTOCOL.md), for targets
 * that cannot speak WebSocket. Open loop: each submit is one POST /txs on a pool of keep-alive
 * sockets, sent when the schedule says, whether or not earlier requests have been answered; the
 * answer comes when every transaction in the request has been committed or failed, and is stamped
 * when it arrives. Requests waiting for a free socket wait in the agent, and that wait is in their
 * latency, as it should be (latency runs from the intended send time).
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { ParabenchError } from '../../core/errors.js';
import type {
  BoundSummary,
  ClosedLoopSource,
  ExecutorStats,
  RecordedBlockChecks,
  Target,
  TargetDescription,
  TargetInit,
  Verification,
  WithBlockAnalysis,
  WithExecutorStats,
  WithClosedLoopDriver,
  WithVerification,
} from '../../core/target.js';
import type { Receipt, Tx } from '../../core/tx.js';
import { WIRE_PROTOCOL, welcomeSchema, type BlockRecord, type Hello, type ReceiptRecord, type Welcome } from '../../core/wire.js';
import { kindIds } from '../../ledger/index.js';
import { RemoteBlocks } from './remote.js';
import { describeSocketError } from './ws.js';

export interface HttpTargetOptions {
  /** http://host:port/ */
  readonly url: string;
  /** Keep-alive sockets: requests in flight at once. */
  readonly connections?: number;
  readonly connectTimeoutMs?: number;
  /** Most transactions kept for the check against sequential execution; 0 turns it off. */
  readonly verifyMaxTxs?: number;
  readonly checks?: RecordedBlockChecks;
  readonly client?: string;
}

interface TxsAnswer {
  readonly receipts?: ReceiptRecord[];
  readonly errors?: { ids: number[]; message: string }[];
  readonly blocks?: BlockRecord[];
}

export class HttpTarget implements Target, WithExecutorStats, WithVerification, WithBlockAnalysis, WithClosedLoopDriver {
  private readonly options: HttpTargetOptions;
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly remote: RemoteBlocks;
  private init: TargetInit | undefined;
  private clock: Clock | undefined;
  private session = '';
  private welcome: Welcome | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;

  constructor(options: HttpTargetOptions) {
    this.options = options;
    this.base = new URL(options.url);
    this.agent = new Agent({ keepAlive: true, maxSockets: Math.max(1, options.connections ?? 1) });
    this.remote = new RemoteBlocks(options.verifyMaxTxs ?? 1_000_000, options.checks);
  }

  get description(): TargetDescription {
    const w = this.welcome;
    return { kind: 'http', url: this.options.url, ...(w ? { executor: w.executor, threads: w.threads, blockSize: w.blockSize, blockTimeMs: w.blockTimeMs } : {}) };
  }

  async open(init: TargetInit): Promise<void> {
    this.init = init;
    this.remote.start(init.genesis);
    this.clock = init.clock;
    this.session = randomUUID();
    const hello: Hello = {
      type: 'hello',
      protocol: WIRE_PROTOCOL,
      session: this.session,
      encoding: 'json',
      genesis: init.genesis,
      kinds: [...kindIds],
      ...(this.options.client ? { client: this.options.client } : {}),
    };
    let answer: { status: number; body: unknown };
    try {
      answer = await this.post('/hello', hello, this.options.connectTimeoutMs ?? 5000);
    } catch (e) {
      throw new ParabenchError('TARGET_UNREACHABLE', `cannot reach ${this.options.url}: ${describeSocketError(e)}`, {
        hint: 'Is the target running? Start one with `parabench serve --executor sequential` and pass the URL it prints.',
      });
    }
    const welcome = welcomeSchema.safeParse(answer.body);
    if (answer.status !== 200 || !welcome.success) {
      const e = answer.body as { code?: string; message?: string } | undefined;
      throw new ParabenchError('TARGET_UNREACHABLE', `${this.options.url} refused the run: ${e?.code ? `${e.code}: ${e.message}` : `HTTP ${answer.status}, not a welcome`}`);
    }
    this.welcome = welcome.data;
  }

  submit(txs: readonly Tx[]): void {
    const init = this.init;
    if (!init) throw new Error('submit() before open()');
    this.remote.sent(txs);
    const ids = (): number[] => txs.map((t) => t.id);
    const done = this.post('/txs', { session: this.session, txs })
      .then(({ status, body }) => this.answer(status, body, ids))
      .catch((e: unknown) => {
        // Requests cut short by close(): the run has already timed their transactions out.
        if (this.closing) return;
        const code = (e as NodeJS.ErrnoException).code;
        init.onErrors(ids(), new Error(code === 'ECONNRESET' || code === 'EPIPE' ? 'connection lost' : `http: ${describeSocketError(e)}`));
      });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  /** An answer to POST /txs: its blocks, receipts and errors to the run; an HTTP error ends all its transactions. */
  private answer(status: number, body: unknown, ids: () => number[]): void {
    const init = this.init!;
    if (status !== 200) {
      const e = body as { code?: string; message?: string } | undefined;
      init.onErrors(ids(), new Error(`HTTP ${status}${e?.code ? ` ${e.code}: ${e.message}` : ''}`));
      return;
    }
    const answer = body as TxsAnswer;
    for (const b of answer.blocks ?? []) {
      this.remote.block(b);
      init.onBlock?.(b);
    }
    const now = this.clock!.now();
    const receipts: Receipt[] = (answer.receipts ?? []).map((r) =>
      r.reason === undefined
        ? { id: r.id, status: r.status, block: r.block, position: r.position, commitMs: now }
        : { id: r.id, status: r.status, reason: r.reason, block: r.block, position: r.position, commitMs: now },
    );
    for (const r of receipts) this.remote.receipt(r);
    if (receipts.length > 0) init.onReceipts(receipts);
    for (const e of answer.errors ?? []) init.onErrors(e.ids, new Error(e.message));
  }

  /**
   * A closed loop at the most the target sustains, driven by autocannon: inFlight / batch
   * connections, each with one POST /txs of `batch` transactions outstanding, sending the next as
   * soon as the last is answered. Only autocannon's pacing is used: latency is measured here, from
   * each request's sending to its answer, as in every other run (autocannon's own histogram has
   * millisecond resolution and is not used).
   */
  driveClosedLoop(source: ClosedLoopSource, options: { inFlight: number; batch: number; untilMs: number }): Promise<void> {
    const connections = Math.max(1, Math.ceil(options.inFlight / options.batch));
    const session = this.session;
    let pending = 0;
    return new Promise((resolve, reject) => {
      const instance = autocannon(
        {
          url: this.base.origin,
          connections,
          pipelining: 1,
          // An upper bound: the run stops it when it is over (below).
          duration: Math.max(1, Math.ceil((options.untilMs - this.clock!.now()) / 1000) + 60),
          requests: [
            {
              setupRequest: (req, context) => {
                const ctx = context as { ids?: number[] };
                const txs = source.next(options.batch);
                ctx.ids = txs.map((t) => t.id);
                // The run is over: keep the connection busy with something harmless until autocannon stops.
                if (txs.length === 0) return { ...req, method: 'GET', path: '/health' };
                pending++;
                this.remote.sent(txs);
                return { ...req, method: 'POST', path: '/txs', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session, txs }) };
              },
              onResponse: (status, body, context) => {
                const ids = (context as { ids?: number[] }).ids ?? [];
                if (ids.length === 0) return;
                pending--;
                let parsed: unknown;
                try {
                  parsed = JSON.parse(body);
                } catch {
                  parsed = { message: 'an answer that is not JSON' };
                }
                this.answer(status, parsed, () => ids);
              },
            },
          ],
        },
        (err) => {
          clearInterval(poll);
          if (err) reject(err);
          else resolve();
        },
      );
      // Stop once the run is over and the last requests have been answered.
      const poll = setInterval(() => {
        if (source.done() && pending === 0) instance.stop();
      }, 10);
    });
  }

  /** One POST with a JSON body; resolves with the status and the parsed answer. */
  private post(path: string, body: unknown, timeoutMs?: number): Promise<{ status: number; body: unknown }> {
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.base),
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, ...(timeoutMs ? { timeout: timeoutMs } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: raw === '' ? undefined : JSON.parse(raw) });
            } catch {
              resolve({ status: res.statusCode ?? 0, body: { message: `an answer that is not JSON: ${raw.slice(0, 80)}` } });
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${(timeoutMs ?? 0) / 1000} s`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(text);
    });
  }

  async close(): Promise<void> {
    // The run has drained: what is still in flight has timed out, and its answer would come too late.
    this.closing = true;
    this.agent.destroy();
    await Promise.allSettled([...this.inFlight]);
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
