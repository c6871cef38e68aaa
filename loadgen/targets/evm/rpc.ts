/**
 * Ethereum JSON-RPC over HTTP or WebSocket, with batches: the only file of the EVM adapter that
 * talks to the node. A node that is not listening is told apart from one that answers with an
 * error. Over WebSocket, `eth_subscribe` newHeads tells when a block is mined.
 */
import WebSocket from 'ws';

export class RpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }

  /** True when the node has no such method (or has it turned off): asking again is pointless. */
  get unsupported(): boolean {
    return this.code === -32601 || /not (found|supported|available)|unsupported/i.test(this.message);
  }
}

/** The node could not be reached, or did not answer (refused, timed out, not HTTP). */
export class RpcUnreachable extends Error {
  /** True when the request may have reached the node all the same (no answer in time, a connection closed after sending). */
  readonly delivered: boolean;
  constructor(message: string, delivered = false) {
    super(message);
    this.delivered = delivered;
  }
}

export interface RpcCall {
  readonly method: string;
  readonly params: readonly unknown[];
}

export type RpcAnswer = { readonly result: unknown } | { readonly error: RpcError };

interface Envelope {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string };
}

/** What the EVM adapter needs of a node connection, over either transport. */
export interface Rpc {
  readonly url: string;
  call<T>(method: string, params?: readonly unknown[]): Promise<T>;
  batch(calls: readonly RpcCall[]): Promise<RpcAnswer[]>;
  /** Calls `onHead` at each new block, where the transport can say (WebSocket); false where it cannot. */
  onNewHeads(onHead: () => void): Promise<boolean>;
  close(): Promise<void>;
}

export class JsonRpc implements Rpc {
  readonly url: string;
  private readonly timeoutMs: number;
  private nextId = 1;

  constructor(url: string, timeoutMs = 5000) {
    this.url = url;
    this.timeoutMs = timeoutMs;
  }

  private async post(body: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code === 'ECONNREFUSED' ? 'connection refused' : (e as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new RpcUnreachable(`cannot reach ${this.url}: ${why}`, (e as Error).name === 'TimeoutError');
    }
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new RpcUnreachable(`${this.url} answered HTTP ${res.status} with something that is not JSON-RPC: ${text.slice(0, 120)}`);
    }
  }

  async call<T>(method: string, params: readonly unknown[] = []): Promise<T> {
    const id = this.nextId++;
    const answer = (await this.post({ jsonrpc: '2.0', id, method, params })) as Envelope;
    if (answer.error) throw new RpcError(answer.error.code, answer.error.message);
    return answer.result as T;
  }

  async onNewHeads(): Promise<boolean> {
    return false;
  }

  async close(): Promise<void> {}

  /** One HTTP request for many calls; the answers in the calls' order (a node may reorder them). */
  async batch(calls: readonly RpcCall[]): Promise<RpcAnswer[]> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    this.nextId += calls.length;
    const body = calls.map((c, i) => ({ jsonrpc: '2.0', id: first + i, method: c.method, params: c.params }));
    const answers = (await this.post(body)) as Envelope[] | Envelope;
    if (!Array.isArray(answers)) {
      const e = (answers as Envelope).error;
      throw new RpcError(e?.code ?? -32600, `the batch was refused: ${e?.message ?? 'not an array'}`);
    }
    const byId = new Map(answers.map((a) => [a.id, a]));
    return calls.map((_, i) => {
      const a = byId.get(first + i);
      if (!a) return { error: new RpcError(-32603, 'no answer in the batch') };
      return a.error ? { error: new RpcError(a.error.code, a.error.message) } : { result: a.result };
    });
  }
}

/** JSON-RPC over one WebSocket: calls and batches matched by id, and newHeads notifications. */
export class WsJsonRpc implements Rpc {
  readonly url: string;
  private readonly timeoutMs: number;
  private ws: WebSocket | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(e: Envelope): void; reject(e: Error): void }>();
  private readonly subscriptions = new Map<string, () => void>();

  constructor(url: string, timeoutMs = 5000) {
    this.url = url;
    this.timeoutMs = timeoutMs;
  }

  private connect(): Promise<WebSocket> {
    if (this.ws) return Promise.resolve(this.ws);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { handshakeTimeout: this.timeoutMs, perMessageDeflate: false });
      ws.once('open', () => {
        this.ws = ws;
        resolve(ws);
      });
      ws.once('error', (e: NodeJS.ErrnoException) => reject(new RpcUnreachable(`cannot reach ${this.url}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`)));
      ws.on('message', (data) => this.onMessage(data.toString()));
      ws.on('close', () => {
        this.ws = undefined;
        for (const w of this.waiting.values()) w.reject(new RpcUnreachable(`${this.url} closed the connection`, true));
        this.waiting.clear();
      });
    });
  }

  private onMessage(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    for (const m of Array.isArray(value) ? (value as Envelope[]) : [value as Envelope & { method?: string; params?: { subscription?: string } }]) {
      const note = m as { method?: string; params?: { subscription?: string } };
      if (note.method === 'eth_subscription') {
        const f = this.subscriptions.get(note.params?.subscription ?? '');
        f?.();
        continue;
      }
      const w = this.waiting.get(m.id);
      if (!w) continue;
      this.waiting.delete(m.id);
      w.resolve(m);
    }
  }

  private async send(body: unknown, ids: readonly number[]): Promise<Envelope[]> {
    const ws = await this.connect();
    const answers = ids.map(
      (id) =>
        new Promise<Envelope>((resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
        }),
    );
    ws.send(JSON.stringify(body));
    // As over HTTP: a node that keeps the socket open but does not answer must not hold the caller for ever.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        for (const id of ids) this.waiting.delete(id);
        reject(new RpcUnreachable(`cannot reach ${this.url}: no answer within ${this.timeoutMs / 1000} s`, true));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(answers), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async call<T>(method: string, params: readonly unknown[] = []): Promise<T> {
    const id = this.nextId++;
    const [answer] = await this.send({ jsonrpc: '2.0', id, method, params }, [id]);
    if (answer?.error) throw new RpcError(answer.error.code, answer.error.message);
    return answer?.result as T;
  }

  async batch(calls: readonly RpcCall[]): Promise<RpcAnswer[]> {
    if (calls.length === 0) return [];
    const ids = calls.map(() => this.nextId++);
    const answers = await this.send(
      calls.map((c, i) => ({ jsonrpc: '2.0', id: ids[i], method: c.method, params: c.params })),
      ids,
    );
    return answers.map((a) => (a.error ? { error: new RpcError(a.error.code, a.error.message) } : { result: a.result }));
  }

  async onNewHeads(onHead: () => void): Promise<boolean> {
    const id = await this.call<string>('eth_subscribe', ['newHeads']);
    this.subscriptions.set(id, onHead);
    return true;
  }

  async close(): Promise<void> {
    const ws = this.ws;
    if (!ws) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  }
}

/** A long list of calls as batches of at most `size`, one after another: the answers, in order. */
export async function batchChunked(rpc: Rpc, calls: readonly RpcCall[], size = 500): Promise<RpcAnswer[]> {
  const out: RpcAnswer[] = [];
  for (let from = 0; from < calls.length; from += size) out.push(...(await rpc.batch(calls.slice(from, from + size))));
  return out;
}
