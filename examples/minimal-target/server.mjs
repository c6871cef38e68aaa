#!/usr/bin/env node
// A minimal parabench.wire/1 target: a sequential `transfer` executor behind a WebSocket.
//
// This is an independent implementation written from docs/PROTOCOL.md alone (no parabench
// source was read), meant as a starting point for executor authors: replace `executeBlock`
// with your own (parallel) executor and keep the wire handling. It uses only Node built-ins
// and the `ws` package. It computes no state root and ignores each transaction's cost.
//
//   node server.mjs [port]          # default 7171; 0 picks a free port
//   parabench conformance ws://127.0.0.1:PORT/
//
// Where docs/PROTOCOL.md leaves a choice to the server, this one:
//  - answers transactions sent before a hello with `not-ready` and keeps the connection;
//  - on shutdown executes the block being collected (it is all the server holds), then sends each
//    connection a `shutting-down` error and closes it with 1001;
//  - accepts every genesis field and uses only accounts, initialBalance and fee.
import { WebSocketServer } from 'ws';

const PROTOCOL = 'parabench.wire/1';
const BLOCK_SIZE = 1000, BLOCK_TIME_MS = 20, MAX_FRAME_BYTES = 1 << 20, MAX_BATCH = 10000;
const REASONS = ['unknown-kind', 'nonce-too-low', 'insufficient-fee', 'insufficient-funds']; // code k => REASONS[k-1]
const HELLO_FIELDS = new Set(['type', 'protocol', 'session', 'encoding', 'genesis', 'kinds', 'client']);
const STATS = ['executions', 'reexecutions', 'validations', 'aborts', 'waits', 'crossShard',
  'fallbacks', 'execMs', 'prepareMs', 'commitMs'];

let session = null;       // { id, genesis, balance, nonce, conns: Set, pending: [], blocks, timer }
let shuttingDown = false;

// ---- the executor: sequential, exactly the pseudo-code of "What your executor must compute" ----
function execute(s, tx) {
  const nonce = s.nonce.get(tx.sender) ?? 0;
  if (tx.nonce < nonce) return 'nonce-too-low';                       // nothing else changes
  const balance = (a) => s.balance.get(a) ?? (a < s.genesis.accounts ? s.genesis.initialBalance : 0);
  let reason = null;
  const fee = s.genesis.fee && s.genesis.fee.mode !== 'none' ? s.genesis.fee.amount : 0;
  if (fee > 0 && balance(tx.sender) < fee) reason = 'insufficient-fee';
  else {
    if (fee > 0) {                                                   // kept even if the kind fails
      s.balance.set(tx.sender, balance(tx.sender) - fee);
      s.balance.set(s.genesis.accounts, balance(s.genesis.accounts) + fee);   // the coinbase
    }
    if (tx.kind === 'transfer') {
      const [to, amount] = tx.args;
      if (balance(tx.sender) >= amount) {
        s.balance.set(tx.sender, balance(tx.sender) - amount);
        s.balance.set(to, balance(to) + amount);
      } else reason = 'insufficient-funds';
    } else reason = 'unknown-kind';
  }
  s.nonce.set(tx.sender, tx.nonce + 1);                               // also when it failed
  return reason;
}

function executeBlock(s, txs) {
  const number = ++s.blocks, t0 = performance.now();
  const results = txs.map((tx) => execute(s, tx));
  const stats = Object.fromEntries(STATS.map((k) => [k, 0]));
  stats.executions = txs.length;
  stats.execMs = performance.now() - t0;
  for (const c of s.conns) send(c, encodeBlock(c, number, txs.length, stats));
  const byConn = new Map();
  txs.forEach((tx, position) => {
    if (!byConn.has(tx.conn)) byConn.set(tx.conn, []);
    byConn.get(tx.conn).push({ id: tx.id, reason: results[position], block: number, position });
  });
  for (const [c, receipts] of byConn) send(c, encodeReceipts(c, receipts));
}

// ---- blocks: collect for up to BLOCK_TIME_MS or BLOCK_SIZE transactions ----
function enqueue(s, txs) {
  s.pending.push(...txs);
  while (s.pending.length >= BLOCK_SIZE) cutBlock(s);
  if (s.pending.length > 0 && !s.timer) s.timer = setTimeout(() => { s.timer = null; cutBlock(s); }, BLOCK_TIME_MS);
}

function cutBlock(s) {
  if (s.timer && s.pending.length <= BLOCK_SIZE) { clearTimeout(s.timer); s.timer = null; }
  const txs = s.pending.splice(0, BLOCK_SIZE);
  if (txs.length > 0) executeBlock(s, txs);
  if (s.pending.length > 0 && !s.timer && !shuttingDown) {
    s.timer = setTimeout(() => { s.timer = null; cutBlock(s); }, BLOCK_TIME_MS);
  }
}

const idle = (s) => s.conns.size === 0 && s.pending.length === 0;

// ---- encoding ----
function header(type, count, base, extra) {
  const b = Buffer.alloc(16 + extra);
  b.writeUInt8(type, 0); b.writeUInt8(1, 1); b.writeUInt16LE(0, 2);
  b.writeUInt32LE(count, 4); b.writeDoubleLE(base, 8);
  return b;
}

