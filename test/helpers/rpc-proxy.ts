/**
 * A JSON-RPC proxy on a free loopback port in front of a real node, for faults a real node will
 * not make on cue: it can answer a call itself with an error (a refusal), hold back its answer to
 * a request it has already forwarded (a node that answers late), or lose a request (never forward it).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyCall {
  readonly id: number;
  readonly method: string;
  readonly params: readonly unknown[];
}

export interface Intercept {
  /** An error message to answer the call with instead of forwarding it, or undefined to forward it. */
  refuse?(call: ProxyCall): string | undefined;
  /** How long to hold the node's answer to this request back, ms. */
  delayMs?(calls: readonly ProxyCall[]): number;
  /** True to lose the request: nothing is forwarded, and the answer (after delayMs) is empty. */
  lose?(calls: readonly ProxyCall[]): boolean;
}

export async function startRpcProxy(upstream: string, intercept: Intercept): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as ProxyCall | ProxyCall[];
      const calls = Array.isArray(parsed) ? parsed : [parsed];
      const refusals = new Map<number, string>();
      for (const c of calls) {
        const message = intercept.refuse?.(c);
        if (message !== undefined) refusals.set(c.id, message);
      }
      const lost = intercept.lose?.(calls) ?? false;
      const forward = lost ? [] : calls.filter((c) => !refusals.has(c.id));
      const delay = intercept.delayMs?.(calls) ?? 0;
      const answer = (results: unknown[]): void => {
        const refused = [...refusals].map(([id, message]) => ({ jsonrpc: '2.0', id, error: { code: -32003, message } }));
        const all = [...results, ...refused];
        setTimeout(() => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(Array.isArray(parsed) ? all : all[0]));
        }, delay);
      };
      if (forward.length === 0) return answer([]);
      void fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forward) })
        .then((r) => r.json() as Promise<unknown[]>)
        .then(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => void server.close() };
}
