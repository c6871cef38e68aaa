/**
 * Ethereum JSON-RPC over HTTP, with batches: the only file of the EVM adapter that talks to the
 * node. A node that is not listening is told apart from one that answers with an error.
 */

export class RpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** The node could not be reached at all (refused, timed out, not HTTP). */
export class RpcUnreachable extends Error {}

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

export class JsonRpc {
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
      throw new RpcUnreachable(`cannot reach ${this.url}: ${why}`);
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