function encodeBlock(c, number, n, stats) {
  if (c.encoding === 'json') return JSON.stringify({ type: 'block', block: { number, txs: n, stateRoot: '', stats } });
  const b = header(3, n, number, 8 + 80);                             // reserved 0: no state root
  STATS.forEach((k, i) => b.writeDoubleLE(stats[k], 24 + 8 * i));
  return b;
}

function encodeReceipts(c, receipts) {
  if (c.encoding === 'json') {
    return JSON.stringify({ type: 'receipts', receipts: receipts.map((r) => r.reason === null
      ? { id: r.id, status: 'committed', block: r.block, position: r.position }
      : { id: r.id, status: 'failed', reason: r.reason, block: r.block, position: r.position }) });
  }
  const base = Math.min(...receipts.map((r) => r.id));
  const b = header(2, receipts.length, base, 16 * receipts.length);
  receipts.forEach((r, i) => {
    const o = 16 + 16 * i;
    b.writeUInt32LE(r.id - base, o);
    b.writeUInt16LE(r.reason === null ? 0 : REASONS.indexOf(r.reason) + 1, o + 4);
    b.writeUInt32LE(r.block, o + 8); b.writeUInt32LE(r.position, o + 12);
  });
  return b;
}

function encodeErrors(c, ids, message) {
  if (c.encoding === 'json') return JSON.stringify({ type: 'errors', ids, message });
  const msg = Buffer.from(message, 'utf8'), base = Math.min(...ids);
  const b = header(4, ids.length, base, 4 + 4 * ids.length + msg.length);
  b.writeUInt32LE(msg.length, 16);
  ids.forEach((id, i) => b.writeUInt32LE(id - base, 20 + 4 * i));
  msg.copy(b, 20 + 4 * ids.length);
  return b;
}

function send(c, data) { if (c.ws.readyState === c.ws.OPEN) c.ws.send(data); }
function sendError(c, code, message, frame) {
  send(c, JSON.stringify(frame ? { type: 'error', code, message, frame } : { type: 'error', code, message }));
}

// ---- decoding a txs frame; throws { message, frame } when malformed ----
class Malformed extends Error { constructor(message, frame) { super(message); this.frame = frame; } }

function decodeBinary(c, buf) {
  if (buf.length < 16) throw new Malformed(`frame of ${buf.length} bytes is shorter than its header`);
  const type = buf.readUInt8(0), version = buf.readUInt8(1), count = buf.readUInt32LE(4), base = buf.readDoubleLE(8);
  const frame = { baseId: base, count };
  if (type !== 1) throw new Malformed(`frame type ${type} is not 1 (transactions)`, frame);
  if (version !== 1) throw new Malformed(`frame version ${version} is not 1`, frame);
  if (count > MAX_BATCH) throw new Malformed(`${count} transactions exceed maxBatch ${MAX_BATCH}`, frame);
  const txs = [];
  let o = 16;
  const need = (n) => { if (o + n > buf.length) throw new Malformed('records overrun the frame', frame); };
  const u32s = (n) => { need(4 * n); const a = []; for (let i = 0; i < n; i++, o += 4) a.push(buf.readUInt32LE(o)); return a; };
  for (let i = 0; i < count; i++) {
    need(24);
    const id = base + buf.readUInt32LE(o), kindId = buf.readUInt16LE(o + 4), flags = buf.readUInt8(o + 6);
    const nargs = buf.readUInt8(o + 7), sender = buf.readUInt32LE(o + 8), nonce = buf.readUInt32LE(o + 12);
    const nreads = buf.readUInt8(o + 20), nwrites = buf.readUInt8(o + 21), ndeltas = buf.readUInt8(o + 22);
    if (kindId >= c.kinds.length) throw new Malformed(`kind id ${kindId} is not in the hello's kinds`, frame);
    o += 24;
    need(8 * nargs);
    const args = [];
    for (let k = 0; k < nargs; k++, o += 8) args.push(buf.readDoubleLE(o));
    u32s(nreads); u32s(flags & 2 ? 0 : nwrites); u32s(ndeltas);     // declared sets: unused here
    txs.push({ conn: c, id, kind: c.kinds[kindId], sender, nonce, args });
  }
  if (o !== buf.length) throw new Malformed(`${buf.length - o} bytes left after ${count} records`, frame);
  return txs;
}

function decodeJson(c, msg) {
  if (!msg || msg.type !== 'txs' || !Array.isArray(msg.txs)) throw new Malformed('expected {"type":"txs","txs":[…]}');
  const ids = msg.txs.map((t) => t?.id);
  const frame = ids.every(Number.isSafeInteger) && ids.length > 0 ? { baseId: Math.min(...ids), count: ids.length } : undefined;
  if (msg.txs.length > MAX_BATCH) throw new Malformed(`${msg.txs.length} transactions exceed maxBatch ${MAX_BATCH}`, frame);
  return msg.txs.map((t) => {
    const ok = t && Number.isSafeInteger(t.id) && t.id >= 0 && typeof t.kind === 'string' &&
      Number.isSafeInteger(t.sender) && Number.isSafeInteger(t.nonce) &&
      Array.isArray(t.args) && t.args.every((a) => typeof a === 'number');
    if (!ok) throw new Malformed('a transaction lacks id, kind, sender, nonce or args', frame);
    return { conn: c, id: t.id, kind: t.kind, sender: t.sender, nonce: t.nonce, args: t.args };
  });
}

