/**
 * The traffic an exported k6 script sends: parabench's own generator run ahead of time, so the
 * same profile and seed give the same transactions as `parabench run`, by construction.
 *
 * txs.json is a JSON array with one row a line, row i being transaction i (its id is its index):
 *
 *   [kind, sender, nonce, args, costUs, reads, writes, deltas, exact]
 *
 * `kind` indexes the hello's kind table, `writes` is null when it equals `reads` (as the binary
 * wire encoding's flag), `exact` is 1 or 0. About 45 bytes a transfer: compact enough for k6 to
 * parse once per runner into a SharedArray, plain enough to read. The script's transactionAt()
 * turns a row back into the protocol's JSON transaction.
 */
import type { Tx } from '../../core/tx.js';

export const DATA_FILE = 'txs.json';

/** The row of one transaction, as JSON text. */
export function encodeRow(tx: Tx, kindIndex: ReadonlyMap<string, number>): string {
  const kind = kindIndex.get(tx.kind);
  if (kind === undefined) throw new Error(`transaction ${tx.id}: kind "${tx.kind}" is not in the kind table`);
  const same = tx.writes.length === tx.reads.length && tx.writes.every((k, i) => k === tx.reads[i]);
  return JSON.stringify([kind, tx.sender, tx.nonce, tx.args, tx.costUs, tx.reads, same ? null : tx.writes, tx.deltas, tx.exact ? 1 : 0]);
}

/** txs.json in pieces (the opening bracket, one row a line, the closing bracket), for writing as a stream. */
export function* dataChunks(next: (id: number) => Tx, count: number, kinds: readonly string[]): Generator<string> {
  const index = new Map(kinds.map((k, i) => [k, i]));
  yield '[\n';
  for (let id = 0; id < count; id++) {
    const tx = next(id);
    if (tx.id !== id) throw new Error(`the generator made transaction ${tx.id} when asked for ${id}`);
    yield `${encodeRow(tx, index)}${id === count - 1 ? '' : ','}\n`;
  }
  yield ']\n';
}
