import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { decodeFrame, decodeText, encodeText, FrameEncoder, WIRE_PROTOCOL, type ReceiptRecord } from '../../core/wire.js';
import { REASONS } from '../../ledger/index.js';

/**
 * A deliberately broken target: it welcomes and answers, but answers every transaction twice,
 * never reports a block, and ignores frames it cannot read. Conformance must catch each of these.
 */
export async function brokenServer(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 1 << 20 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const encoder = new FrameEncoder();
  const reasons = new Map<string, number>(REASONS.map((r, i) => [r, i]));
  wss.on('connection', (ws) => {
    let kinds: string[] | undefined;
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      if (!kinds) {
        let hello;
        try {
          hello = decodeText(data.toString());
        } catch {
          return; // broken on purpose: no error reply
        }
        if (hello.type !== 'hello') return;
        kinds = hello.kinds;
        ws.send(encodeText({ type: 'welcome', protocol: WIRE_PROTOCOL, server: 'broken', executor: 'none', threads: 1, blockSize: 1000, blockTimeMs: 10, maxFrameBytes: 1 << 20, maxBatch: 1000, reasons: [...REASONS] }));
        return;
      }
      try {
        const m = isBinary ? decodeFrame(data as Buffer, { kinds, reasons: REASONS }) : decodeText(data.toString());
        if (m.type !== 'txs') return;
        const receipts: ReceiptRecord[] = m.txs.map((t, i) => ({ id: t.id, status: 'committed', block: 1, position: i }));
        const frame = isBinary ? encoder.receipts(receipts, reasons) : encodeText({ type: 'receipts', receipts });
        ws.send(frame);
        ws.send(frame);
      } catch {
        // Broken on purpose: a frame it cannot read gets no answer.
      }
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    }),
  };
}