function parseJson(text) { try { return JSON.parse(text); } catch { return undefined; } }

// ---- the handshake ----
function checkHello(h) {
  if (!h || typeof h !== 'object' || Array.isArray(h) || h.type !== 'hello') return ['bad-hello', 'first message must be a JSON hello'];
  if (h.protocol !== PROTOCOL) return ['unsupported-protocol', `protocol ${JSON.stringify(h.protocol)} is not ${PROTOCOL}`];
  const unknown = Object.keys(h).filter((k) => !HELLO_FIELDS.has(k));
  if (unknown.length) return ['bad-hello', `unknown hello fields: ${unknown.join(', ')}`];
  if (typeof h.session !== 'string' || h.session.length < 1 || h.session.length > 200) return ['bad-hello', 'session must be 1-200 characters'];
  if (h.encoding !== 'binary' && h.encoding !== 'json') return ['bad-hello', 'encoding must be "binary" or "json"'];
  if (!Array.isArray(h.kinds) || !h.kinds.every((k) => typeof k === 'string')) return ['bad-hello', 'kinds must be a list of names'];
  const g = h.genesis;
  if (!g || typeof g !== 'object' || Array.isArray(g)) return ['bad-hello', 'genesis missing'];
  if (!Number.isSafeInteger(g.accounts) || g.accounts < 1 || typeof g.initialBalance !== 'number') {
    return ['bad-hello', 'genesis needs accounts and initialBalance'];
  }
  if (shuttingDown) return ['shutting-down', 'server shutting down'];
  if (session && session.id !== h.session && !idle(session)) return ['busy', `session ${session.id} is still running`];
  return null;
}

function onHello(c, data, isBinary) {
  const h = isBinary ? undefined : parseJson(data.toString('utf8'));
  if (isBinary ? data.length > 0 && data[0] === 1 : h?.type === 'txs') return sendError(c, 'not-ready', 'transactions before the welcome');
  const refusal = checkHello(h);
  if (refusal) { sendError(c, ...refusal); return c.ws.close(refusal[0] === 'shutting-down' ? 1001 : 1008, refusal[0]); }
  if (!session || session.id !== h.session) {                          // a new run, from genesis
    if (session?.timer) clearTimeout(session.timer);
    session = { id: h.session, genesis: h.genesis, balance: new Map(), nonce: new Map(), conns: new Set(), pending: [], blocks: 0, timer: null };
  }
  Object.assign(c, { session, encoding: h.encoding, kinds: h.kinds });
  session.conns.add(c);
  send(c, JSON.stringify({ type: 'welcome', protocol: PROTOCOL, server: 'minimal-target', executor: 'minimal-transfer',
    threads: 1, blockSize: BLOCK_SIZE, blockTimeMs: BLOCK_TIME_MS, maxFrameBytes: MAX_FRAME_BYTES, maxBatch: MAX_BATCH, reasons: REASONS }));
}

function onData(c, data, isBinary) {
  try {
    const txs = isBinary ? decodeBinary(c, data) : decodeJson(c, parseJson(data.toString('utf8')));
    if (shuttingDown) return send(c, encodeErrors(c, txs.map((t) => t.id), 'server shutting down: not executed'));
    if (txs.length > 0) enqueue(c.session, txs);
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    sendError(c, 'malformed', `frame rejected, none of its transactions taken: ${e.message}`, e.frame);
  }
}

// ---- the server ----
const port = Number(process.argv[2] ?? 7171);
const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
const conns = new Set();

wss.on('listening', () => console.log(`listening on ws://127.0.0.1:${wss.address().port}/`));
wss.on('connection', (ws) => {
  const c = { ws, session: null, encoding: 'binary', kinds: [] };
  conns.add(c);
  ws.on('message', (data, isBinary) => (c.session ? onData : onHello)(c, data, isBinary));
  ws.on('error', () => {});                                           // e.g. 1009: ws closes the socket itself
  ws.on('close', () => { conns.delete(c); c.session?.conns.delete(c); });
});

function shutdown() {
  if (shuttingDown) return;
  shuttingDown = true;
  wss.close();                                                        // no new connections
  if (session) {                                                      // finish the block in progress
    if (session.timer) { clearTimeout(session.timer); session.timer = null; }
    cutBlock(session);                           // (blocks are cut at BLOCK_SIZE, so nothing else is held)
  }
  for (const c of conns) sendError(c, 'shutting-down', 'server shutting down');
  for (const c of conns) c.ws.close(1001, 'server shutting down');
  const done = () => conns.size === 0 && process.exit(0);
  for (const c of conns) c.ws.on('close', done);
  done();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
